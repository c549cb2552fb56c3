import { randomUUID } from 'node:crypto';
import { existsSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync, type SQLInputValue, type StatementSync } from 'node:sqlite';
import type { ActivityFilter, ActivityPage, ToolCall, ToolCallStatus } from '../../../shared/activity.js';
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
const SCHEMA_VERSION = 2;

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
`;

/**
 * How far start times and row order may disagree: rows go in at start, in batches a fraction of a
 * second apart (two Tarmacs writing the same history interleave their batches). Time bounds
 * become row-id bounds with this much slack, then are checked exactly.
 */
const ORDER_SLACK_MS = 60_000;

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
    const hasDecision = (db.prepare('PRAGMA table_info(calls)').all() as { name: string }[]).some((c) => c.name === 'decision');
    this.#columns = `${COLUMNS}, ${hasDecision ? 'decision' : 'NULL AS decision'}`;
    this.#byId = db.prepare(`SELECT ${this.#columns} FROM calls WHERE id = ?`);
    this.#firstFrom = db.prepare('SELECT seq FROM calls WHERE t >= ? ORDER BY t LIMIT 1');
    // An upsert, so a call that starts and finishes inside one batch is one insert, and one that
    // spans batches is an insert and then an update of the same row.
    this.#upsert = readOnly
      ? null
      : db.prepare(
          `INSERT INTO calls (id, t, client, session, tool, provider, class, status, duration_ms, result_bytes, preview, args, cancelled_by, decision)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
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
      if (!(db.prepare('PRAGMA table_info(calls)').all() as { name: string }[]).some((c) => c.name === 'decision')) db.exec('ALTER TABLE calls ADD COLUMN decision TEXT');
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
        upsert.run(c.id, Date.parse(c.time), c.client, c.session, c.tool, c.provider, c.class, c.status, c.durationMs, c.resultBytes, c.preview, JSON.stringify(c.args), c.cancelledBy, c.decision ? JSON.stringify(c.decision) : null);
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
   * Newest first, `limit` calls from `cursor` on (null: from the newest). `covered`: up to which
   * row id the search index is complete (0: no index); a free-text search then scans only the
   * newest rows and asks the index about the older ones.
   */
  query(filter: ActivityFilter, cursor: string | null, limit: number, covered = 0, scanFirst = SCAN_FIRST_ROWS): ActivityPage {
    const { where, params } = whereClause(filter);
    if (filter.since !== undefined) {
      const lo = this.#firstSeqFrom(toEpoch(filter.since) - ORDER_SLACK_MS);
      if (lo === null) return { calls: [], next: null };
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

  /** Calls per (minute, status) since `since` (epoch ms). */
  perMinute(since: number): { minute: number; status: string; n: number }[] {
    return this.#db
      .prepare('SELECT t / 60000 AS minute, status, count(*) AS n FROM calls WHERE t >= ? GROUP BY minute, status')
      .all(since) as unknown as { minute: number; status: string; n: number }[];
  }

  /** Durations of finished calls since `since`, sorted per tool. */
  durations(since: number): { tool: string; d: number }[] {
    return this.#db
      .prepare("SELECT tool, duration_ms AS d FROM calls WHERE t >= ? AND duration_ms IS NOT NULL AND status <> 'running' ORDER BY tool, d")
      .all(since) as unknown as { tool: string; d: number }[];
  }

  /** Counts grouped by one column (client, tool or provider) since `since`. */
  totals(column: 'client' | 'tool' | 'provider', since: number): { key: string; calls: number; errors: number; last: number }[] {
    return this.#db
      .prepare(
        `SELECT ${column} AS key, count(*) AS calls, sum(status IN ('error', 'timeout')) AS errors, max(t) AS last
         FROM calls WHERE t >= ? GROUP BY ${column} ORDER BY calls DESC, key`,
      )
      .all(since) as unknown as { key: string; calls: number; errors: number; last: number }[];
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
  for (const key of ['client', 'provider', 'tool', 'class', 'status'] as const) {
    const value = filter[key];
    if (value !== undefined) {
      where.push(`${key} = ?`);
      params.push(value);
    }
  }
  if (filter.text) {
    const pattern = `%${filter.text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
    where.push("(tool LIKE ? ESCAPE '\\' OR args LIKE ? ESCAPE '\\' OR preview LIKE ? ESCAPE '\\')");
    params.push(pattern, pattern, pattern);
  }
  return { where, params };
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

function decodeCursor(cursor: string): number {
  const m = /^c(\d{1,15})$/.exec(Buffer.from(cursor, 'base64url').toString());
  if (!m) throw new BadCursorError('That page cursor is not one this Tarmac made: start again from the first page.');
  return Number(m[1]);
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
