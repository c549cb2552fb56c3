import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import type { ProviderStatus } from '../../../shared/api.js';
import type { Provider, ProviderContext } from '../providers/provider.js';
import { errorLines } from '../providers/fly/execute.js';
import { runFlyctl } from '../providers/fly/flyctl.js';
import { FLY_TOKEN_ACCOUNT, FlyRuntime } from '../providers/fly/runtime.js';

/** How long `flyctl auth login` may wait for the person to finish in the browser. */
export const FLY_LOGIN_TIMEOUT_MS = 5 * 60_000;
const WHOAMI_TIMEOUT_MS = 20_000;

export type FlySignInErrorCode = 'cancelled' | 'timeout' | 'rejected' | 'input' | 'failed';

export class FlySignInError extends Error {
  override readonly name = 'FlySignInError';
  readonly code: FlySignInErrorCode;
  constructor(code: FlySignInErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** The sign-in page flyctl says it opens ("Opening https://fly.io/app/auth/cli/... ..."). */
export function loginUrlIn(text: string): string | null {
  const m = /\bhttps:\/\/\S+\/auth\/cli\/[A-Za-z0-9_-]+/.exec(text);
  return m ? m[0] : null;
}

export interface FlyAccountsOptions {
  ctx: ProviderContext;
  /** The running Fly provider: told to drop cached credentials after a change, and asked for status. */
  provider: Provider;
  loginTimeoutMs?: number;
}

/**
 * Fly.io sign-in and sign-out. The token Tarmac uses lives in the keychain; flyctl's own
 * config.yml is only read (after `flyctl auth login` wrote it), never changed.
 */
export class FlyAccounts {
  readonly #o: FlyAccountsOptions;
  readonly #rt: FlyRuntime;

  constructor(options: FlyAccountsOptions) {
    this.#o = options;
    this.#rt = new FlyRuntime(options.ctx);
  }

  /**
   * Run `flyctl auth login` (flyctl opens the browser), then keep the token it saved.
   * `onLaunch` runs once flyctl was found, just before it starts (to tell the person a browser
   * opens); `onUrl` gets the sign-in page flyctl says it opened (shown when no browser did).
   */
  async signInWithBrowser(signal?: AbortSignal, hooks: { onLaunch?: (binary: string) => void; onUrl?: (url: string) => void } = {}): Promise<ProviderStatus> {
    const { onLaunch, onUrl } = hooks;
    // Fail on a dead keychain or a missing flyctl before the person spends a minute in the browser.
    await this.#o.ctx.secrets.probe();
    const binary = await this.#rt.binary();
    onLaunch?.(binary);
    const env = this.#loginEnv();
    const timeoutMs = this.#o.loginTimeoutMs ?? FLY_LOGIN_TIMEOUT_MS;
    const result = await runFlyctl({
      binary,
      argv: ['auth', 'login'],
      env,
      cwd: await this.#rt.workdir(),
      signal: signal ?? AbortSignal.timeout(timeoutMs + 1_000),
      timeoutMs,
      ...(onUrl ? { onOutput: urlWatcher(onUrl) } : {}),
    });
    if (result.cancelled) throw new FlySignInError('cancelled', 'Fly.io sign-in was cancelled; nothing was saved.');
    if (result.timedOut) throw new FlySignInError('timeout', `Fly.io sign-in did not finish within ${Math.round(timeoutMs / 60_000)} minutes; nothing was saved. Try again.`);
    if (result.spawnError) throw new FlySignInError('failed', `Could not run ${binary}: ${result.spawnError}`);
    if (result.exitCode !== 0) {
      throw new FlySignInError('failed', `flyctl auth login failed: ${this.#o.ctx.redactor.text(errorLines(result.stderr, result.stdout)) || `exit code ${result.exitCode}`}`);
    }
    const path = flyConfigPath(env);
    const token = await readSavedToken(path);
    this.#o.ctx.redactor.addSecret(token);
    await this.#verify(token, binary);
    return this.#store(token);
  }

  /** A pasted token (personal, org-scoped or read-only): verified with flyctl before it replaces the stored one. */
  async signInWithToken(raw: string): Promise<ProviderStatus> {
    const token = raw.trim();
    if (!token) throw new FlySignInError('input', 'The Fly.io token is empty; paste the whole token (it starts with "FlyV1" or "fm2_").');
    if (/[\r\n\0]/.test(token)) throw new FlySignInError('input', 'A Fly.io token is a single line; the pasted text has line breaks in it.');
    this.#o.ctx.redactor.addSecret(token);
    await this.#o.ctx.secrets.probe();
    await this.#verify(token, await this.#rt.binary());
    return this.#store(token);
  }

  /**
   * The organizations the signed-in account belongs to (`flyctl orgs list --json`: slug -> name),
   * with the token Tarmac's tools use.
   */
  async organizations(signal?: AbortSignal): Promise<Array<{ slug: string; name: string }>> {
    const child = await this.#rt.childEnv();
    const result = await runFlyctl({
      binary: await this.#rt.binary(),
      argv: ['orgs', 'list', '--json'],
      env: child.env,
      cwd: await this.#rt.workdir(),
      signal: signal ?? AbortSignal.timeout(WHOAMI_TIMEOUT_MS + 1_000),
      timeoutMs: WHOAMI_TIMEOUT_MS,
    });
    if (result.exitCode !== 0) {
      const reason = this.#o.ctx.redactor.text(errorLines(result.stderr, result.stdout)) || (result.timedOut ? 'flyctl orgs list timed out' : `exit code ${result.exitCode}`);
      throw new FlySignInError('failed', `Could not list your Fly.io organizations: ${reason.replace(/[.\s]+$/, '')}. Check the sign-in above, then reopen this page.`);
    }
    let parsed: unknown;
    try {
      parsed = JSON.parse(result.stdout);
    } catch {
      throw new FlySignInError('failed', 'flyctl orgs list --json did not answer JSON; is the configured flyctl the Fly.io CLI?');
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new FlySignInError('failed', 'flyctl orgs list --json answered something other than a map of organizations.');
    return Object.entries(parsed)
      .filter((e): e is [string, string] => typeof e[1] === 'string')
      .map(([slug, name]) => ({ slug, name }))
      .sort((a, b) => a.name.localeCompare(b.name) || a.slug.localeCompare(b.slug));
  }

  /** Forget Tarmac's copy; flyctl's own login is left as it is. */
  async signOut(): Promise<ProviderStatus> {
    await this.#o.ctx.secrets.delete(FLY_TOKEN_ACCOUNT);
    this.#o.provider.reload?.();
    return this.#o.provider.status();
  }

  /** `flyctl auth whoami --json` with the token in the child's environment; its reason when refused. */
  async #verify(token: string, binary: string): Promise<string> {
    const env = { ...this.#loginEnv(), FLY_ACCESS_TOKEN: token };
    const who = await runFlyctl({
      binary,
      argv: ['auth', 'whoami', '--json'],
      env,
      cwd: await this.#rt.workdir(),
      signal: AbortSignal.timeout(WHOAMI_TIMEOUT_MS + 1_000),
      timeoutMs: WHOAMI_TIMEOUT_MS,
    });
    if (who.exitCode !== 0) {
      const reason = this.#o.ctx.redactor.text(errorLines(who.stderr, who.stdout)) || (who.timedOut ? 'flyctl auth whoami timed out' : 'no reason given');
      throw new FlySignInError('rejected', `Fly.io did not accept the token: ${reason.replace(/[.\s]+$/, '')}. The stored token was left as it was.`);
    }
    try {
      const email = (JSON.parse(who.stdout) as { email?: unknown }).email;
      if (typeof email === 'string' && email) return email;
    } catch {
      // Older flyctl prints plain text.
    }
    return who.stdout.trim();
  }

  async #store(token: string): Promise<ProviderStatus> {
    await this.#o.ctx.secrets.set(FLY_TOKEN_ACCOUNT, token);
    this.#o.ctx.log.info('fly: signed in; token stored in the keychain');
    this.#o.provider.reload?.();
    return this.#o.provider.status();
  }

  /** flyctl's environment for signing in: no inherited token, so flyctl uses (or makes) its own login. */
  #loginEnv(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...this.#o.ctx.env, FLY_NO_UPDATE_CHECK: '1' };
    delete env.FLY_ACCESS_TOKEN;
    delete env.FLY_API_TOKEN;
    return env;
  }
}

/** Reports the sign-in URL once, however flyctl's output is split into chunks. */
function urlWatcher(onUrl: (url: string) => void): (text: string) => void {
  let seen = '';
  let done = false;
  return (text) => {
    if (done) return;
    seen = (seen + text).slice(-4096);
    const url = loginUrlIn(seen);
    if (url) {
      done = true;
      onUrl(url);
    }
  };
}

/** Where flyctl keeps its login: $FLY_CONFIG_DIR/config.yml, else ~/.fly/config.yml. */
export function flyConfigPath(env: NodeJS.ProcessEnv): string {
  const dir = env.FLY_CONFIG_DIR || join(env.HOME || env.USERPROFILE || homedir(), '.fly');
  return join(dir, 'config.yml');
}

async function readSavedToken(path: string): Promise<string> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    throw new FlySignInError('failed', `flyctl finished signing in but Tarmac found no ${path} to take the token from.`);
  }
  let token: unknown;
  try {
    token = (parseYaml(text) as { access_token?: unknown } | null)?.access_token;
  } catch {
    throw new FlySignInError('failed', `${path} is not valid YAML; sign in with flyctl again or paste a token instead.`);
  }
  if (typeof token !== 'string' || !token.trim()) {
    throw new FlySignInError('failed', `flyctl finished signing in but ${path} holds no access_token.`);
  }
  return token.trim();
}
