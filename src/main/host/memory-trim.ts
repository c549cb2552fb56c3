import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';

/** How long the host must have been quiet before it hands memory back (see startIdleTrim). */
export const DEFAULT_IDLE_TRIM_MS = 10_000;

type Gc = (options: { type: 'major'; execution: 'sync'; flavor: 'last-resort' }) => void;

/**
 * V8's gc() without `--expose-gc` on the command line (Electron and `node bin/tarmac.js` would
 * each need it): the flag is on only while a fresh context is made to fetch the function, so no
 * module of ours or of a dependency ever sees a global gc. null where V8 refuses.
 */
function fetchGc(): Gc | null {
  const existing = (globalThis as { gc?: unknown }).gc;
  if (typeof existing === 'function') return existing as Gc;
  try {
    setFlagsFromString('--expose-gc');
    const gc: unknown = runInNewContext('gc');
    return typeof gc === 'function' ? (gc as Gc) : null;
  } catch {
    return null;
  } finally {
    setFlagsFromString('--no-expose-gc');
  }
}

export interface TrimReport {
  rssBefore: number;
  rssAfter: number;
  ms: number;
}

export interface IdleTrim {
  /** Work happened (a new MCP server, a tool call): the next quiet period ends in a trim. */
  touch(): void;
  stop(): void;
}

export interface IdleTrimOptions {
  idleMs?: number;
  onTrim?: (report: TrimReport) => void;
}

/**
 * Hands memory back to the OS once the host goes quiet after work.
 *
 * Why: V8 (Node 24) keeps the heap pages it frees in a pool, mapped and resident, and only its
 * memory-pressure collection empties that pool; the idle-time collections it runs by itself
 * leave it full. Under load the pool grows by tens of MiB (bench:mcp shows the bare SDK server
 * doing the same), so an endpoint that served a burst of calls would keep that RSS for good.
 * One such collection, after `idleMs` without work, returns it; it costs a few tens of
 * milliseconds of a main thread that has nothing else to do. Timers are unref'd: the trim
 * never keeps a process alive.
 */
export function startIdleTrim(options: IdleTrimOptions = {}): IdleTrim {
  const idleMs = options.idleMs ?? DEFAULT_IDLE_TRIM_MS;
  const gc = fetchGc();
  let lastBusy = 0;
  let timer: NodeJS.Timeout | undefined;
  let stopped = false;

  const schedule = (delay: number) => {
    timer = setTimeout(fire, delay);
    timer.unref();
  };
  function fire(): void {
    timer = undefined;
    if (stopped || !gc) return;
    const quietFor = Date.now() - lastBusy;
    if (quietFor < idleMs) return schedule(idleMs - quietFor);
    const rssBefore = process.memoryUsage.rss();
    const t0 = performance.now();
    gc({ type: 'major', execution: 'sync', flavor: 'last-resort' });
    options.onTrim?.({ rssBefore, rssAfter: process.memoryUsage.rss(), ms: performance.now() - t0 });
  }

  const trim: IdleTrim = {
    touch() {
      // Called for every call and new server: a timestamp and, at most, one timer per quiet period.
      lastBusy = Date.now();
      if (!timer && !stopped && gc) schedule(idleMs);
    },
    stop() {
      stopped = true;
      clearTimeout(timer);
      timer = undefined;
    },
  };
  // Start-up leaves garbage and pooled pages too: the first quiet period trims them.
  trim.touch();
  return trim;
}
