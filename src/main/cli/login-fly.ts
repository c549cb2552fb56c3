import type { ProviderStatus } from '../../shared/api.js';
import { FlyAccounts } from '../host/accounts/fly.js';
import type { Host } from '../host/index.js';
import { accountSuffix, existingTarget, loginTarget } from './account-target.js';
import { CliError, readSecret, type CliIo } from './io.js';

/** `tarmac login fly [--token-stdin] [--name ACCOUNT]`: flyctl's browser sign-in, or a token read from stdin. */
export async function loginFly(host: Host, options: { tokenStdin: boolean; name?: string | undefined }, io: CliIo): Promise<number> {
  const target = await loginTarget(host, 'fly', options.name);
  const fly = new FlyAccounts({ ctx: target.ctx, provider: target.provider });
  let status: ProviderStatus;
  if (options.tokenStdin) {
    // Typed without echo at a terminal; otherwise all of stdin.
    const token = await readSecret(io, 'Fly.io token: ');
    if (!token.trim()) throw new CliError('no token on stdin: pipe it in, e.g. `fly tokens create readonly | tarmac login fly --token-stdin`', 2);
    status = await fly.signInWithToken(token);
  } else {
    status = await fly.signInWithBrowser(undefined, { onLaunch: (binary) => io.err(`Running \`flyctl auth login\` (${binary}): finish signing in in the browser window it opens.`) });
  }
  if (status.state === 'ready') await target.keep();
  io.err(`Fly.io${accountSuffix(target.entry)}: ${status.summary}`);
  return status.state === 'ready' ? 0 : 1;
}

/** `tarmac logout fly`: forget Tarmac's token; flyctl's own login stays. */
export async function logoutFly(host: Host, io: CliIo, name?: string): Promise<number> {
  const target = await existingTarget(host, 'fly', name);
  const status = await new FlyAccounts({ ctx: target.ctx, provider: target.provider }).signOut();
  io.err(`Signed out of Fly.io${accountSuffix(target.entry)} in Tarmac (flyctl's own login, if any, is untouched). Now: ${status.summary}`);
  return 0;
}
