import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { createStream, type RotatingFileStream } from 'rotating-file-stream';
import { NEWEST_FIRST, type ActivityEvent, type ActivityFacets, type ActivityFilter, type ActivityOrder, type ActivityPage, type ToolCall, type ToolCallStatus } from '../../../shared/activity.js';
import type { CallDecision, ToolClass } from '../../../shared/policy.js';
import { rotatedName, silentLog, type Logger } from '../log.js';
import { ActivityDb, isDamagedDbError } from './db.js';
import { SEARCH_FILE, SearchIndex } from './search.js';
import { callId } from './call-id.js';
import { isoTime } from './iso-time.js';

export const DB_FILE = 'activity.db';
export const DEFAULT_RETENTION = { maxCalls: 100_000, maxDays: 90 } as const;

export interface Retention {
  maxCalls: number;
  maxDays: number;
}

export interface ActivityStoreOptions {
  /** Folder for the database and the JSONL files; omit to keep history in memory only. */
  dir?: string;
  log?: Logger;
  retention?: Retention;
  fileSize?: string;
  maxFiles?: number;
  /** How long a change may wait before it is written (ms). */
  flushMs?: number;
  /** Write at once when this many changes wait. */
  batchSize?: number;
  /** How many of the newest rows a free-text search reads itself before it asks the index. */
  searchScanRows?: number;
  /** false keeps nothing (no database rows, no JSONL): only for measuring what recording costs. */
  record?: boolean;
}

export interface StartCall {
  client: string;
  session: string | null;
  tool: string;
  provider: string;
  class: ToolClass;
  /** The name of the back end's account the call used. */
  account?: string | undefined;
  /** Must already be redacted. */
  args: Record<string, unknown>;
  decision?: CallDecision | undefined;
}

export interface FinishCall {
  status: Exclude<ToolCallStatus, 'running'>;
  resultBytes: number | null;
  /** Must already be redacted. */
  preview: string | null;
  cancelledBy?: string | null;
  decision?: CallDecision | undefined;
  /** Instead of the time since start (or since the clock was restarted): null for a call that never ran nor waited. */
  durationMs?: number | null;
}

export interface ActivityQuery extends ActivityFilter {
  limit?: number;
}

export type ActivityListener = (event: ActivityEvent) => void;

/** How often retention runs, at most: trimming on every batch would cost more than it saves. */
const TRIM_EVERY_MS = 60_000;
const TRIM_EVERY_WRITES = 1_000;

/**
 * Every tool call: a SQLite history (queried by the UI and the CLI), rotated JSONL audit files
 * (the append-only record) and a live stream of changes. Callers redact before handing anything
 * in. Writes wait in a small batch and go to SQLite on a timer, so a tool call never waits for
 * the disk; queries write the batch first, so they always see every call.
 */
export class ActivityStore {
  readonly #path: string;
  readonly #log: Logger;
  /** Opened on first use: commands that record nothing (token list, status) leave no database behind. */
  #db: ActivityDb | null = null;
  #retention: Retention;
  /** Calls running now, with their start on the monotonic clock. */
  readonly #running = new Map<string, { call: ToolCall; started: bigint }>();
  /** Changes not yet written, by call id: the latest state of each call is all that is needed. */
  #pending = new Map<string, ToolCall>();
  #timer: NodeJS.Timeout | null = null;
  readonly #flushMs: number;
  readonly #batchSize: number;
  #writesSinceTrim = 0;
  #lastTrim = 0;
  readonly #listeners = new Set<ActivityListener>();
  readonly #file: RotatingFileStream | null;
  /** Finished calls for the JSONL file, written with the database batch (see flush). */
  #lines: string[] = [];
  #closed = false;
  readonly #record: boolean;
  readonly #dir: string | null;
  readonly #scanFirst: number | undefined;
  /** Started once there is a history to index. */
  #search: SearchIndex | null = null;

