import { join } from 'node:path';
import { TOOL_CALL_STATUSES, type ActivityEvent, type ActivityFilter, type ToolCall, type ToolCallStatus } from '../../shared/activity.js';
import { ActivityDb, activityDbPath } from '../host/activity/db.js';
import { followActivityFeed } from '../host/activity/feed.js';
import { readInstance } from '../host/instance.js';
import { defaultDataDir } from '../host/paths.js';
import type { CommandContext } from './command.js';
import { CliError, type CliIo } from './io.js';

/** The command table's entry: it reads the history itself, without starting a host. */
export function run(ctx: CommandContext): Promise<number> {
  const dataDir = ctx.hostOverrides.dataDir ?? ctx.values['data-dir'] ?? defaultDataDir(ctx.hostOverrides.env ?? process.env);
  return activity(dataDir, ctx.values, ctx.io);
}

export interface ActivityOptions {
  follow?: boolean | undefined;
  client?: string | undefined;
  tool?: string | undefined;
  provider?: string | undefined;
  status?: string | undefined;
  since?: string | undefined;
  limit?: string | undefined;
  json?: boolean | undefined;
}

const DEFAULT_LIMIT = 50;
/** With --follow, how much history comes first (like `tail -f`). */
const DEFAULT_FOLLOW_LIMIT = 10;
const MAX_LIMIT = 100_000;
const PAGE = 1_000;
const UNITS: Record<string, number> = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };

/**
 * `tarmac activity`: recorded tool calls from the history database (read-only, so it is safe
 * while Tarmac runs), the newest N shown oldest first, so `--follow` continues right below them
 * with calls as a running Tarmac finishes them.
 */
export async function activity(dataDir: string, options: ActivityOptions, io: CliIo, signal?: AbortSignal): Promise<number> {
  const filter = parseFilter(options);
  const limit = parseLimit(options.limit, options.follow ? DEFAULT_FOLLOW_LIMIT : DEFAULT_LIMIT);
  const print = printer(io, options.json ?? false);

  if (!options.follow) {
    const calls = readHistory(dataDir, filter, limit);
    if (calls === null) {
      io.err(`No tool calls recorded yet in ${dataDir}.`);
      return 0;
    }
    if (calls.length === 0) io.err('No tool calls match.');
    print.header();
    for (const call of calls.reverse()) print.call(call);
    return 0;
  }

  const found = await readInstance(dataDir);
  if (found.state !== 'running') {
    throw new CliError(`No Tarmac is running from ${dataDir}: start the desktop app or \`tarmac serve\`, then try again.`, 1);
  }
  const feed = found.instance.activityFeed;
  if (!feed) {
    const why = process.platform === 'win32' ? 'live activity is not available on Windows yet' : 'it has no activity feed (an older version, or its data folder path is too long for a socket)';
    throw new CliError(`The running Tarmac (pid ${found.instance.pid}): ${why}. Run \`tarmac activity\` without --follow to see the history.`, 1);
  }

  // Listen first and hold what arrives while the history is read, so nothing falls in between.
  let held: ToolCall[] | null = [];
  const shown = new Set<string>();
  const controller = new AbortController();
  const stop = () => controller.abort();
  signal?.addEventListener('abort', stop, { once: true });
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  const onEvent = (event: ActivityEvent) => {
    if (event.type !== 'finished' || !matches(event.call, filter)) return;
    if (held) held.push(event.call);
    else if (!shown.has(event.call.id)) print.call(event.call);
  };
  try {
    const following = followActivityFeed(feed, onEvent, controller.signal);
    // Surface a connection failure before printing anything.
    await Promise.race([following, new Promise((resolve) => setTimeout(resolve, 50))]);
    print.header();
    for (const call of (readHistory(dataDir, filter, limit) ?? []).reverse()) {
      shown.add(call.id);
      print.call(call);
    }
    for (const call of held) if (!shown.has(call.id)) print.call(call);
    held = null;
    io.err(`Following tool calls of the Tarmac at ${found.instance.url} (Ctrl-C to stop).`);
    const end = await following;
    if (end === 'ended') io.err('Tarmac stopped.');
    return 0;
  } catch (err) {
    throw new CliError(`Could not follow the running Tarmac (pid ${found.instance.pid}): ${(err as Error).message}. Is it still running?`, 1);
  } finally {
    signal?.removeEventListener('abort', stop);
    process.off('SIGINT', stop);
    process.off('SIGTERM', stop);
  }
}

