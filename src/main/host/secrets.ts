import { createRequire } from 'node:module';
import type { Redactor } from './activity/redact.js';
import type { Logger } from './log.js';

/** Service name under which Tarmac keeps every secret in the OS keychain. */
export const KEYCHAIN_SERVICE = 'Tarmac';

/** An account name no entry ever has: probe() looks it up to learn whether the keychain answers. */
const PROBE_ACCOUNT = 'tarmac:probe';

/**
 * The keychain could not be reached; the message says what to do. Nothing was written. The
 * keychain's own words (D-Bus errors and the like) are in `detail`, for the log: they rarely
 * help the user and never say how to fix it.
 */
export class KeychainUnavailableError extends Error {
  override readonly name = 'KeychainUnavailableError';
  readonly code = 'KEYCHAIN_UNAVAILABLE';
  constructor(
    readonly detail: string,
    options?: { cause?: unknown },
  ) {
    super(keychainHelp(), options);
  }
}

/** Seconds a client refused for a locked keychain is told to wait (Retry-After): it may be unlocked by then. */
export const KEYCHAIN_RETRY_AFTER_SECONDS = 5;

/** The keychain failure behind an error, if that is what it is (itself, or the cause of one that wraps it). */
export function keychainFailure(err: unknown): KeychainUnavailableError | null {
  if (err instanceof KeychainUnavailableError) return err;
  const cause = err instanceof Error ? err.cause : undefined;
  return cause instanceof KeychainUnavailableError ? cause : null;
}

/** How to get a working keychain, per OS; the README has the same recipe at more length. */
export function keychainHelp(platform: NodeJS.Platform = process.platform): string {
  switch (platform) {
    case 'darwin':
      return 'The macOS keychain is locked or unavailable: unlock your login keychain (Keychain Access) and try again';
    case 'win32':
      return 'Windows Credential Manager is unavailable: sign in to a normal user session and try again';
    default:
      return (
        'No Secret Service keychain is available (Tarmac keeps tokens only there, never in plain files). ' +
        'On a desktop: start GNOME Keyring, or KeePassXC with Secret Service integration on, and unlock it. ' +
        'Without one (SSH, server): run `dbus-run-session -- bash`, then in that shell ' +
        '`gnome-keyring-daemon --unlock --components=secrets` (type a keyring password, then Ctrl-D) ' +
        'and run tarmac from there; see "Keychain on headless Linux" in the README'
      );
  }
}

/** The subset of keytar Tarmac uses: lets a test or a platform swap the backend without changing callers. */
export interface KeychainBackend {
  getPassword(service: string, account: string): Promise<string | null>;
  setPassword(service: string, account: string, password: string): Promise<void>;
  deletePassword(service: string, account: string): Promise<boolean>;
  findCredentials(service: string): Promise<Array<{ account: string; password: string }>>;
}

/**
 * Secrets held in memory only, never on disk: for scratch work that must not touch the real
 * keychain (checking a sign-in before it is saved) and for tests of code above the keychain.
 */
export class MemoryKeychain implements KeychainBackend {
  readonly #entries = new Map<string, string>();

  async getPassword(service: string, account: string): Promise<string | null> {
    return this.#entries.get(`${service}\0${account}`) ?? null;
  }

  async setPassword(service: string, account: string, password: string): Promise<void> {
    this.#entries.set(`${service}\0${account}`, password);
  }

  async deletePassword(service: string, account: string): Promise<boolean> {
    return this.#entries.delete(`${service}\0${account}`);
  }

