import { mkdtemp, rm } from 'node:fs/promises';
import { DatabaseSync } from 'node:sqlite';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ActivityDb, BadCursorError, SORT_KEY } from '../../src/main/host/activity/db.js';
import { activityStats, StatsCache } from '../../src/main/host/activity/stats.js';
import { ActivityStore, type StartCall } from '../../src/main/host/activity/store.js';
import type { ActivityOrder, ToolCall, ToolCallStatus } from '../../src/shared/activity.js';

const dirs: string[] = [];
const closers: Array<() => unknown> = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'tarmac-order-'));
  dirs.push(dir);
  return dir;
}

const STATUSES: ToolCallStatus[] = ['ok', 'error', 'denied', 'ok', 'timeout', 'invalid', 'cancelled'];

/** `n` calls a second apart, ending now, with tools, statuses and durations that repeat (some durations missing). */
function calls(n: number, now = Date.now()): ToolCall[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `call-${String(i).padStart(5, '0')}`,
    time: new Date(now - (n - i) * 1000).toISOString(),
    client: ['cursor', 'claude-code'][i % 2]!,
    session: null,
    tool: ['fly-apps-list', 'Fly-Apps-Destroy', 'query_devices', 'fly-logs'][i % 4]!,
    provider: i % 4 === 2 ? 'flightctl' : 'fly',
    class: 'read' as const,
    args: { i },
    status: STATUSES[i % STATUSES.length]!,
    durationMs: i % 5 === 0 ? null : (i * 37) % 101,
    resultBytes: null,
    preview: null,
    cancelledBy: null,
  }));
}

/** Every page of a query, in order. */
function walk(db: ActivityDb, order: ActivityOrder, filter = {}, limit = 7): ToolCall[] {
  const out: ToolCall[] = [];
  let cursor: string | null = null;
  do {
    const page = db.query(filter, cursor, limit, 0, 2_000, order);
    out.push(...page.calls);
    cursor = page.next;
  } while (cursor);
  return out;
}

const seqOf = (c: ToolCall) => Number(c.id.slice(5));
const keyOf: Record<ActivityOrder['by'], (c: ToolCall) => string | number> = {
  time: seqOf,
  tool: (c) => c.tool,
  status: (c) => c.status,
  duration: (c) => c.durationMs ?? -1,
};

/** The order the store promises: by the key, ties by start order, both in the sort's direction. */
function expected(all: ToolCall[], order: ActivityOrder): string[] {
  const sign = order.dir === 'asc' ? 1 : -1;
  const key = keyOf[order.by];
  // SQLite compares text byte by byte (BINARY), as `<` on these ASCII strings does.
  const cmp = (a: string | number, b: string | number) => (a < b ? -1 : a > b ? 1 : 0);
  return [...all].sort((a, b) => sign * (cmp(key(a), key(b)) || seqOf(a) - seqOf(b))).map((c) => c.id);
}

function memoryDb(rows: ToolCall[]): ActivityDb {
  const db = ActivityDb.open(':memory:')!;
  closers.push(() => db.close());
  db.write(rows);
  return db;
}

describe('activity history: sorting, tool filter, facets', () => {
  it('pages through every call in each sort order, both directions, with and without a filter', () => {
    const all = calls(60);
    const db = memoryDb(all);
    for (const by of ['time', 'tool', 'duration', 'status'] as const) {
      for (const dir of ['asc', 'desc'] as const) {
        expect(walk(db, { by, dir }).map((c) => c.id), `${by} ${dir}`).toEqual(expected(all, { by, dir }));
        const cursor = all.filter((c) => c.client === 'cursor');
        expect(walk(db, { by, dir }, { client: 'cursor' }).map((c) => c.id), `${by} ${dir} for cursor`).toEqual(expected(cursor, { by, dir }));
      }
    }
    // The default stays newest first, through the same cursor as before.
    expect(walk(db, { by: 'time', dir: 'desc' }).map((c) => c.id)).toEqual(all.map((c) => c.id).reverse());
  });

  it('sorts by walking an index, with no sort of the whole history', async () => {
    const dir = await tempDir();
    const path = join(dir, 'activity.db');
    ActivityDb.open(path)!.close();
    const raw = new DatabaseSync(path, { readOnly: true });
    closers.push(() => raw.close());
    for (const [by, key] of Object.entries(SORT_KEY)) {
      for (const dir of ['ASC', 'DESC']) {
        const plan = (raw.prepare(`EXPLAIN QUERY PLAN SELECT seq FROM calls ORDER BY ${key} ${dir}, seq ${dir} LIMIT 201`).all() as { detail: string }[]).map((r) => r.detail).join('; ');
        expect(plan, `${by} ${dir}`).toMatch(/USING (COVERING )?INDEX calls_/);
        expect(plan, `${by} ${dir}`).not.toMatch(/TEMP B-TREE/);
      }
    }
  });

  it('refuses a cursor from another order, and one it never made', () => {
    const db = memoryDb(calls(20));
    const page = db.query({}, null, 5, 0, 2_000, { by: 'tool', dir: 'asc' });
    expect(page.next).not.toBeNull();
    expect(() => db.query({}, page.next, 5, 0, 2_000, { by: 'tool', dir: 'desc' })).toThrow(/another sort order/);
    expect(() => db.query({}, page.next, 5)).toThrow(BadCursorError);
    expect(() => db.query({}, Buffer.from('["s","tool","asc","x","1; DROP"]').toString('base64url'), 5, 0, 2_000, { by: 'tool', dir: 'asc' })).toThrow(BadCursorError);
  });

  it('the tool filter matches part of a name, in any case, and takes % and _ literally', () => {
    const db = memoryDb(calls(8));
    const tools = (tool: string) => [...new Set(db.query({ tool }, null, 100).calls.map((c) => c.tool))].sort();
    expect(tools('apps')).toEqual(['Fly-Apps-Destroy', 'fly-apps-list']);
    expect(tools('FLY-APPS-L')).toEqual(['fly-apps-list']);
    expect(tools('query_')).toEqual(['query_devices']);
    expect(tools('query%')).toEqual([]);
    expect(tools('fly_apps')).toEqual([]);
  });

  it('lists every client, provider and tool the history names', () => {
    const db = memoryDb(calls(8));
    expect(db.facets()).toEqual({ clients: ['claude-code', 'cursor'], providers: ['flightctl', 'fly'], tools: ['Fly-Apps-Destroy', 'fly-apps-list', 'fly-logs', 'query_devices'] });
  });
});