/** The newest `limit` calls, newest first; null when nothing was ever recorded. */
function readHistory(dataDir: string, filter: ActivityFilter, limit: number): ToolCall[] | null {
  const path = activityDbPath(dataDir);
  let db: ActivityDb | null;
  try {
    db = ActivityDb.open(path, { readOnly: true });
  } catch (err) {
    throw new CliError(`Cannot read the activity history (${(err as Error).message}). Tarmac sets a damaged history aside when it next starts; the JSONL files in ${join(dataDir, 'activity')} keep every call.`, 1);
  }
  if (!db) return null;
  try {
    const out: ToolCall[] = [];
    let cursor: string | null = null;
    do {
      const page = db.query(filter, cursor, Math.min(PAGE, limit - out.length));
      out.push(...page.calls);
      cursor = page.next;
    } while (cursor && out.length < limit);
    return out;
  } catch (err) {
    throw new CliError(`Cannot read the activity history (${(err as Error).message}). Try again; if it persists, restart Tarmac.`, 1);
  } finally {
    db.close();
  }
}

function parseFilter(options: ActivityOptions): ActivityFilter {
  const filter: ActivityFilter = {};
  if (options.client) filter.client = options.client;
  if (options.tool) filter.tool = options.tool;
  if (options.provider) filter.provider = options.provider;
  if (options.status) {
    if (!TOOL_CALL_STATUSES.includes(options.status as ToolCallStatus)) throw new CliError(`--status must be one of ${TOOL_CALL_STATUSES.join(', ')}, not "${options.status}"`, 2);
    filter.status = options.status as ToolCallStatus;
  }
  if (options.since) filter.since = parseSince(options.since);
  return filter;
}

/** "90s", "15m", "1h", "2d", "1w" ago, or an ISO 8601 time. */
export function parseSince(value: string, now = Date.now()): number {
  const m = /^(\d+)([smhdw])$/.exec(value);
  if (m) return now - Number(m[1]) * UNITS[m[2]!]!;
  const t = /^\d{4}-\d{2}-\d{2}/.test(value) ? Date.parse(value) : NaN;
  if (!Number.isFinite(t)) throw new CliError(`--since takes a duration (30m, 1h, 2d, 1w) or an ISO time (2026-01-31T12:00:00Z), not "${value}"`, 2);
  return t;
}

function parseLimit(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < 1 || n > MAX_LIMIT) throw new CliError(`--limit must be a whole number from 1 to ${MAX_LIMIT}, not "${value}"`, 2);
  return n;
}

function matches(call: ToolCall, filter: ActivityFilter): boolean {
  return (
    (!filter.client || call.client === filter.client) &&
    (!filter.tool || call.tool === filter.tool) &&
    (!filter.provider || call.provider === filter.provider) &&
    (!filter.status || call.status === filter.status)
  );
}

const COLUMNS = [
  ['TIME', 19],
  ['CLIENT', 14],
  ['TOOL', 28],
  ['PROVIDER', 9],
  ['CLASS', 11],
  ['STATUS', 9],
  ['DURATION', 9],
] as const;

function printer(io: CliIo, json: boolean): { header(): void; call(call: ToolCall): void } {
  if (json) return { header: () => undefined, call: (call) => io.out(JSON.stringify(call)) };
  let headed = false;
  return {
    header() {
      if (headed) return;
      headed = true;
      io.out(COLUMNS.map(([label, width]) => label.padEnd(width)).join(' ') + ' RESULT');
    },
    call(call) {
      const cells = [localTime(call.time), call.client, call.tool, call.provider, call.class, call.status, call.durationMs === null ? '-' : `${formatMs(call.durationMs)}`];
      const preview = (call.status === 'cancelled' && call.cancelledBy ? `[by ${call.cancelledBy}] ` : '') + (call.preview ?? '');
      io.out(cells.map((cell, i) => fit(cell, COLUMNS[i]![1])).join(' ') + ' ' + fit(preview, 60).trimEnd());
    },
  };
}

function fit(text: string, width: number): string {
  return text.length > width ? text.slice(0, width - 1) + '…' : text.padEnd(width);
}

function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

function formatMs(ms: number): string {
  return ms < 1_000 ? `${Math.round(ms)} ms` : `${(ms / 1_000).toFixed(1)} s`;
}
