/** Which account a `tarmac login|logout --name NAME` works on (accounts/scope.ts). */
import { accountContext } from '../host/accounts/scope.js';
import { findAccount, planAccount, saveAccount, type AccountEntry } from '../host/accounts/registry.js';
import { SignInError } from '../host/accounts/errors.js';
import type { Host } from '../host/index.js';
import type { Provider, ProviderContext } from '../host/providers/provider.js';
import { CliError } from './io.js';

export interface AccountTarget {
  entry: AccountEntry & { isNew: boolean };
  ctx: ProviderContext;
  provider: Provider;
  /** Keeps a new account in the list once its sign-in worked. */
  keep(): Promise<void>;
}

/** For login: the named account, or a new one by that name (absent: "default"). */
export async function loginTarget(host: Host, backend: string, name: string | undefined): Promise<AccountTarget> {
  const provider = host.provider(backend);
  if (!provider) throw new CliError(`the ${backend} provider is not enabled in this Tarmac`);
  let entry;
  try {
    entry = planAccount(await host.settings.read(), backend, name ?? 'default');
  } catch (err) {
    if (err instanceof SignInError) throw new CliError(err.message, 2);
    throw err;
  }
  return {
    entry,
    ctx: accountContext(host.context, entry.id),
    provider: provider.forAccount?.(entry.id) ?? provider,
    keep: () => (entry.isNew ? saveAccount(host.settings, backend, entry) : Promise.resolve()),
  };
}

/** For logout: an account that exists (absent: "default"). */
export async function existingTarget(host: Host, backend: string, name: string | undefined): Promise<AccountTarget> {
  const provider = host.provider(backend);
  if (!provider) throw new CliError(`the ${backend} provider is not enabled in this Tarmac`);
  const found = findAccount(await host.settings.read(), backend, name ?? 'default');
  if (!found) throw new CliError(`there is no ${backend} account "${name}": \`tarmac accounts\` lists them`, 2);
  return { entry: { ...found, isNew: false }, ctx: accountContext(host.context, found.id), provider: provider.forAccount?.(found.id) ?? provider, keep: () => Promise.resolve() };
}

/** " (account work)" for any account but "default", for messages. */
export function accountSuffix(entry: AccountEntry): string {
  return entry.id === 'default' && entry.name === 'default' ? '' : ` (account ${entry.name})`;
}
