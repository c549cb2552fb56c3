/**
 * What every flyctl call needs besides its argv: the binary, the child's environment (with the
 * keychain token), a neutral working directory, and flyctl's version for error messages.
 */
import { lstat, mkdir, readdir, rm, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ProviderContext } from '../provider.js';
import { DEFAULT_ACCOUNT } from '../../accounts/scope.js';
import { withoutCredentials } from './check-flyctl.js';
import { FlyctlNotFoundError, locateFlyctl, parseVersion, runFlyctl, type LocateResult } from './flyctl.js';

/** Keychain account of the Fly access token. */
export const FLY_TOKEN_ACCOUNT = 'fly:token';

export type TokenSource = 'keychain' | 'environment' | 'flyctl login' | 'none';

export interface ChildEnv {
  env: NodeJS.ProcessEnv;
  /** Where the token the child will use comes from, before asking flyctl (see status). */
  token: 'keychain' | 'environment' | 'flyctl' | 'none';
  /** Set when the keychain could not be read (the child then falls back to flyctl's own login). */
  keychainProblem: string | null;
}

const VERSION_TIMEOUT_MS = 10_000;
/** flyctl's working folder inside the data dir: always empty. */
export const FLYCTL_WORKDIR = 'flyctl-workdir';
/** How long a keychain answer is reused. */
const TOKEN_TTL_MS = 5_000;
/** How long a found flyctl is reused without looking at the file system. */
const LOCATE_TTL_MS = 2_000;

export class FlyRuntime {
  readonly #ctx: ProviderContext;
  #located: { key: string; result: LocateResult; at: number } | undefined;
  #token: { value: string | null; problem: string | null; at: number } | undefined;
  readonly #versions = new Map<string, Promise<string | null>>();
  readonly #versionOf: ((binary: string) => Promise<string | null>) | undefined;

  /** The account whose token this runtime uses (accounts/scope.ts). */
  readonly account: string;

  /** `versionOf`: where the version comes from (the provider's flyctl capabilities); else asked here. */
  constructor(ctx: ProviderContext, account: string = DEFAULT_ACCOUNT, options: { versionOf?: (binary: string) => Promise<string | null> } = {}) {
    this.#ctx = ctx;
    this.account = account;
    this.#versionOf = options.versionOf;
  }

  get ctx(): ProviderContext {
    return this.#ctx;
  }