  constructor(options: ActivityStoreOptions = {}) {
    this.#record = options.record ?? true;
    this.#dir = options.dir && this.#record ? options.dir : null;
    this.#scanFirst = options.searchScanRows;
    this.#log = options.log ?? silentLog();
    this.#retention = options.retention ?? DEFAULT_RETENTION;
    this.#flushMs = options.flushMs ?? 200;
    this.#batchSize = options.batchSize ?? 500;
    if (options.dir && this.#record) {
      mkdirSync(options.dir, { recursive: true, mode: 0o700 });
      this.#path = join(options.dir, DB_FILE);
      this.#file = createStream(rotatedName('activity', 'jsonl'), {
        path: options.dir,
        size: options.fileSize ?? '10M',
        rotate: Math.max(1, (options.maxFiles ?? 5) - 1),
        mode: 0o600,
      });
      // A full disk must not take tool calls down with it.
      this.#file.on('error', () => undefined);
    } else {
      this.#path = ':memory:';
      this.#file = null;
    }
  }

  static dirFor(dataDir: string): string {
    return join(dataDir, 'activity');
  }

  /**
   * Calls an earlier run left "running" never finished: mark them. Only the one process that owns
   * the history does this (not while another Tarmac is running and may still finish them).
   */
  closeOrphans(): number {
    if (this.#path !== ':memory:' && !existsSync(this.#path)) return 0;
    return this.#withDb((db) => db.closeOrphans('Tarmac stopped before this call finished.'));
  }

  setRetention(retention: Retention): void {
    this.#retention = retention;
    this.#lastTrim = 0;
    this.#schedule();
  }

  start(input: StartCall): ToolCall {
    const now = Date.now();
    // Field by field rather than spread from `input`: this runs for every tool call.
    const call: ToolCall = {
      id: callId(now),
      time: isoTime(now),
      client: input.client,
      session: input.session,
      tool: input.tool,
      provider: input.provider,
      class: input.class,
      args: input.args,
      status: 'running',
      durationMs: null,
      resultBytes: null,
      preview: null,
      cancelledBy: null,
    };
    if (input.decision) call.decision = input.decision;
    if (input.account) call.account = input.account;
    this.#running.set(call.id, { call, started: process.hrtime.bigint() });
    this.#queue(call);
    this.#emit({ type: 'started', call });
    return call;
  }

  finish(id: string, result: FinishCall): ToolCall | undefined {
    const entry = this.#running.get(id);
    if (!entry) return undefined;
    this.#running.delete(id);
    const call: ToolCall = {
      ...entry.call,
      status: result.status,
      durationMs: result.durationMs !== undefined ? result.durationMs : Math.round(Number(process.hrtime.bigint() - entry.started) / 1e4) / 100,
      resultBytes: result.resultBytes,
      preview: result.preview,
      cancelledBy: result.cancelledBy ?? null,
      ...(result.decision ? { decision: result.decision } : {}),
    };
    if (this.#file) this.#lines.push(JSON.stringify(call));
    this.#queue(call);
    this.#emit({ type: 'finished', call });
    return call;
  }

  /**
   * A running call changed before it finished (a person approved it, so it runs now): the record
   * and the live view get the new decision, and its duration counts from here (the wait is in
   * the decision). Returns the new state, undefined when the call is not running.
   */
  update(id: string, change: { decision: CallDecision }): ToolCall | undefined {
    const entry = this.#running.get(id);
    if (!entry) return undefined;
    const call: ToolCall = { ...entry.call, decision: change.decision };
    this.#running.set(id, { call, started: process.hrtime.bigint() });
    this.#queue(call);
    this.#emit({ type: 'updated', call });
    return call;
  }

  /** Record a call that never ran (denied before start, invalid arguments): no duration unless given. */
  record(input: StartCall, result: FinishCall): ToolCall {
    const call = this.start(input);
    return this.finish(call.id, { ...result, durationMs: result.durationMs ?? null }) ?? call;
  }

  /** Hand back the memory of the search index's worker (see SearchIndex.trim); the host's idle trim calls this. */
  trimWorkers(): Promise<void> {
    return this.#search?.trim() ?? Promise.resolve();
  }

  /** Up to which row id the search index covers the history (0: none yet). */
  searchCovered(): number {
    return this.#search && this.#db ? this.#search.coveredFor(this.#db.historyId()) : 0;
  }

  isRunning(id: string): boolean {
    return this.#running.has(id);
  }

  /** One page, newest first unless `order` says otherwise. */
  query(filter: ActivityFilter = {}, cursor: string | null = null, limit = 100, order: ActivityOrder = NEWEST_FIRST): ActivityPage {
    this.flush();
    return this.#withDb((db) => db.query(filter, cursor, limit, this.searchCovered(), this.#scanFirst, order));
  }

  /** Every client, provider and tool the history names. */
  facets(): ActivityFacets {
    this.flush();
    return this.#withDb((db) => db.facets());
  }

  /** Newest first, one page of at most `limit` (default 200). */
  list(query: ActivityQuery = {}): ToolCall[] {
    const { limit, ...filter } = query;
    return this.query(filter, null, limit ?? 200).calls;
  }

  get(id: string): ToolCall | null {
    this.flush();
    return this.#withDb((db) => db.get(id));
  }

  /** The database, with the batch written, for the read-side helpers (stats, export). */
  reader(): ActivityDb {
    this.flush();
    return this.#withDb((db) => db);
  }

  get size(): number {
    this.flush();
    return this.#withDb((db) => db.count());
  }

  /** Forget the history in the database (the JSONL audit files stay: they are the record). */
  clear(): void {
    this.flush();
    this.#withDb((db) => db.clear());
    this.#search?.reset();
  }

  onActivity(listener: ActivityListener): () => void {
    this.#listeners.add(listener);
    return () => void this.#listeners.delete(listener);
  }

  /** Every state of every call (started, then finished), as plain records. */
  subscribe(listener: (call: ToolCall) => void): () => void {
    return this.onActivity((event) => listener(event.call));
  }

  /** Write what waits, then trim to the retention limit when it is time. */
  flush(): void {
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    if (this.#lines.length > 0 && !this.#closed) {
      // One write per batch: the file stream makes one fs call per chunk it is given, and that
      // call was the biggest single cost of recording a call (bench:mcp's profile).
      this.#file?.write(this.#lines.join('\n') + '\n');
      this.#lines = [];
    }
    // Closed, or nothing recorded yet and no history opened: nothing to write or trim.
    if (this.#closed || (this.#pending.size === 0 && this.#db === null)) return;
    if (this.#pending.size > 0) {
      const batch = this.#pending;
      this.#pending = new Map();
      try {
        this.#withDb((db) => db.write(batch.values()));
        this.#writesSinceTrim += batch.size;
        this.#startSearch()?.tick();
      } catch (err) {
        // The JSONL files still have every finished call; the history misses this batch.
        this.#log.warn({ err: (err as Error).message, calls: batch.size }, 'could not write tool calls to the activity database');
      }
    }
    const now = Date.now();
    if (this.#writesSinceTrim >= TRIM_EVERY_WRITES || now - this.#lastTrim >= TRIM_EVERY_MS) {
      this.#writesSinceTrim = 0;
      this.#lastTrim = now;
      try {
        const { maxCalls, maxDays } = this.#retention;
        const removed = this.#withDb((db) => db.trim(maxCalls, now - maxDays * 86_400_000));
        if (removed > 0) this.#log.debug({ removed }, 'activity history trimmed to the retention limit');
      } catch (err) {
        this.#log.warn({ err: (err as Error).message }, 'could not trim the activity history');
      }
    }
  }

  async close(): Promise<void> {
    this.flush();
    this.#closed = true;
    this.#listeners.clear();
    this.#db?.close();
    await this.#search?.close();
    const file = this.#file;
    if (file) await new Promise<void>((resolve) => file.end(() => resolve()));
  }

  #queue(call: ToolCall): void {
    if (!this.#record) return;
    this.#pending.set(call.id, call);
    if (this.#pending.size >= this.#batchSize) setImmediate(() => this.flush());
    else this.#schedule();
  }

  #schedule(): void {
    if (this.#timer || this.#closed) return;
    this.#timer = setTimeout(() => {
      this.#timer = null;
      this.flush();
    }, this.#flushMs);
    // A pending batch does not keep the process alive; close() writes it.
    this.#timer.unref();
  }

  /**
   * Run against the database; if it turns out damaged while running, set it aside, start a new
   * one (with a clear log line) and run once more there.
   */
  #withDb<T>(work: (db: ActivityDb) => T): T {
    try {
      this.#db ??= this.#openDb();
      return work(this.#db);
    } catch (err) {
      if (!isDamagedDbError(err) || this.#path === ':memory:') throw err;
      this.#db?.close();
      const aside = ActivityDb.setAside(this.#path);
      this.#log.error(
        { file: this.#path, setAside: aside, err: (err as Error).message },
        'The activity database was damaged: it was set aside and a new one started. Every call is still in the JSONL audit files next to it.',
      );
      this.#db = this.#openDb();
      this.#search?.reset();
      return work(this.#db);
    }
  }

  #openDb(): ActivityDb {
    const db = ActivityDb.open(this.#path, { log: this.#log })!;
    if (this.#search) this.#attach(db, this.#search);
    return db;
  }

  #attach(db: ActivityDb, search: SearchIndex): void {
    try {
      db.attachSearch(search.path);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'the activity search index is not available: searches read the history instead');
    }
  }

  /** The search index, started after the first write (its worker reads the history file). */
  #startSearch(): SearchIndex | null {
    if (this.#search || !this.#dir || this.#closed || !this.#db) return this.#search;
    try {
      this.#search = new SearchIndex(this.#path, join(this.#dir, SEARCH_FILE), this.#log);
      this.#attach(this.#db, this.#search);
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'the activity search index could not start: searches read the history instead');
    }
    return this.#search;
  }

  #emit(event: ActivityEvent): void {
    for (const listener of this.#listeners) {
      try {
        listener({ type: event.type, call: { ...event.call } } as ActivityEvent);
      } catch {
        // A broken subscriber must not break tool calls.
      }
    }
  }
}
