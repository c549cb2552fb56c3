import type { ActivityStats, StatsRange, ToolCallStatus } from '../../../shared/activity.js';
import type { ActivityDb } from './db.js';

const MINUTE = 60_000;
const TOP_TOOLS = 10;

/** The figures behind the Activity page's charts, over the last hour or day (whole minutes). */
export function activityStats(db: ActivityDb, range: StatsRange, now = Date.now()): ActivityStats {
  const minutes = range === 'hour' ? 60 : 1440;
  const end = (Math.floor(now / MINUTE) + 1) * MINUTE;
  const start = end - minutes * MINUTE;

  const buckets = Array.from({ length: minutes }, (_, i) => ({ minute: new Date(start + i * MINUTE).toISOString(), counts: {} as Partial<Record<ToolCallStatus, number>> }));
  for (const { minute, status, n } of db.perMinute(start)) {
    const bucket = buckets[minute - start / MINUTE];
    if (bucket) bucket.counts[status as ToolCallStatus] = n;
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

  return {
    range,
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    perMinute: buckets,
    durations,
    topTools: db
      .totals('tool', start)
      .slice(0, TOP_TOOLS)
      .map((r) => ({ tool: r.key, calls: r.calls })),
    providers: db.totals('provider', start).map((r) => ({ provider: r.key, calls: r.calls, errors: r.errors, errorRate: r.calls ? r.errors / r.calls : 0 })),
    clients: db.totals('client', start).map((r) => ({ client: r.key, calls: r.calls, errors: r.errors, lastSeen: new Date(r.last).toISOString() })),
  };
}

/** Percentile of sorted values, nearest rank. */
function nearestRank(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}
