import type { ActivityStats, StatsRange, ToolCallStatus } from '../../../shared/activity.js';
import type { ActivityDb } from './db.js';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;
const TOP_TOOLS = 10;

/** Each period and the bucket that gives its chart between 60 and 168 bars. */
export const RANGE_SPANS: Readonly<Record<StatsRange, { spanMs: number; bucketMs: number }>> = {
  '1h': { spanMs: HOUR, bucketMs: MINUTE },
  '24h': { spanMs: DAY, bucketMs: 15 * MINUTE },
  '7d': { spanMs: 7 * DAY, bucketMs: HOUR },
  '30d': { spanMs: 30 * DAY, bucketMs: 6 * HOUR },
  '90d': { spanMs: 90 * DAY, bucketMs: DAY },
};

/**
 * The figures behind the Activity page's charts over a period back from now, in whole buckets
 * aligned to the local time zone (a day's bucket starts at midnight, an hour's on the hour).
 * Each figure is one grouped query over the start-time index, so 90 days of 100,000 calls take
 * a few SQLite scans, not 100,000 rows in JavaScript.
 */
export function activityStats(db: ActivityDb, range: StatsRange, now = Date.now()): ActivityStats {
  const { spanMs, bucketMs } = RANGE_SPANS[range];
  // The zone's offset now (a daylight-saving change inside the period moves older buckets by an hour).
  const offset = -new Date(now).getTimezoneOffset() * MINUTE;
  const count = Math.round(spanMs / bucketMs);
  const lastBucket = Math.floor((now + offset) / bucketMs);
  const firstBucket = lastBucket - count + 1;
  const start = firstBucket * bucketMs - offset;
  const end = (lastBucket + 1) * bucketMs - offset;

  const buckets = Array.from({ length: count }, (_, i) => ({ start: new Date(start + i * bucketMs).toISOString(), counts: {} as Partial<Record<ToolCallStatus, number>> }));
  let total = 0;
  for (const { bucket, status, n } of db.perBucket(start, bucketMs, offset)) {
    const slot = buckets[bucket - firstBucket];
    if (!slot) continue;
    slot.counts[status as ToolCallStatus] = n;
    total += n;
  }

  const durations: ActivityStats['durations'] = [];
  let tool: string | null = null;
  let values: number[] = [];
  const close = () => {
    if (tool !== null && values.length > 0) durations.push({ tool, calls: values.length, p50Ms: nearestRank(values, 50), p95Ms: nearestRank(values, 95) });
  };
  // Rows come sorted by tool, then duration: each tool's values are already in order.
  for (const row of db.durations(start)) {
    if (row.tool !== tool) {
      close();
      tool = row.tool;
      values = [];
    }
    values.push(row.d);
  }
  close();
  durations.sort((a, b) => b.calls - a.calls || a.tool.localeCompare(b.tool));

  // One grouped read of the period, summed three ways.
  const sum = (key: 'tool' | 'client' | 'provider') => {
    const by = new Map<string, { calls: number; errors: number; last: number }>();
    for (const g of groups) {
      const t = by.get(g[key]) ?? { calls: 0, errors: 0, last: 0 };
      t.calls += g.calls;
      t.errors += g.errors;
      t.last = Math.max(t.last, g.last);
      by.set(g[key], t);
    }
    return [...by].map(([k, v]) => ({ key: k, ...v })).sort((a, b) => b.calls - a.calls || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  };
  const groups = db.groups(start);

  return {
    range,
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    bucketMs,
    buckets,
    total,
    durations,
    topTools: sum('tool')
      .slice(0, TOP_TOOLS)
      .map((r) => ({ tool: r.key, calls: r.calls })),
    providers: sum('provider').map((r) => ({ provider: r.key, calls: r.calls, errors: r.errors, errorRate: r.calls ? r.errors / r.calls : 0 })),
    clients: sum('client').map((r) => ({ client: r.key, calls: r.calls, errors: r.errors, lastSeen: new Date(r.last).toISOString() })),
  };
}

/** A period's figures that took this long to count are worth keeping for a while. */
const SLOW_MS = 40;
/** How long such figures are reused: a chart of days moves nothing visible in that time. */
const REUSE_MS = 30_000;

/**
 * The figures of each period, kept when counting them was slow (a long period of a big history)
 * and reused for up to 30 s, so a window that refreshes its charts every few seconds while
 * calls pour in counts a 90-day history twice a minute at most. Clearing the history (a new
 * history id) drops them; a short period is cheap and always counted afresh.
 */
export class StatsCache {
  readonly #kept = new Map<StatsRange, { at: number; history: string | null; stats: ActivityStats }>();

  get(db: ActivityDb, range: StatsRange, now = Date.now()): ActivityStats {
    const history = db.historyId();
    const kept = this.#kept.get(range);
    if (kept && kept.history === history && now - kept.at >= 0 && now - kept.at < REUSE_MS) return kept.stats;
    const t0 = performance.now();
    const stats = activityStats(db, range, now);
    if (performance.now() - t0 >= SLOW_MS) this.#kept.set(range, { at: now, history, stats });
    else this.#kept.delete(range);
    return stats;
  }
}

/** Percentile of sorted values, nearest rank. */
function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
