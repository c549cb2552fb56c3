/**
 * The Fly provider's status for the UI and `tarmac status`: flyctl path and version, the
 * signed-in account (`auth whoami`) and where its token comes from. Never contains the token.
 */
import type { ProviderStatus } from '../provider.js';
import { FlyctlNotFoundError, runFlyctl } from './flyctl.js';
import { errorLines } from './execute.js';
import type { FlyRuntime, TokenSource } from './runtime.js';

const WHOAMI_TIMEOUT_MS = 15_000;

/** `tools`: how many Fly tools the flyctl in use gets, and what differs (toolset.ts), once its version is known. */
export async function flyStatus(rt: FlyRuntime, tools?: () => string): Promise<ProviderStatus> {
  // A status request usually follows a sign-in, sign-out or settings change: look afresh.
  rt.invalidate();
  const warnings: string[] = [];
  const located = await rt.locate();
  if (located.configuredProblem) warnings.push(`${located.configuredProblem}; using the one found elsewhere`);
  const base = { id: 'fly', label: 'Fly.io' };

  if (!located.path) {
    return {
      ...base,
      state: 'unconfigured',
      summary: 'flyctl not found',
      fix: { action: 'install-flyctl', label: 'Install flyctl' },
      details: { flyctlPath: null, flyctlVersion: null, flyctlTools: null, account: null, tokenSource: null },
      warnings: [new FlyctlNotFoundError(located, { settingsPath: rt.ctx.settings.path }).message],
    };
  }

  const [version, child] = await Promise.all([rt.version(located.path), rt.childEnv()]);
  if (child.keychainProblem) warnings.push(`Keychain unreadable, using flyctl's own login: ${child.keychainProblem}`);
  if (!version) warnings.push(`${located.path} did not answer "version" like flyctl does; is it the Fly.io CLI?`);
  // After the version: learning it decided the tools.
  const flyctlTools = tools ? tools() : null;

  if (child.token === 'none') {
    return {
      ...base,
      state: 'signed-out',
      summary: `account ${rt.account}: not signed in`,
      details: { flyctlPath: located.path, flyctlVersion: version, flyctlTools, account: null, tokenSource: 'none' },
      warnings,
    };
  }

  const who = await runFlyctl({
    binary: located.path,
    argv: ['auth', 'whoami', '--json'],
    env: child.env,
    cwd: await rt.workdir(),
    signal: AbortSignal.timeout(WHOAMI_TIMEOUT_MS + 1000),
    timeoutMs: WHOAMI_TIMEOUT_MS,
  }).catch(() => null);

  let account: string | null = null;
  let problem: string | null = null;
  if (who && who.exitCode === 0) account = parseEmail(who.stdout);
  else problem = who ? rt.ctx.redactor.text(errorLines(who.stderr, who.stdout)) || (who.timedOut ? 'flyctl auth whoami timed out' : 'flyctl auth whoami failed') : 'flyctl could not be run';

  const tokenSource: TokenSource = account
    ? child.token === 'keychain'
      ? 'keychain'
      : child.token === 'environment'
        ? 'environment'
        : 'flyctl login'
    : child.token === 'keychain'
      ? 'keychain'
      : 'none';

  const details = {
    flyctlPath: located.path,
    flyctlVersion: version,
    flyctlTools,
    account,
    tokenSource,
  };
  const versionText = version ? `flyctl v${version}` : 'flyctl';

  if (account) {
    return { ...base, state: 'ready', summary: `signed in as ${account} (${tokenLabel(tokenSource)})`, details, warnings };
  }
  if (child.token === 'keychain') {
    warnings.push(`The Fly token in the keychain was not accepted: ${problem ?? 'unknown error'}`);
    return { ...base, state: 'signed-out', summary: `${versionText} found; the stored Fly token was rejected`, details, warnings };
  }
  // "no access token available" is what signed out means; the summary says so already.
  if (problem && !/no access token available/i.test(problem)) warnings.push(problem);
  return {
    ...base,
    state: 'signed-out',
    summary: `${versionText} found, not signed in: sign in to Fly.io in Tarmac or run "fly auth login"`,
    details,
    warnings,
  };
}

function tokenLabel(source: TokenSource): string {
  switch (source) {
    case 'keychain':
      return 'token in the keychain';
    case 'environment':
      return 'token from FLY_ACCESS_TOKEN / FLY_API_TOKEN';
    case 'flyctl login':
      return "flyctl's own login";
    default:
      return 'no token';
  }
}

/** `{"email":"..."}`, or the plain-text email of an older flyctl. */
function parseEmail(stdout: string): string | null {
  try {
    const data = JSON.parse(stdout) as { email?: unknown };
    if (typeof data.email === 'string' && data.email) return data.email;
  } catch {
    // plain text
  }
  const m = /[^\s@]+@[^\s@]+/.exec(stdout);
  return m ? m[0] : null;
}
