import { randomUUID } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import { NEWEST_FIRST, type ActivityFacets, type ActivityFilter, type ActivityOrder, type ActivityPage, type ToolCall, type ToolCallStatus } from '../../../shared/activity.js';
import type { CallDecision, ToolClass } from '../../../shared/policy.js';
import type { Logger } from '../log.js';
import { trigramQuery } from './search.js';
import { PRIVATE_FILE, privateFile, tighten } from '../fs/private.js';

/**
 * The activity history in SQLite (node:sqlite: built into Node and Electron, no native module to
 * rebuild; see README "why we picked each library"). One row per call, inserted when the call
 * starts, so the row id (seq) follows start time: "newest first" is seq descending, which lets
 * every filter walk an index (each holds the row id) or the table itself backwards and stop at a
 * page, and a free-text search read the table in order rather than jump around it. Everything
 * stored here was redacted before it arrived.
 */
const SCHEMA_VERSION = 3;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS calls (
  seq INTEGER PRIMARY KEY AUTOINCREMENT,
  id TEXT NOT NULL UNIQUE,
  t INTEGER NOT NULL,
  client TEXT NOT NULL,
  session TEXT,
  tool TEXT NOT NULL,
  provider TEXT NOT NULL,
  class TEXT NOT NULL,
  status TEXT NOT NULL,
  duration_ms REAL,
  result_bytes INTEGER,
  preview TEXT,
  args TEXT NOT NULL,
  cancelled_by TEXT
);
CREATE INDEX IF NOT EXISTS calls_t ON calls (t);
CREATE INDEX IF NOT EXISTS calls_client ON calls (client);
CREATE INDEX IF NOT EXISTS calls_tool ON calls (tool);
CREATE INDEX IF NOT EXISTS calls_provider ON calls (provider);
CREATE INDEX IF NOT EXISTS calls_class ON calls (class);
CREATE INDEX IF NOT EXISTS calls_status ON calls (status);
CREATE INDEX IF NOT EXISTS calls_duration ON calls (ifnull(duration_ms, -1));
`;

/**
 * What each sort orders by: an indexed column or expression, with the row id (start order) after
 * it in the same direction, which every index holds at its end, so a sorted page walks the index
 * and stops. (calls_duration, version 3, is made by the first writable open of an older history;
 * until then a read-only reader sorts durations the slow way, with the same answer.)
 */
export const SORT_KEY: Readonly<Record<Exclude<ActivityOrder['by'], 'time'>, string>> = {
  tool: 'tool',
  status: 'status',
  // Calls without a duration (running, refused by a rule, invalid) sort as the shortest.
  duration: 'ifnull(duration_ms, -1)',
};

/**
 * How far start times and row order may disagree: rows go in at start, in batches a fraction of a
 * second apart (two Tarmacs writing the same history interleave their batches). Time bounds
 * become row-id bounds with this much slack, then are checked exactly.
 */
const ORDER_SLACK_MS = 60_000;

/**
 * The charts' figures read the calls of a period through the start-time index: left to itself,
 * the planner groups by walking the tool's (or client's) index over the whole history and looks
 * up every row's time, 0.2 s at 100,000 calls even for the last hour.
 */
const BY_TIME = 'INDEXED BY calls_t';

/** A free-text search reads this many of the newest rows itself before it asks the index. */
const SCAN_FIRST_ROWS = 2_000;
/** Past this many matches in the index, a search reads the history instead of the index's list. */
const MAX_INDEX_CANDIDATES = 5_000;

const COLUMNS = 'seq, id, t, client, session, tool, provider, class, status, duration_ms, result_bytes, preview, args, cancelled_by';

interface Row {
  seq: number;
  id: string;
  t: number;
  client: string;
  session: string | null;
  tool: string;
  provider: string;
  class: string;
  status: string;
  duration_ms: number | null;
  result_bytes: number | null;
  preview: string | null;
  args: string;
  cancelled_by: string | null;
  decision: string | null;
  account: string | null;
}

/** Where a data folder keeps its history. */
export function activityDbPath(dataDir: string): string {
  return join(dataDir, 'activity', 'activity.db');
}

export class BadCursorError extends Error {
  override readonly name = 'BadCursorError';
}

/** SQLITE_CORRUPT and SQLITE_NOTADB, with any extended code. */
export function isDamagedDbError(err: unknown): boolean {
  const code = (err as { errcode?: unknown } | null)?.errcode;
  return typeof code === 'number' && ((code & 0xff) === 11 || (code & 0xff) === 26);
}

export interface OpenOptions {
  log?: Logger;
  /** For readers (the CLI while the app runs): never writes, never sets anything aside. */
  readOnly?: boolean;
}

export class ActivityDb {
  readonly #db: DatabaseSync;
  readonly #upsert: StatementSync | null;
  readonly #byId: StatementSync;
  readonly #firstFrom: StatementSync;
  readonly #columns: string;
  #searchAttached = false;

  private constructor(db: DatabaseSync, readOnly: boolean) {
    this.#db = db;
    // A history from before guardrails has no decision column; a reader must not change it.
    const columns = (db.prepare('PRAGMA table_info(calls)').all() as { name: string }[]).map((c) => c.name);
    this.#columns = `${COLUMNS}, ${columns.includes('decision') ? 'decision' : 'NULL AS decision'}, ${columns.includes('account') ? 'account' : 'NULL AS account'}`;
    this.#byId = db.prepare(`SELECT ${this.#columns} FROM calls WHERE id = ?`);
    this.#firstFrom = db.prepare('SELECT seq FROM calls WHERE t >= ? ORDER BY t LIMIT 1');
    // An upsert, so a call that starts and finishes inside one batch is one insert, and one that
    // spans batches is an insert and then an update of the same row.
    this.#upsert = readOnly
      ? null
      : db.prepare(
          `INSERT INTO calls (id, t, client, session, tool, provider, class, status, duration_ms, result_bytes, preview, args, cancelled_by, decision, account)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
           ON CONFLICT(id) DO UPDATE SET status = excluded.status, duration_ms = excluded.duration_ms,
             result_bytes = excluded.result_bytes, preview = excluded.preview, cancelled_by = excluded.cancelled_by, decision = excluded.decision`,
        );
  }

  /**
   * Open (or create) the database. A damaged file is renamed to `<name>.damaged-<time>` with an
   * error in the app log, and a new one is started: history is lost from the database, never the
   * JSONL audit files. Read-only opens return null when there is no database yet.
   */
  static open(path: string, options: OpenOptions = {}): ActivityDb | null {
    if (options.readOnly) {
      if (path !== ':memory:' && !existsSync(path)) return null;
      const db = new DatabaseSync(path, { readOnly: true, timeout: 2_000 });
      return new ActivityDb(db, true);
    }
    try {
      return ActivityDb.#openWritable(path);
    } catch (err) {
      if (!isDamagedDbError(err) || path === ':memory:') throw err;
      const aside = ActivityDb.setAside(path);
      options.log?.error(
        { file: path, setAside: aside, err: (err as Error).message },
        'The activity database was damaged: it was set aside and a new one started. Every call is still in the JSONL audit files next to it.',
      );
      return ActivityDb.#openWritable(path);
    }
  }

  static #openWritable(path: string): ActivityDb {
    // 0600 before SQLite opens it: the -wal and -shm files it makes take the database's mode.
    if (path !== ':memory:') {
      privateFile(path);
      for (const suffix of ['-wal', '-shm']) tighten(path + suffix, PRIVATE_FILE);
    }
    const db = new DatabaseSync(path, { timeout: 2_000 });
    try {
      db.exec('PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;');
      db.exec(SCHEMA);
      // Version 2: how each call's policy was decided (guardrails).
      const columns = (db.prepare('PRAGMA table_info(calls)').all() as { name: string }[]).map((c) => c.name);
      if (!columns.includes('decision')) db.exec('ALTER TABLE calls ADD COLUMN decision TEXT');
      // Version 3: which account of the back end each call used (several accounts).
      if (!columns.includes('account')) db.exec('ALTER TABLE calls ADD COLUMN account TEXT');
      db.exec(`PRAGMA user_version = ${SCHEMA_VERSION}`);
      // Which history this is: the search index checks it, to start again after a clear or a swap.
      db.prepare("INSERT OR IGNORE INTO meta (key, value) VALUES ('id', ?)").run(randomUUID());
      // A cheap read of the newest and oldest rows. (A full integrity check takes a quarter of a
      // second per 100,000 calls, at every start: damage deeper in is caught when a read or a
      // write meets it, and handled the same way then.)
      db.prepare('SELECT (SELECT max(seq) FROM calls), (SELECT min(seq) FROM calls)').get();
    } catch (err) {
      db.close();
      throw err;
    }
    return new ActivityDb(db, false);
  }

  /** Rename a database file and its WAL/SHM companions out of the way; returns the new name. */
  static setAside(path: string): string {
    const aside = `${path}.damaged-${new Date().toISOString().replace(/[:.]/g, '-')}`;
    for (const suffix of ['', '-wal', '-shm']) {
      try {
        renameSync(path + suffix, aside + suffix);
      } catch {
        // A missing companion file is fine.
      }
    }
    return aside;
  }

  /** Insert or update calls in one transaction. */
  write(calls: Iterable<ToolCall>): void {
    const upsert = this.#upsert;
    if (!upsert) throw new Error('This activity database was opened read-only.');
    this.#db.exec('BEGIN');
    try {
      for (const c of calls) {
        upsert.run(c.id, Date.parse(c.time), c.client, c.session, c.tool, c.provider, c.class, c.status, c.durationMs, c.resultBytes, c.preview, JSON.stringify(c.args), c.cancelledBy, c.decision ? JSON.stringify(c.decision) : null, c.account ?? null);
      }
      this.#db.exec('COMMIT');
    } catch (err) {
      if (this.#db.isTransaction) this.#db.exec('ROLLBACK');
      throw err;
    }
  }

  get(id: string): ToolCall | null {
    const row = this.#byId.get(id) as Row | undefined;
    return row ? toCall(row) : null;
  }

  /**
   * `limit` calls from `cursor` on (null: from the first), newest first unless `order` says
   * otherwise. `covered`: up to which row id the search index is complete (0: no index); a
   * free-text search, newest first, then scans only the newest rows and asks the index about the
   * older ones.
   */
  query(filter: ActivityFilter, cursor: string | null, limit: number, covered = 0, scanFirst = SCAN_FIRST_ROWS, order: ActivityOrder = NEWEST_FIRST): ActivityPage {
    if (order.by !== 'time' || order.dir !== 'desc') return this.#sorted(filter, cursor, limit, order);
    const { where, params } = whereClause(filter);
    this.#timeBounds(filter, where, params);
    if (where.includes(NOTHING)) return { calls: [], next: null };
    if (cursor) {
      where.push('seq < ?');
      params.push(decodeCursor(cursor));
    }
    let fts = filter.text && covered > 0 && this.#searchAttached ? trigramQuery(filter.text) : null;
    // A word in thousands of calls is quicker to find by reading from the newest row (the page
    // fills at once, or another filter's index narrows the reading) than by listing every match.
    if (fts && this.#candidates(fts) >= MAX_INDEX_CANDIDATES) fts = null;
    let rows: Row[];
    if (fts) {
      // Common words fill the page from the newest rows; rare ones are found in the index.
      const newest = (this.#db.prepare('SELECT max(seq) AS m FROM calls').get() as { m: number | null }).m ?? 0;
      const floor = Math.min(covered, newest - scanFirst);
      rows = this.#select([...where, 'seq > ?'], [...params, floor], limit + 1);
      if (rows.length <= limit) {
        let older: Row[];
        try {
          older = this.#select([...where, 'seq <= ?', 'seq IN (SELECT rowid FROM search.fts WHERE fts MATCH ?)'], [...params, floor, fts], limit + 1 - rows.length);
        } catch {
          // A broken index only costs speed: read the rest of the history instead.
          this.#searchAttached = false;
          older = this.#select([...where, 'seq <= ?'], [...params, floor], limit + 1 - rows.length);
        }
        rows = rows.concat(older);
      }
    } else {
      rows = this.#select(where, params, limit + 1);
    }
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows.at(-1);
    return { calls: rows.map(toCall), next: more && last ? encodeCursor(last.seq) : null };
  }

  /** Time bounds as row-id bounds (with slack, checked exactly by whereClause); NOTHING when no row is that new. */
  #timeBounds(filter: ActivityFilter, where: string[], params: SQLInputValue[]): void {
    if (filter.since !== undefined) {
      const lo = this.#firstSeqFrom(toEpoch(filter.since) - ORDER_SLACK_MS);
      if (lo === null) {
        where.push(NOTHING);
        return;
      }
      where.push('seq >= ?');
      params.push(lo);
    }
    if (filter.until !== undefined) {
      const hi = this.#firstSeqFrom(toEpoch(filter.until) + ORDER_SLACK_MS);
      if (hi !== null) {
        where.push('seq < ?');
        params.push(hi);
      }
    }
  }

  /**
   * A page in another order than newest first: ORDER BY the sort's key and the row id, both in
   * the sort's direction, which walks that key's index; the cursor is the last row's key and row
   * id (a row-value comparison the index answers). Free text is matched row by row here.
   */
  #sorted(filter: ActivityFilter, cursor: string | null, limit: number, order: ActivityOrder): ActivityPage {
    const { where, params } = whereClause(filter);
    this.#timeBounds(filter, where, params);
    if (where.includes(NOTHING)) return { calls: [], next: null };
    const key = order.by === 'time' ? null : SORT_KEY[order.by];
    const dir = order.dir === 'asc' ? 'ASC' : 'DESC';
    const cmp = order.dir === 'asc' ? '>' : '<';
    if (cursor) {
      const at = decodeSortCursor(cursor, order);
      if (key === null) {
        where.push(`seq ${cmp} ?`);
        params.push(at.seq);
      } else {
        where.push(`(${key}, seq) ${cmp} (?, ?)`);
        params.push(at.key, at.seq);
      }
    }
    const sql = `SELECT ${this.#columns}${key ? `, ${key} AS sort_key` : ''} FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY ${key ? `${key} ${dir}, ` : ''}seq ${dir} LIMIT ?`;
    const rows = this.#db.prepare(sql).all(...params, limit + 1) as unknown as (Row & { sort_key?: string | number })[];
    const more = rows.length > limit;
    if (more) rows.pop();
    const last = rows.at(-1);
    return { calls: rows.map(toCall), next: more && last ? encodeSortCursor(order, last.sort_key ?? null, last.seq) : null };
  }

  /** Every client, provider and tool the history names, each sorted (one walk of its index). */
  facets(): ActivityFacets {
    const distinct = (column: 'client' | 'provider' | 'tool') =>
      (this.#db.prepare(`SELECT DISTINCT ${column} AS v FROM calls ORDER BY ${column}`).all() as { v: string }[]).map((r) => r.v);
    return { clients: distinct('client'), providers: distinct('provider'), tools: distinct('tool') };
  }

  /** How many calls the index offers for a search, counted up to MAX_INDEX_CANDIDATES. */
  #candidates(fts: string): number {
    try {
      const row = this.#db.prepare('SELECT count(*) AS n FROM (SELECT rowid FROM search.fts WHERE fts MATCH ? LIMIT ?)').get(fts, MAX_INDEX_CANDIDATES) as { n: number };
      return row.n;
    } catch {
      this.#searchAttached = false;
      return MAX_INDEX_CANDIDATES;
    }
  }

  #select(where: string[], params: SQLInputValue[], limit: number): Row[] {
    const sql = `SELECT ${this.#columns} FROM calls ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY seq DESC LIMIT ?`;
    return this.#db.prepare(sql).all(...params, limit) as unknown as Row[];
  }

  /** Make the search index (a file the search worker writes) available to queries. */
  attachSearch(path: string): void {
    if (this.#searchAttached) return;
    this.#db.prepare('ATTACH DATABASE ? AS search').run(path);
    this.#searchAttached = true;
  }

  /** Which history this is (it changes when the history is cleared). */
  historyId(): string | null {
    const row = this.#db.prepare("SELECT value FROM meta WHERE key = 'id'").get() as { value: string } | undefined;
    return row?.value ?? null;
  }

  /** The row id of the first call started at or after `t`: from here on, rows are that new or newer. */
  #firstSeqFrom(t: number): number | null {
    const row = this.#firstFrom.get(t) as { seq: number } | undefined;
    return row ? row.seq : null;
  }

  /**
   * Calls per (bucket, status) since `since` (epoch ms): bucket b holds the calls whose start,
   * moved by `offset` ms (the local time zone's), is in [b * bucketMs, (b + 1) * bucketMs).
   */
  perBucket(since: number, bucketMs: number, offset = 0): { bucket: number; status: string; n: number }[] {
    return this.#db
      .prepare(`SELECT (t + CAST(? AS INTEGER)) / CAST(? AS INTEGER) AS bucket, status, count(*) AS n FROM calls ${BY_TIME} WHERE t >= ? GROUP BY bucket, status`)
      .all(offset, bucketMs, since) as unknown as { bucket: number; status: string; n: number }[];
  }

  /** Durations of calls that ran and finished (ok, error, timeout) since `since`, sorted per tool. */
  durations(since: number): { tool: string; d: number }[] {
    return this.#db
      .prepare(`SELECT tool, duration_ms AS d FROM calls ${BY_TIME} WHERE t >= ? AND duration_ms IS NOT NULL AND status IN ('ok', 'error', 'timeout') ORDER BY tool, d`)
      .all(since) as unknown as { tool: string; d: number }[];
  }

  /**
   * Calls since `since` grouped by tool, client and provider at once (one read of the period
   * instead of one per chart): calls, errors (error and timeout) and the latest start.
   */
  groups(since: number): { tool: string; client: string; provider: string; calls: number; errors: number; last: number }[] {
    return this.#db
      .prepare(
        `SELECT tool, client, provider, count(*) AS calls, sum(status IN ('error', 'timeout')) AS errors, max(t) AS last
         FROM calls ${BY_TIME} WHERE t >= ? GROUP BY tool, client, provider`,
      )
      .all(since) as unknown as { tool: string; client: string; provider: string; calls: number; errors: number; last: number }[];
  }

  /** Keep at most `maxCalls` (the newest) and nothing started before `before` (epoch ms). Returns how many went. */
  trim(maxCalls: number, before: number): number {
    let removed = Number(this.#db.prepare('DELETE FROM calls WHERE t < ?').run(before).changes);
    const edge = this.#db.prepare('SELECT seq FROM calls ORDER BY seq DESC LIMIT 1 OFFSET ?').get(maxCalls) as { seq: number } | undefined;
    if (edge) removed += Number(this.#db.prepare('DELETE FROM calls WHERE seq <= ?').run(edge.seq).changes);
    return removed;
  }

  /** Calls a previous run left "running" (it stopped without finishing them). */
  closeOrphans(preview: string): number {
    return Number(
      this.#db.prepare("UPDATE calls SET status = 'error', preview = ? WHERE status = 'running'").run(preview).changes,
    );
  }

  count(): number {
    return (this.#db.prepare('SELECT count(*) AS n FROM calls').get() as { n: number }).n;
  }

  clear(): void {
    this.#db.exec('DELETE FROM calls');
    this.#db.prepare("UPDATE meta SET value = ? WHERE key = 'id'").run(randomUUID());
    // Give the space back: a cleared history should not keep its size on disk.
    this.#db.exec('VACUUM');
  }

  close(): void {
    if (this.#db.isOpen) this.#db.close();
  }
}

/** A condition no row meets: a time bound past the newest call. */
const NOTHING = '0';

function whereClause(filter: ActivityFilter): { where: string[]; params: SQLInputValue[] } {
  const where: string[] = [];
  const params: SQLInputValue[] = [];
  // The exact time checks; `+t` keeps the planner on the row-id range query() adds (no sort).
  if (filter.since !== undefined) {
    where.push('+t >= ?');
    params.push(toEpoch(filter.since));
  }
  if (filter.until !== undefined) {
    where.push('+t < ?');
    params.push(toEpoch(filter.until));
  }
  for (const key of ['client', 'provider', 'class', 'status'] as const) {
    const value = filter[key];
    if (value !== undefined) {
      where.push(`${key} = ?`);
      params.push(value);
    }
  }
  // Part of a tool's name, any case (LIKE ignores ASCII case, and tool names are ASCII).
  if (filter.tool) {
    where.push("tool LIKE ? ESCAPE '\\'");
    params.push(likePattern(filter.tool));
  }
  if (filter.text) {
    const pattern = likePattern(filter.text);
    where.push("(tool LIKE ? ESCAPE '\\' OR args LIKE ? ESCAPE '\\' OR preview LIKE ? ESCAPE '\\')");
    params.push(pattern, pattern, pattern);
  }
  return { where, params };
}

/** A LIKE pattern matching `text` anywhere, its own % _ and \\ taken literally. */
function likePattern(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

export function toEpoch(value: string | number): number {
  const ms = typeof value === 'number' ? value : Date.parse(value);
  if (!Number.isFinite(ms)) throw new RangeError(`"${value}" is not a time: use ISO 8601 (2026-01-31T12:00:00Z) or epoch milliseconds`);
  return ms;
}

/** Opaque to callers: the row id to continue below. */
function encodeCursor(seq: number): string {
  return Buffer.from(`c${seq}`).toString('base64url');
}

const BAD_CURSOR = 'That page cursor is not one this Tarmac made: start again from the first page.';

function decodeCursor(cursor: string): number {
  const m = /^c(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new BadCursorError(BAD_CURSOR);
  return Number(m[1]);
}

/** A sorted page's cursor: the order it belongs to, the last row's sort key and row id. */
function encodeSortCursor(order: ActivityOrder, key: string | number | null, seq: number): string {
  return Buffer.from(JSON.stringify(['s', order.by, order.dir, key, seq])).toString('base64url');
}

function decodeSortCursor(cursor: string, order: ActivityOrder): { key: string | number | null; seq: number } {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString());
  } catch {
    throw new BadCursorError(BAD_CURSOR);
  }
  if (!Array.isArray(value) || value.length !== 5) throw new BadCursorError(BAD_CURSOR);
  const [tag, by, dir, key, seq] = value as unknown[];
  if (tag !== 's' || !Number.isSafeInteger(seq) || !(typeof key === 'string' || typeof key === 'number' || key === null)) throw new BadCursorError(BAD_CURSOR);
  if (by !== order.by || dir !== order.dir) throw new BadCursorError('That page cursor belongs to another sort order: start again from the first page.');
  return { key, seq: seq as number };
}

function toCall(row: Row): ToolCall {
  let args: Record<string, unknown>;
  try {
    args = JSON.parse(row.args) as Record<string, unknown>;
  } catch {
    args = {};
  }
  return {
    id: row.id,
    time: new Date(row.t).toISOString(),
    client: row.client,
    session: row.session,
    tool: row.tool,
    provider: row.provider,
    ...(row.account ? { account: row.account } : {}),
    class: row.class as ToolClass,
    args,
    status: row.status as ToolCallStatus,
    durationMs: row.duration_ms,
    resultBytes: row.result_bytes,
    preview: row.preview,
    cancelledBy: row.cancelled_by,
    ...(row.decision ? { decision: parseDecision(row.decision) } : {}),
  };
}

function parseDecision(text: string): CallDecision | undefined {
  try {
    return JSON.parse(text) as CallDecision;
  } catch {
    return undefined;
  }
}
