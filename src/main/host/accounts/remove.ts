/**
 * Removing a named account: Tarmac signs it out (its keychain entries go) and forgets its name.
 * "default" stays (sign it out instead), and an account a profile's calls use stays until the
 * profile is bound to another: removing it would leave those clients pointing at nothing.
 */
import { accountOf, allProfiles, NO_PROFILES, type ProfileState } from '../../../shared/profiles.js';
import type { Host } from '../index.js';
import type { ProviderAccount } from '../providers/provider.js';
import { SignInError } from './errors.js';
import { findAccount, forgetAccount } from './registry.js';
import { DEFAULT_ACCOUNT } from './scope.js';

/** The profiles (in the file or as a person confirmed them) whose calls to `backend` use `id`. */
export async function profilesUsing(host: Pick<Host, 'guardrails'>, backend: string, id: string): Promise<string[]> {
  const { state, confirmed } = await host.guardrails.profiles();
  const using = (s: ProfileState) => allProfiles(s).filter((p) => accountOf(s, p.name, backend) === id).map((p) => p.name);
  return [...new Set([...using(state), ...using(confirmed ?? NO_PROFILES)])].sort();
}

/**
 * Sign out and forget the account called `name`. `signIn` gives that account's sign-in flows
 * (the window's cached ones, or fresh ones for the CLI). Returns the account's id.
 */
export async function removeAccount(
  host: Pick<Host, 'settings' | 'guardrails' | 'provider'>,
  backend: string,
  name: string,
  signIn: (id: string) => ProviderAccount,
): Promise<string> {
  const provider = host.provider(backend);
  if (!provider) throw new SignInError('input', `There is no back end "${backend}": use fly or flightctl.`);
  const found = findAccount(await host.settings.read(), backend, name);
  if (!found) throw new SignInError('input', `There is no ${backend} account "${name}".`);
  if (found.id === DEFAULT_ACCOUNT) throw new SignInError('input', `The first ${provider.label} account (${found.name}) cannot be removed: sign it out instead, and it stays as an empty slot.`);
  const users = await profilesUsing(host, backend, found.id);
  if (users.length) {
    const list = users.join(', ');
    throw new SignInError('input', `The profile${users.length === 1 ? '' : 's'} ${list} use${users.length === 1 ? 's' : ''} the ${provider.label} account ${found.name}: bind ${users.length === 1 ? 'it' : 'them'} to another account first (Accounts page, or \`tarmac profile account PROFILE ${backend} ACCOUNT\`), then remove it.`);
  }
  await signIn(found.id).signOut();
  await forgetAccount(host.settings, backend, found.id);
  return found.id;
}
