import type { ProviderStatus, SignInEvent } from '../../shared/api.js';
import { printUrl } from '../host/accounts/browser.js';
import { SignInError } from '../host/accounts/errors.js';
import { FlightctlAccounts } from '../host/accounts/flightctl.js';
import type { Host } from '../host/index.js';
import { FlightctlProvider } from '../host/providers/flightctl/index.js';
import { accountSuffix, existingTarget, loginTarget, type AccountTarget } from './account-target.js';
import { CliError, readSecret, type CliIo } from './io.js';

/** The flags of `tarmac login flightctl`, as parseArgs gives them. */
export interface FlightctlLoginFlags {
  provider?: string | undefined;
  'callback-port'?: string | undefined;
  username?: string | undefined;
  password?: boolean | undefined;
  'token-stdin'?: boolean | undefined;
  import?: boolean | undefined;
  org?: string | undefined;
  'insecure-skip-tls-verify'?: boolean | undefined;
  'ca-cert'?: string | undefined;
  name?: string | undefined;
}

export const FLIGHTCTL_LOGIN_USAGE = `usage:
  tarmac login flightctl <url> [--provider NAME] [--callback-port N]     sign in in the browser (the URL is printed)
  tarmac login flightctl <url> --password --username NAME                password read from stdin
  tarmac login flightctl <url> --token-stdin                             token read from stdin
  tarmac login flightctl --import [PATH]                                 take over flightctl's client.yaml login
  common: [--org ID] [--ca-cert PATH] [--insecure-skip-tls-verify] [--name ACCOUNT]`;

function accounts(target: AccountTarget, io: CliIo, extra: { browserTimeoutMs?: number } = {}): FlightctlAccounts {
  const provider = target.provider;
  if (!(provider instanceof FlightctlProvider)) throw new CliError('the Flight Control provider is not enabled in this Tarmac');
  return new FlightctlAccounts({
    ctx: target.ctx,
    provider,
    // Headless: print the URL; opening a browser is the desktop app's job.
    openBrowser: printUrl((line) => io.err(line)),
    onEvent: (e: SignInEvent) => {
      if (e.kind === 'waiting') io.err(e.message);
    },
    ...extra,
  });
}

/**
 * `tarmac login flightctl ...`. `args` are the positionals after "flightctl": the API URL, or
 * with --import the optional client.yaml path. Secrets come from stdin only, never argv.
 */
export async function loginFlightctl(host: Host, args: string[], flags: FlightctlLoginFlags, io: CliIo, extra: { browserTimeoutMs?: number } = {}): Promise<number> {
  const methods = [flags.password && '--password', flags['token-stdin'] && '--token-stdin', flags.import && '--import'].filter(Boolean);
  if (methods.length > 1) throw new CliError(`choose one of ${methods.join(', ')}\n\n${FLIGHTCTL_LOGIN_USAGE}`, 2);
  if (args.length > 1) throw new CliError(`unexpected argument "${args[1]}"\n\n${FLIGHTCTL_LOGIN_USAGE}`, 2);
  if (flags.username !== undefined && !flags.password) throw new CliError('--username goes with --password', 2);
  if (flags['callback-port'] !== undefined && (flags.password || flags['token-stdin'] || flags.import)) throw new CliError('--callback-port is for the browser sign-in only', 2);
  if (flags.provider !== undefined && (flags['token-stdin'] || flags.import)) throw new CliError('--provider is for the browser and password sign-ins', 2);

  const tls = {
    ...(flags['ca-cert'] ? { caCertPath: flags['ca-cert'] } : {}),
    ...(flags['insecure-skip-tls-verify'] ? { insecureSkipVerify: true } : {}),
  };
  const organization = flags.org ? { organization: flags.org } : {};
  const target = await loginTarget(host, 'flightctl', flags.name);
  const fc = accounts(target, io, extra);
  let status: ProviderStatus;

  try {
    if (flags.import) {
      status = await fc.importFlightctlConfig(args[0], { ...tls, ...organization });
    } else {
      const url = args[0];
      if (!url) throw new CliError(`the Flight Control API URL is missing\n\n${FLIGHTCTL_LOGIN_USAGE}`, 2);
      const connection = { apiUrl: url, ...tls };
      if (flags.password) {
        const username = flags.username?.trim();
        if (!username) throw new CliError('--password needs --username NAME (the password itself is read from stdin)', 2);
        const password = await readSecret(io, `Password for ${username}: `);
        if (!password) throw new CliError('no password on stdin: pipe it in, e.g. `pass show flightctl | tarmac login flightctl <url> --password --username NAME`', 2);
        status = await fc.signInFlightctlPassword({ ...connection, username, password, ...(flags.provider ? { provider: flags.provider } : {}) }, organization);
      } else if (flags['token-stdin']) {
        const token = (await readSecret(io, 'Token: ')).trim();
        if (!token) throw new CliError('no token on stdin: pipe it in, e.g. `oc whoami -t | tarmac login flightctl <url> --token-stdin`', 2);
        status = await fc.signInFlightctlToken({ ...connection, token }, organization);
      } else {
        const callbackPort = flags['callback-port'] !== undefined ? parseCallbackPort(flags['callback-port']) : undefined;
        // Ctrl-C stops waiting cleanly: the listener closes and nothing is saved.
        const controller = new AbortController();
        const onSigint = () => controller.abort();
        process.once('SIGINT', onSigint);
        try {
          status = await fc.signInFlightctlBrowser(
            { ...connection, ...(flags.provider ? { provider: flags.provider } : {}), ...(callbackPort !== undefined ? { callbackPort } : {}) },
            { ...organization, signal: controller.signal },
          );
        } finally {
          process.off('SIGINT', onSigint);
        }
      }
    }
  } catch (err) {
    if (err instanceof SignInError) throw new CliError(err.message, err.code === 'cancelled' ? 130 : err.code === 'input' ? 2 : 1);
    throw err;
  }
  if (status.state !== 'error') await target.keep();
  if (target.entry.id !== 'default' || target.entry.name !== 'default') io.out(`Account: ${target.entry.name}`);
  printStatus(status, io);
  // No exception = signed in (or, on a server with authentication off, its address saved).
  return status.state === 'error' ? 1 : 0;
}

/** `tarmac logout flightctl`: delete Tarmac's Flight Control tokens from the keychain. */
export async function logoutFlightctl(host: Host, io: CliIo, name?: string): Promise<number> {
  const target = await existingTarget(host, 'flightctl', name);
  const status = await accounts(target, io).signOut();
  io.err(`Signed out of Flight Control${accountSuffix(target.entry)} in Tarmac: its tokens were deleted from the keychain (flightctl's own client.yaml, if any, is untouched). Now: ${status.summary}`);
  return 0;
}

export function parseCallbackPort(value: string): number {
  const port = Number(value);
  if (!/^\d+$/.test(value) || !Number.isInteger(port) || port > 65535) throw new CliError(`--callback-port must be a number from 0 to 65535, not "${value}"`, 2);
  return port;
}

function printStatus(status: ProviderStatus, io: CliIo): void {
  io.out(`${status.label}: ${status.state}: ${status.summary}`);
  for (const key of ['server', 'account', 'organization', 'expires']) {
    if (key in status.details) io.out(`  ${key}: ${status.details[key] ?? '-'}`);
  }
  for (const w of status.warnings) io.out(`  warning: ${w}`);
}

