import type { ProviderStatus } from '../../shared/api.js';
import { FlyAccounts } from '../host/accounts/fly.js';
import type { Host } from '../host/index.js';
import { CliError, readSecret, type CliIo } from './io.js';

function accounts(host: Host): FlyAccounts {
  const provider = host.provider('fly');
  if (!provider) throw new CliError('the Fly.io provider is not enabled in this Tarmac');
  return new FlyAccounts({ ctx: host.context, provider });
}

/** `tarmac login fly [--token-stdin]`: flyctl's browser sign-in, or a token read from stdin. */
export async function loginFly(host: Host, options: { tokenStdin: boolean }, io: CliIo): Promise<number> {
  const fly = accounts(host);
  let status: ProviderStatus;
  if (options.tokenStdin) {
    // Typed without echo at a terminal; otherwise all of stdin.
    const token = await readSecret(io, 'Fly.io token: ');
    if (!token.trim()) throw new CliError('no token on stdin: pipe it in, e.g. `fly tokens create readonly | tarmac login fly --token-stdin`', 2);
    status = await fly.signInWithToken(token);
  } else {
    status = await fly.signInWithBrowser(undefined, { onLaunch: (binary) => io.err(`Running \`flyctl auth login\` (${binary}): finish signing in in the browser window it opens.`) });
  }
  io.err(`Fly.io: ${status.summary}`);
  return status.state === 'ready' ? 0 : 1;
}

/** `tarmac logout fly`: forget Tarmac's token; flyctl's own login stays. */
export async function logoutFly(host: Host, io: CliIo): Promise<number> {
  const status = await accounts(host).signOut();
  io.err(`Signed out of Fly.io in Tarmac (flyctl's own login, if any, is untouched). Now: ${status.summary}`);
  return 0;
}