  async findCredentials(service: string): Promise<Array<{ account: string; password: string }>> {
    const prefix = `${service}\0`;
    return [...this.#entries].filter(([key]) => key.startsWith(prefix)).map(([key, password]) => ({ account: key.slice(prefix.length), password }));
  }
}

/**
 * One keychain call at a time. keytar runs each call on its own libuv worker thread, and on Linux
 * its findCredentials searches, then loads the secrets, then strdup()s each one: an entry deleted
 * by a concurrent call in between leaves a NULL secret and the process dies with SIGSEGV
 * (`secret_value_get_text: assertion 'value' failed`). Queuing every call in the process closes
 * that window; calls take a few milliseconds, so the queue costs nothing a person notices.
 */
export function serialized(backend: KeychainBackend): KeychainBackend {
  let tail: Promise<unknown> = Promise.resolve();
  const queue = <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
  return {
    getPassword: (service, account) => queue(() => backend.getPassword(service, account)),
    setPassword: (service, account, password) => queue(() => backend.setPassword(service, account, password)),
    deletePassword: (service, account) => queue(() => backend.deletePassword(service, account)),
    findCredentials: (service) => queue(() => backend.findCredentials(service)),
  };
}

let keytarBackend: KeychainBackend | undefined;

/** keytar is a native addon: loaded lazily so a host that never touches the keychain never loads it. */
function loadKeytar(): KeychainBackend {
  if (!keytarBackend) {
    const require = createRequire(import.meta.url);
    try {
      keytarBackend = serialized(require('keytar') as KeychainBackend);
    } catch (err) {
      throw new KeychainUnavailableError(`the keytar native module could not be loaded: ${describe(err)}`, { cause: err });
    }
  }
  return keytarBackend;
}

export interface SecretStoreOptions {
  /** Keychain service name; tests use their own so they never touch a user's entries. */
  service?: string;
  backend?: KeychainBackend;
  /** Every value read or written is registered here so it is scrubbed from logs and activity. */
  redactor?: Redactor;
  /** Where the keychain's own error text goes when it fails (the user gets what to do instead). */
  log?: Logger;
}

/**
 * Secrets in the OS keychain, one entry per account under one service. Every failure of the
 * keychain itself becomes a KeychainUnavailableError; there is no plaintext fallback.
 */
export class SecretStore {
  readonly service: string;
  readonly #backend: () => KeychainBackend;
  readonly #redactor: Redactor | undefined;
  readonly #log: Logger | undefined;

  constructor(options: SecretStoreOptions = {}) {
    this.service = options.service ?? process.env.TARMAC_KEYCHAIN_SERVICE ?? KEYCHAIN_SERVICE;
    const backend = options.backend;
    this.#backend = backend ? () => backend : loadKeytar;
    this.#redactor = options.redactor;
    this.#log = options.log;
  }

  async get(account: string): Promise<string | null> {
    const value = await this.#call('read', (b) => b.getPassword(this.service, account));
    this.#redactor?.addSecret(value);
    return value;
  }

  async set(account: string, value: string): Promise<void> {
    if (!account) throw new Error('A secret needs an account name');
    if (!value) throw new Error(`Refusing to store an empty secret for "${account}"`);
    this.#redactor?.addSecret(value);
    await this.#call('write', (b) => b.setPassword(this.service, account, value));
  }

  /**
   * Throws KeychainUnavailableError unless the keychain answers. A lookup of one entry, not a
   * listing: cheaper, and it never hands out (or loads) a value.
   */
  async probe(): Promise<void> {
    await this.#call('read', (b) => b.getPassword(this.service, PROBE_ACCOUNT));
  }

  /** True when something was deleted. */
  async delete(account: string): Promise<boolean> {
    return this.#call('delete', (b) => b.deletePassword(this.service, account));
  }

  /** Account names only: listing never hands out the values. */
  async list(prefix = ''): Promise<string[]> {
    const all = await this.#entries();
    return all.map((e) => e.account).filter((a) => a.startsWith(prefix)).sort();
  }

  /** Accounts and values under a prefix, in one keychain round trip. */
  async entries(prefix = ''): Promise<Array<{ account: string; value: string }>> {
    const all = await this.#entries();
    return all
      .filter((e) => e.account.startsWith(prefix))
      .map((e) => ({ account: e.account, value: e.password }))
      .sort((a, b) => a.account.localeCompare(b.account));
  }

  async #entries(): Promise<Array<{ account: string; password: string }>> {
    const found = await this.#call('list', (b) => b.findCredentials(this.service));
    for (const e of found) this.#redactor?.addSecret(e.password);
    return found;
  }

  async #call<T>(what: string, fn: (backend: KeychainBackend) => Promise<T>): Promise<T> {
    try {
      return await fn(this.#backend());
    } catch (err) {
      const failure = err instanceof KeychainUnavailableError ? err : new KeychainUnavailableError(`keychain ${what} failed: ${describe(err)}`, { cause: err });
      this.#log?.warn({ detail: failure.detail }, 'keychain unavailable');
      throw failure;
    }
  }
}

/** Keychain errors carry D-Bus or OS text; keep only the first line, which never contains a value. */
function describe(err: unknown): string {
  const message = err instanceof Error ? err.message : String(err);
  return message.split('\n')[0]?.slice(0, 200) ?? 'unknown error';
}
