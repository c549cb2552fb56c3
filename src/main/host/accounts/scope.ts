/**
 * Several accounts per back end. Each account has a stable id (what profiles bind and what its
 * keychain entries are named after) and a name the person picks (shown everywhere, renamable).
 * The account "default" keeps the keychain entries and settings of the time before several
 * accounts (`fly:token`, `flightctl:session`, settings.flightctl): an existing sign-in simply
 * is the account "default", with nothing to migrate. Any other account's entries carry its id
 * (`fly@work:token`, `flightctl@staging:session`, settings.flightctlAccounts.staging).
 */
import { DEFAULT_ACCOUNT } from '../../../shared/profiles.js';
import { SecretStore } from '../secrets.js';
import { SettingsStore, type Settings } from '../settings.js';
import type { ProviderContext } from '../providers/provider.js';

export { DEFAULT_ACCOUNT };

/** Account names and ids: short, lower case, safe in a command line and a keychain entry name. */
export const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;

/** The keychain entry name `name` (e.g. `fly:token`) has for an account. */
export function accountEntry(name: string, account: string): string {
  if (account === DEFAULT_ACCOUNT) return name;
  const colon = name.indexOf(':');
  return colon < 0 ? `@${account}:${name}` : `${name.slice(0, colon)}@${account}${name.slice(colon)}`;
}

/** The keychain seen by one account: the same store, each entry name carrying the account. */
class AccountSecrets extends SecretStore {
  readonly #inner: SecretStore;
  readonly #account: string;

  constructor(inner: SecretStore, account: string) {
    // The service only keys in-process locks (tokens.ts); every keychain call goes to `inner`.
    super({ service: `${inner.service}@${account}` });
    this.#inner = inner;
    this.#account = account;
  }

  #name(name: string): string {
    return accountEntry(name, this.#account);
  }

  override get(name: string): Promise<string | null> {
    return this.#inner.get(this.#name(name));
  }

  override set(name: string, value: string): Promise<void> {
    return this.#inner.set(this.#name(name), value);
  }

  override probe(): Promise<void> {
    return this.#inner.probe();
  }

  override delete(name: string): Promise<boolean> {
    return this.#inner.delete(this.#name(name));
  }

  override async list(prefix = ''): Promise<string[]> {
    return (await this.entries(prefix)).map((e) => e.account);
  }

  override async entries(prefix = ''): Promise<Array<{ account: string; value: string }>> {
    const all = await this.#inner.entries();
    const out: Array<{ account: string; value: string }> = [];
    for (const e of all) {
      const colon = e.account.indexOf(':');
      const head = colon < 0 ? '' : e.account.slice(0, colon);
      const marker = `@${this.#account}`;
      if (!head.endsWith(marker)) continue;
      const name = `${head.slice(0, -marker.length)}${e.account.slice(colon)}`.replace(/^:/, '');
      if (name.startsWith(prefix)) out.push({ account: name, value: e.value });
    }
    return out;
  }
}

type FlightctlSection = NonNullable<Settings['flightctl']>;

/** settings.json seen by one Flight Control account: its own `flightctl` section, the rest shared. */
class AccountSettings extends SettingsStore {
  readonly #inner: SettingsStore;
  readonly #account: string;

  constructor(inner: SettingsStore, account: string) {
    super('');
    Object.defineProperty(this, 'path', { value: inner.path });
    this.#inner = inner;
    this.#account = account;
  }

  #view(s: Settings): Settings {
    const own = s.flightctlAccounts?.[this.#account];
    const { flightctl: _shared, ...rest } = s;
    return own ? { ...rest, flightctl: own } : rest;
  }

  override async read(): Promise<Settings> {
    return this.#view(await this.#inner.read());
  }

  override async readFresh(): Promise<Settings> {
    return this.#view(await this.#inner.readFresh());
  }

  override invalidate(): void {
    this.#inner.invalidate();
  }

  override update(change: (current: Settings) => Settings): Promise<Settings> {
    return this.#inner
      .update((s) => {
        const next = change(this.#view(structuredClone(s)));
        const { flightctl: own, ...rest } = next;
        const others: Record<string, FlightctlSection> = { ...s.flightctlAccounts };
        if (own) others[this.#account] = own;
        else delete others[this.#account];
        const { flightctlAccounts: _a, ...base } = { ...rest, flightctl: s.flightctl };
        if (base.flightctl === undefined) delete base.flightctl;
        return Object.keys(others).length ? { ...base, flightctlAccounts: others } : base;
      })
      .then((s) => this.#view(s));
  }
}

/** The provider context of one account: its keychain entries and Flight Control settings. */
export function accountContext(ctx: ProviderContext, account: string): ProviderContext {
  if (account === DEFAULT_ACCOUNT) return ctx;
  return { ...ctx, secrets: new AccountSecrets(ctx.secrets, account), settings: new AccountSettings(ctx.settings, account) };
}