  /**
   * Where flyctl runs: an empty folder of its own (created 0700 in the data dir), emptied again if
   * anything appeared in it. Never the host's working folder (a stray fly.toml would pick the app)
   * nor the data dir itself (flyctl would build an image "." from Tarmac's own files).
   */
  async workdir(): Promise<string> {
    const dir = join(this.#ctx.dataDir, FLYCTL_WORKDIR);
    const info = await lstat(dir).catch(() => null);
    if (!info?.isDirectory()) {
      // Missing, or something else put there (a link to another folder is unlinked, never emptied).
      if (info) await rm(dir, { force: true });
      await mkdir(dir, { recursive: true, mode: 0o700 });
      return dir;
    }
    const found = await readdir(dir);
    if (found.length > 0) {
      this.#ctx.log.warn({ dir, found: found.slice(0, 5) }, 'fly: files appeared in flyctl\'s empty working folder; removed');
      await Promise.all(found.map((name) => rm(join(dir, name), { recursive: true, force: true })));
    }
    return dir;
  }

  async locate(): Promise<LocateResult> {
    const configured = await this.#configuredPath();
    const key = `${configured ?? ''}\0${this.#ctx.env.PATH ?? ''}\0${this.#ctx.env.HOME ?? ''}`;
    // Re-locating costs a few dozen stat calls: reuse a fresh answer as is, an older one while its binary is still there.
    const last = this.#located;
    if (last?.key === key && last.result.path) {
      if (Date.now() - last.at < LOCATE_TTL_MS) return last.result;
      const again = await locateFlyctl({ configured: last.result.path, env: {} });
      if (again.path) {
        last.at = Date.now();
        return last.result;
      }
    }
    const result = await locateFlyctl({ configured, env: this.#ctx.env });
    this.#located = { key, result, at: Date.now() };
    return result;
  }

  /** The flyctl binary, or a FlyctlNotFoundError naming where Tarmac looked. */
  async binary(): Promise<string> {
    const found = await this.locate();
    if (!found.path) throw new FlyctlNotFoundError(found, { settingsPath: this.#ctx.settings.path });
    return found.path;
  }

  async #configuredPath(): Promise<string | undefined> {
    try {
      return this.#ctx.flyctlPath ? await this.#ctx.flyctlPath() : (await this.#ctx.settings.read()).flyctlPath;
    } catch (err) {
      this.#ctx.log.warn({ err: (err as Error).message }, 'fly: settings unreadable; looking for flyctl without the configured path');
      return undefined;
    }
  }

  /**
   * The child's environment. A keychain token goes in FLY_ACCESS_TOKEN (never on the command
   * line, where the process list would show it). Without one, flyctl uses its own login.
   */
  async childEnv(): Promise<ChildEnv> {
    // No update check or self-upgrade in the middle of a tool call (and no notice on stderr).
    const env: NodeJS.ProcessEnv = { FLY_NO_UPDATE_CHECK: '1', ...this.#ctx.env };
    const { value: token, problem: keychainProblem } = await this.#readToken();
    if (token) {
      this.#ctx.redactor.addSecret(token);
      env.FLY_ACCESS_TOKEN = token;
      // FLY_ACCESS_TOKEN already wins over FLY_API_TOKEN; removing it leaves no doubt which token is used.
      delete env.FLY_API_TOKEN;
      return { env, token: 'keychain', keychainProblem };
    }
    if (this.account !== DEFAULT_ACCOUNT) {
      // A named account is its own token only: never the environment's or flyctl's own login,
      // which may be another person's or organization's.
      delete env.FLY_ACCESS_TOKEN;
      delete env.FLY_API_TOKEN;
      return { env, token: 'none', keychainProblem };
    }
    if (env.FLY_ACCESS_TOKEN || env.FLY_API_TOKEN) return { env, token: 'environment', keychainProblem };
    return { env, token: 'flyctl', keychainProblem };
  }

  /**
   * The keychain token, read at most every TOKEN_TTL_MS: a keychain round trip (D-Bus, Keychain
   * Services) costs milliseconds on every call otherwise. A sign-in or sign-out in Tarmac is
   * therefore picked up within that time.
   */
  async #readToken(): Promise<{ value: string | null; problem: string | null }> {
    const cached = this.#token;
    if (cached && Date.now() - cached.at < TOKEN_TTL_MS) return cached;
    let value: string | null = null;
    let problem: string | null = null;
    try {
      value = await this.#ctx.secrets.get(FLY_TOKEN_ACCOUNT);
    } catch (err) {
      problem = (err as Error).message;
      this.#ctx.log.warn({ err: problem }, 'fly: keychain unreadable; flyctl will use its own login');
    }
    // A failed read is not cached: the keychain may be unlocked a moment later.
    this.#token = problem ? undefined : { value, problem, at: Date.now() };
    return { value, problem };
  }

  /** Drop the cached token and binary location (after a sign-in/out or a settings change). */
  invalidate(): void {
    this.#token = undefined;
    this.#located = undefined;
  }

  /** `flyctl version`, once per binary file (path and modification time, so an upgrade is noticed). */
  async version(binary: string): Promise<string | null> {
    if (this.#versionOf) return this.#versionOf(binary);
    let key = binary;
    try {
      key = `${binary}\0${(await stat(binary)).mtimeMs}`;
    } catch {
      return null;
    }
    let v = this.#versions.get(key);
    if (!v) {
      v = this.workdir().then((cwd) => runFlyctl({
        binary,
        argv: ['version'],
        // Only asking which version it is: no credential goes to it.
        env: withoutCredentials(this.#ctx.env),
        cwd,
        signal: AbortSignal.timeout(VERSION_TIMEOUT_MS + 1000),
        timeoutMs: VERSION_TIMEOUT_MS,
      })).then(
        (res) => (res.exitCode === 0 ? parseVersion(res.stdout) : null),
        () => null,
      );
      this.#versions.set(key, v);
      // A failed probe is retried next time.
      void v.then((value) => {
        if (value === null) this.#versions.delete(key);
      });
    }
    return v;
  }
}
