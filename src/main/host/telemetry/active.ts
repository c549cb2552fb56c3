/**
 * The tool call being traced, for the code it runs (flyctl, Flight Control requests) to hang
 * child spans on without every provider passing a context along. Set only while export is on:
 * with it off, activeCall() is undefined and nothing is recorded.
 */
import { AsyncLocalStorage } from 'node:async_hooks';

export interface ChildSpan {
  /** W3C trace context headers for an outgoing request, so the server's spans join this trace. */
  headers(): Record<string, string>;
  end(outcome: ChildOutcome): void;
}

export interface ChildOutcome {
  /** HTTP: the response status; absent when no response came. */
  statusCode?: number;
  /** A process: its exit code (null when it was killed or never started). */
  exitCode?: number | null;
  /** Why it failed, short and low-cardinality (e.g. "timeout", "cancelled", "ECONNREFUSED"). */
  errorType?: string;
}

export interface ActiveCall {
  /**
   * A program the call runs: `program` names it in the span ("flyctl"), `executable` is the file's
   * name. `args` must hold no secret (Tarmac never puts one in argv).
   */
  process(info: { program: string; executable: string; args: readonly string[] }): ChildSpan;
  /** An HTTP request the call makes (Flight Control REST). */
  http(info: { method: string; url: URL }): ChildSpan;
}

const store = new AsyncLocalStorage<ActiveCall>();

export function activeCall(): ActiveCall | undefined {
  return store.getStore();
}

export function runWithCall<T>(call: ActiveCall, fn: () => T): T {
  return store.run(call, fn);
}
