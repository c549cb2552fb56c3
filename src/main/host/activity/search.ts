import { Worker } from 'node:worker_threads';
import type { Logger } from '../log.js';
import { PRIVATE_FILE, privateFile, tighten } from '../fs/private.js';

/**
 * A trigram index of each call's tool, arguments and preview, so a free-text search that matches
 * rarely (or never) does not have to read the whole history. It lives in its own file
 * (activity-search.db) and is written by a worker thread, so building it costs the tool calls
 * nothing and never holds the history's write lock. It only narrows a search down: queries still
 * check every candidate with the same substring test, and scan whatever the index has not
 * covered yet, so results are the same with it, without it, or with it half built.
 *
 * Only finished calls are indexed (a running call's preview is still to come), in row order, up
 * to the first one still running: `covered` is the row id up to which every call is indexed.
 */
export const SEARCH_FILE = 'activity-search.db';

/** How long trim() waits for the worker's answer. */
const TRIM_WAIT_MS = 5_000;

/** The worker, as source: a file of its own would need a bundler entry in both builds. */
const WORKER = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const { DatabaseSync } = require('node:sqlite');
const { dbPath, searchPath } = workerData;
const BATCH = 500;
let main = null, search = null, history = null, covered = 0, indexed = 0, busy = false, again = false;