describe('activity history: chart periods', () => {
  it('buckets 7, 30 and 90 days on local boundaries, counting every call once', () => {
    const now = Date.parse('2026-03-10T15:20:00Z');
    const all = calls(500, now).map((c, i) => ({ ...c, time: new Date(now - i * 4 * 3_600_000).toISOString() }));
    const db = memoryDb(all);
    for (const [range, buckets, days] of [
      ['7d', 168, 7],
      ['30d', 120, 30],
      ['90d', 90, 90],
    ] as const) {
      const stats = activityStats(db, range, now);
      expect(stats.buckets, range).toHaveLength(buckets);
      const from = Date.parse(stats.from);
      // Every bucket starts on the hour (local), and the last one holds now.
      for (const b of stats.buckets) expect(new Date(b.start).getMinutes()).toBe(0);
      expect(Date.parse(stats.to)).toBeGreaterThan(now);
      expect(Date.parse(stats.to) - from).toBe(days * 86_400_000);
      const inRange = all.filter((c) => Date.parse(c.time) >= from).length;
      expect(stats.total, range).toBe(inRange);
      expect(stats.buckets.reduce((n, b) => n + Object.values(b.counts).reduce((a, x) => a + (x ?? 0), 0), 0)).toBe(inRange);
    }
    // A day's bucket starts at local midnight.
    expect(new Date(activityStats(db, '90d', now).buckets[0]!.start).getHours()).toBe(0);
  });

  it('keeps a slow count for a while and counts afresh after the history is cleared', async () => {
    const store = new ActivityStore();
    closers.push(() => store.close());
    const call: StartCall = { client: 'cursor', session: null, tool: 'fly-apps-list', provider: 'fly', class: 'read', args: {} };
    store.record(call, { status: 'ok', resultBytes: 1, preview: null });
    const cache = new StatsCache();
    const first = cache.get(store.reader(), '90d');
    expect(first.total).toBe(1);
    // A small history is counted afresh every time: the new call shows at once.
    store.record(call, { status: 'ok', resultBytes: 1, preview: null });
    expect(cache.get(store.reader(), '90d').total).toBe(2);
    store.clear();
    expect(cache.get(store.reader(), '90d').total).toBe(0);
  });
});

describe('activity history: an older database', () => {
  /** A history as version 2 left it: no duration index, a decision column. */
  function oldDb(path: string): void {
    const db = new DatabaseSync(path);
    db.exec(`CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
      CREATE TABLE calls (seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE, t INTEGER NOT NULL, client TEXT NOT NULL, session TEXT,
        tool TEXT NOT NULL, provider TEXT NOT NULL, class TEXT NOT NULL, status TEXT NOT NULL, duration_ms REAL, result_bytes INTEGER, preview TEXT,
        args TEXT NOT NULL, cancelled_by TEXT, decision TEXT);
      CREATE INDEX calls_t ON calls (t); CREATE INDEX calls_tool ON calls (tool); CREATE INDEX calls_status ON calls (status);
      PRAGMA user_version = 2;`);
    const insert = db.prepare('INSERT INTO calls (id, t, client, session, tool, provider, class, status, duration_ms, result_bytes, preview, args, cancelled_by, decision) VALUES (?, ?, ?, NULL, ?, ?, ?, ?, ?, NULL, NULL, ?, NULL, ?)');
    for (const c of calls(30)) insert.run(c.id, Date.parse(c.time), c.client, c.tool, c.provider, c.class, c.status, c.durationMs, JSON.stringify(c.args), c.status === 'denied' ? '{"policy":"deny","rule":"read-only mode","by":"rule","channel":null,"waitedMs":null}' : null);
    db.close();
  }

  it('a reader sorts it as it is; the first writable open adds the index and keeps every call', async () => {
    const dir = await tempDir();
    const path = join(dir, 'activity.db');
    oldDb(path);
    const reader = ActivityDb.open(path, { readOnly: true })!;
    const byDuration = walk(reader, { by: 'duration', dir: 'desc' }).map((c) => c.id);
    expect(byDuration).toEqual(expected(calls(30), { by: 'duration', dir: 'desc' }));
    // Older calls keep their decision as recorded (no rule kind): they still read.
    expect(reader.query({ status: 'denied' }, null, 1).calls[0]?.decision).toMatchObject({ rule: 'read-only mode', by: 'rule' });
    reader.close();

    const writer = ActivityDb.open(path)!;
    expect(writer.count()).toBe(30);
    expect(walk(writer, { by: 'duration', dir: 'desc' }).map((c) => c.id)).toEqual(byDuration);
    writer.close();
    const raw = new DatabaseSync(path, { readOnly: true });
    const indexes = (raw.prepare('PRAGMA index_list(calls)').all() as { name: string }[]).map((i) => i.name);
    expect(indexes).toContain('calls_duration');
    expect((raw.prepare('PRAGMA user_version').get() as { user_version: number }).user_version).toBe(3);
    raw.close();
  });
});
