/**
 * Which accounts each back end has, and the names people gave them (settings.accounts). Every
 * back end has "default"; others are added by signing in with a name (`--name`, Accounts page).
 */
import { ACCOUNT_NAME, DEFAULT_ACCOUNT } from './scope.js';
import type { Settings, SettingsStore } from '../settings.js';
import { SignInError } from './errors.js';

export interface AccountEntry {
  /** Stable: what profiles bind and keychain entries are named after. */
  id: string;
  /** What the person calls it (renamable). */
  name: string;
}

export function accountsIn(settings: Settings, backend: string): AccountEntry[] {
  const known = settings.accounts?.[backend] ?? {};
  const others = Object.entries(known)
    .filter(([id]) => id !== DEFAULT_ACCOUNT)
    .map(([id, v]) => ({ id, name: v.name }))
    .sort((a, b) => a.name.localeCompare(b.name));
  return [{ id: DEFAULT_ACCOUNT, name: known[DEFAULT_ACCOUNT]?.name ?? DEFAULT_ACCOUNT }, ...others];
}

/**
 * The account a name stands for. "default" also finds the first account when it was renamed (a
 * command without --name means it); other ids are not names (a renamed account's old name is free).
 */
export function findAccount(settings: Settings, backend: string, name: string): AccountEntry | undefined {
  const list = accountsIn(settings, backend);
  return list.find((a) => a.name === name) ?? (name === DEFAULT_ACCOUNT ? list.find((a) => a.id === DEFAULT_ACCOUNT) : undefined);
}

export function checkAccountName(name: string): void {
  if (!ACCOUNT_NAME.test(name)) throw new SignInError('input', `"${name}" is not an account name: use 1-40 of a-z 0-9 _ - (starting with a letter or digit).`);
}

/** The account called `name`: the one there is, or a new one (not saved yet: see saveAccount). */
export function planAccount(settings: Settings, backend: string, name: string): AccountEntry & { isNew: boolean } {
  const found = findAccount(settings, backend, name);
  if (found) return { ...found, isNew: false };
  checkAccountName(name);
  const known = settings.accounts?.[backend] ?? {};
  let id = name;
  for (let n = 2; id === DEFAULT_ACCOUNT || Object.hasOwn(known, id); n++) id = `${name.slice(0, 36)}-${n}`;
  return { id, name, isNew: true };
}

/** Keeps a planned account in the list (after its sign-in worked). */
export async function saveAccount(store: SettingsStore, backend: string, entry: AccountEntry): Promise<void> {
  await store.update((s) => (s.accounts?.[backend]?.[entry.id]?.name === entry.name ? s : { ...s, accounts: { ...s.accounts, [backend]: { ...s.accounts?.[backend], [entry.id]: { name: entry.name } } } }));
}

export async function renameAccount(store: SettingsStore, backend: string, from: string, to: string): Promise<AccountEntry> {
  checkAccountName(to);
  const settings = await store.read();
  const found = findAccount(settings, backend, from);
  if (!found) throw new SignInError('input', `There is no ${backend} account "${from}".`);
  const taken = accountsIn(settings, backend).find((a) => a.name === to && a.id !== found.id);
  if (taken) throw new SignInError('input', `There already is a ${backend} account "${to}": choose another name.`);
  await store.update((s) => ({ ...s, accounts: { ...s.accounts, [backend]: { ...s.accounts?.[backend], [found.id]: { name: to } } } }));
  return { id: found.id, name: to };
}

/** Forget an account (after signing it out). "default" always stays. */
export async function forgetAccount(store: SettingsStore, backend: string, id: string): Promise<void> {
  if (id === DEFAULT_ACCOUNT) return;
  await store.update((s) => {
    const known = { ...s.accounts?.[backend] };
    delete known[id];
    const accounts = { ...s.accounts, [backend]: known };
    if (!Object.keys(known).length) delete accounts[backend];
    const { accounts: _a, ...rest } = s;
    return Object.keys(accounts).length ? { ...rest, accounts } : rest;
  });
}

/** The name to show for an account id (the id itself when it is not, or no longer, known). */
export function accountName(settings: Settings, backend: string, id: string): string {
  return accountsIn(settings, backend).find((a) => a.id === id)?.name ?? id;
}