// Statements are prepared once per open: each prepare() holds native SQLite memory until this
// worker's own garbage collection, which the main thread's idle trim does not reach.
let stmt = null;
function setMeta(key, value) {
  stmt.setMeta.run(key, String(value));
}
function open() {
  try { main && main.close(); } catch {}
  try { search && search.close(); } catch {}
  main = new DatabaseSync(dbPath, { readOnly: true, timeout: 5000 });
  search = new DatabaseSync(searchPath, { timeout: 5000 });
  search.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;" +
    "CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT);" +
    "CREATE VIRTUAL TABLE IF NOT EXISTS fts USING fts5(tool, args, preview, content='', contentless_delete=1, tokenize='trigram', detail='none');");
  stmt = {
    setMeta: search.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value'),
    progress: search.prepare("SELECT key, value FROM meta WHERE key IN ('covered', 'indexed')"),
    rows: main.prepare('SELECT seq, tool, args, preview, status FROM calls WHERE seq > ? ORDER BY seq LIMIT ?'),
    insert: search.prepare('INSERT INTO fts (rowid, tool, args, preview) VALUES (?, ?, ?, ?)'),
  };
  const row = main.prepare("SELECT value FROM meta WHERE key = 'id'").get();
  history = row ? row.value : null;
  const meta = Object.fromEntries(search.prepare('SELECT key, value FROM meta').all().map((r) => [r.key, r.value]));
  const count = main.prepare('SELECT count(*) AS n FROM calls').get().n;
  // Another history (cleared, set aside) or mostly rows long gone: start the index again.
  if (meta.history !== history || Number(meta.indexed || 0) > 2 * count + 10000) {
    search.exec("INSERT INTO fts (fts) VALUES ('delete-all')");
    setMeta('history', history); setMeta('covered', 0); setMeta('indexed', 0);
    covered = 0; indexed = 0;
  } else {
    covered = Number(meta.covered || 0); indexed = Number(meta.indexed || 0);
  }
  parentPort.postMessage({ history, covered });
}
function step() {
  // Take the index's write lock first, then see how far it is: another Tarmac on the same data
  // folder may have indexed further meanwhile.
  search.exec('BEGIN IMMEDIATE');
  let rows, ready = [];
  try {
    const meta = stmt.progress.all();
    for (const m of meta) { if (m.key === 'covered') covered = Number(m.value); else indexed = Number(m.value); }
    rows = stmt.rows.all(covered, BATCH);
    for (const r of rows) { if (r.status === 'running') break; ready.push(r); }
  } catch (err) { try { search.exec('ROLLBACK'); } catch {} throw err; }
  if (ready.length === 0) { search.exec('ROLLBACK'); parentPort.postMessage({ history, covered }); return false; }
  try {
    for (const r of ready) stmt.insert.run(r.seq, r.tool, r.args, r.preview || '');
    covered = ready[ready.length - 1].seq; indexed += ready.length;
    setMeta('covered', covered); setMeta('indexed', indexed);
    search.exec('COMMIT');
  } catch (err) { try { search.exec('ROLLBACK'); } catch {} throw err; }
  parentPort.postMessage({ history, covered });
  return ready.length === rows.length && rows.length === BATCH;
}
function run() {
  if (busy) { again = true; return; }
  busy = true;
  try { while (step()) {} } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
  busy = false;
  if (again) { again = false; setImmediate(run); }
}
// The host's idle trim (memory-trim.ts) reaches this isolate through 'trim': the same
// memory-pressure collection, which empties V8's pool of freed pages here too. gc is fetched the
// same way (the flag on only while a fresh context fetches it).
let collect;
function trim() {
  if (collect === undefined) {
    collect = typeof globalThis.gc === 'function' ? globalThis.gc : null;
    if (!collect) {
      const v8 = require('node:v8');
      try { v8.setFlagsFromString('--expose-gc'); collect = require('node:vm').runInNewContext('gc'); } catch { collect = null; }
      finally { v8.setFlagsFromString('--no-expose-gc'); }
    }
  }
  if (typeof collect === 'function') collect({ type: 'major', execution: 'sync', flavor: 'last-resort' });
  // The flag is process-wide and the main thread may have been toggling it at that very moment:
  // no gc this time is not taken as an answer for good.
  else collect = undefined;
}
parentPort.on('message', (m) => {
  if (m === 'tick') run();
  else if (m === 'trim') { trim(); parentPort.postMessage({ history, covered, trimmed: true }); }
  else if (m === 'reset') { try { open(); run(); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); } }
  else if (m === 'close') { try { main && main.close(); search && search.close(); } catch {} process.exit(0); }
});
try { open(); run(); } catch (err) { parentPort.postMessage({ error: String(err && err.message || err) }); }
`;

export class SearchIndex {
  readonly path: string;
  readonly #worker: Worker;
  readonly #log: Logger;
  #history: string | null = null;
  #covered = 0;
  #closed = false;
  #exited = false;

  constructor(dbPath: string, searchPath: string, log: Logger) {
    this.path = searchPath;
    this.#log = log;
    // 0600 before the worker's SQLite opens it (its -wal and -shm take the index's mode).
    privateFile(searchPath);
    for (const suffix of ['-wal', '-shm']) tighten(searchPath + suffix, PRIVATE_FILE);
    this.#worker = new Worker(WORKER, { eval: true, workerData: { dbPath, searchPath } });
    // The index helps searches; it must not keep the process alive.
    this.#worker.unref();
    this.#worker.on('message', (m: { history?: string | null; covered?: number; error?: string }) => {
      if (m.error) {
        this.#log.warn({ err: m.error }, 'the activity search index could not be updated: searches read the history instead');
        return;
      }
      this.#history = m.history ?? null;
      this.#covered = m.covered ?? 0;
    });
    this.#worker.once('exit', () => (this.#exited = true));
    this.#worker.on('error', (err) => this.#log.warn({ err: err.message }, 'the activity search index stopped: searches read the history instead'));
  }

  /** Up to which row id the index covers the history `historyId` (0: not at all). */
  coveredFor(historyId: string | null): number {
    return !this.#closed && historyId !== null && historyId === this.#history ? this.#covered : 0;
  }

  /** New calls were written: index them. */
  tick(): void {
    if (!this.#closed) this.#worker.postMessage('tick');
  }

  /**
   * Hand the worker's own memory back (its isolate is out of reach of the main thread's
   * collection): resolves once it has, or at once when the worker is gone.
   */
  trim(): Promise<void> {
    if (this.#closed || this.#exited) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const finish = () => {
        clearTimeout(timer);
        this.#worker.off('message', done);
        this.#worker.off('exit', finish);
        resolve();
      };
      const done = (m: { trimmed?: boolean }) => {
        if (m.trimmed) finish();
      };
      // A worker busy indexing a long backlog answers late: nobody waits on it for long.
      const timer = setTimeout(finish, TRIM_WAIT_MS);
      timer.unref();
      this.#worker.on('message', done);
      this.#worker.once('exit', finish);
      this.#worker.postMessage('trim');
    });
  }

  /** The history was replaced (cleared, or set aside): start again. */
  reset(): void {
    this.#covered = 0;
    this.#history = null;
    if (!this.#closed) this.#worker.postMessage('reset');
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const exited = new Promise<void>((resolve) => this.#worker.once('exit', () => resolve()));
    // Keep the process up until the worker has closed its files.
    this.#worker.ref();
    this.#worker.postMessage('close');
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, 2_000)))]);
    clearTimeout(timer);
    await this.#worker.terminate().catch(() => undefined);
  }
}

/**
 * An FTS5 query matching every row that contains `text` (and some that do not: the caller checks
 * again): each of its trigrams must occur. null when it is too short to have one.
 */
export function trigramQuery(text: string): string | null {
  const chars = [...text];
  if (chars.length < 3) return null;
  // Trigrams side by side (and the last one) cover every character: as selective as all of
  // them in practice, with a third of the lists to intersect.
  const grams = new Set<string>();
  for (let i = 0; i + 3 <= chars.length; i += 3) grams.add(chars.slice(i, i + 3).join(''));
  grams.add(chars.slice(-3).join(''));
  return [...grams].map((g) => `"${g.replace(/"/g, '""')}"`).join(' AND ');
}
