/** How often, at most, a client's requests are told to the window: a busy client must not mean an event per request. */
export const DEFAULT_ACTIVITY_NOTIFY_MS = 5_000;

export interface ClientActivityOptions {
  /** Told after requests start or end: at once after a quiet spell, then at most once per `notifyMs`. */
  onChange?: () => void;
  notifyMs?: number;
  now?: () => number;
}

/** A request that asks for something (a POST: a call, a list) or a stream the client listens on (a GET). */
export type RequestKind = 'call' | 'stream';

/**
 * When each MCP client last asked for something, and what it has open now: requests in flight
 * (a tool call) and streams it listens on, for the Overview's "active now". A stream is not
 * activity: a client that only listens is connected, not busy. In memory only: since this
 * Tarmac started.
 */
export class ClientActivity {
  readonly #last = new Map<string, number>();
  readonly #open: Record<RequestKind, Map<string, number>> = { call: new Map(), stream: new Map() };
  readonly #o: ClientActivityOptions;
  #timer: NodeJS.Timeout | undefined;
  #notifiedAt = -Infinity;

  constructor(options: ClientActivityOptions = {}) {
    this.#o = options;
  }

  /** A request of this client arrived; it stays open until the returned function is called. */
  request(client: string, kind: RequestKind = 'call'): () => void {
    if (kind === 'call') this.#last.set(client, this.#now());
    const open = this.#open[kind];
    open.set(client, (open.get(client) ?? 0) + 1);
    this.#changed();
    let done = false;
    return () => {
      if (done) return;
      done = true;
      const left = (open.get(client) ?? 1) - 1;
      if (left > 0) open.set(client, left);
      else open.delete(client);
      this.#changed();
    };
  }

  /** A revoked client: it is no longer shown as having called. */
  forget(client: string): void {
    if (this.#last.delete(client)) this.#changed();
  }

  /** Every client that called, or listens now. */
  clients(): string[] {
    return [...new Set([...this.#last.keys(), ...this.#open.stream.keys()])];
  }

  lastRequest(client: string): number | null {
    return this.#last.get(client) ?? null;
  }

  /** Requests of this kind open now. */
  open(client: string, kind: RequestKind = 'call'): number {
    return this.#open[kind].get(client) ?? 0;
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #now(): number {
    return (this.#o.now ?? Date.now)();
  }

  #changed(): void {
    const onChange = this.#o.onChange;
    if (!onChange || this.#timer) return;
    const wait = Math.max(0, this.#notifiedAt + (this.#o.notifyMs ?? DEFAULT_ACTIVITY_NOTIFY_MS) - this.#now());
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#notifiedAt = this.#now();
      onChange();
    }, wait);
    this.#timer.unref();
  }
}
