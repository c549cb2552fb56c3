import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { writeFileAtomic } from '../fs/atomic.js';

/** A client's "last used" is written at most this often: a busy client must not mean a disk write per call. */
const WRITE_EVERY_MS = 60_000;

/**
 * When each MCP client (static token or OAuth) last made a request, in clients-used.json: for
 * `tarmac token list`, to spot clients nobody uses any more. Best effort, never in a request's way.
 * A revoked client's time moves to clients-seen.json: its credential is gone, but the Clients
 * page still knows the app connected once (it does not say "never" after Remove).
 */
export class LastUsed {
  readonly #path: string;
  readonly #historyPath: string;
  readonly #written = new Map<string, number>();
  #queue: Promise<void> = Promise.resolve();

  constructor(dataDir: string) {
    this.#path = join(dataDir, 'clients-used.json');
    this.#historyPath = join(dataDir, 'clients-seen.json');
  }

  /** Note a request by this client now. */
  touch(name: string, now = Date.now()): void {
    const last = this.#written.get(name);
    if (last !== undefined && now - last < WRITE_EVERY_MS) return;
    this.#written.set(name, now);
    this.#queue = this.#queue.then(() => this.#update((all) => (all[name] = new Date(now).toISOString()))).catch(() => undefined);
  }

  /** Forget a revoked client: its last use is kept only as history (see seen). */
  forget(name: string): Promise<void> {
    this.#written.delete(name);
    this.#queue = this.#queue
      .then(async () => {
        const last = (await this.read())[name];
        if (last) await this.#update((all) => (all[name] = last), this.#historyPath);
        await this.#update((all) => delete all[name]);
      })
      .catch(() => undefined);
    return this.#queue;
  }

  /** When each name last made a request, revoked credentials included (the current one wins). */
  async seen(): Promise<Record<string, string>> {
    await this.#queue;
    return { ...(await this.read(this.#historyPath)), ...(await this.read()) };
  }

  /** Wait for pending writes (tests, shutdown). */
  flush(): Promise<void> {
    return this.#queue;
  }

  async read(path = this.#path): Promise<Record<string, string>> {
    try {
      const parsed: unknown = JSON.parse(await readFile(path, 'utf8'));
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
      return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
    } catch {
      return {};
    }
  }

  async #update(change: (all: Record<string, string>) => void, path = this.#path): Promise<void> {
    const all = await this.read(path);
    change(all);
    await writeFileAtomic(path, JSON.stringify(all, null, 2) + '\n');
  }
}
