import type { Redactor } from '../activity/redact.js';
import type { Logger } from '../log.js';
import type { SecretStore } from '../secrets.js';
import type { SettingsStore } from '../settings.js';
import type { AnyToolSpec } from '../tools/catalogue.js';
import type { ProviderChoice, ProviderStatus, SignInEvent, SignInInput, SignInOptions } from '../../../shared/api.js';
import type { OpenBrowser } from '../accounts/browser.js';

export type { ProviderStatus } from '../../../shared/api.js';

/** Everything the host lends a provider. */
export interface ProviderContext {
  dataDir: string;
  secrets: SecretStore;
  settings: SettingsStore;
  redactor: Redactor;
  log: Logger;
  /** Environment to read configuration from (process.env unless a test passes its own). */
  env: NodeJS.ProcessEnv;
  /**
   * The flyctl program a person chose (confirmed); absent, settings.flyctlPath is read as it is
   * (tests that build a context without guardrails).
   */
  flyctlPath?: () => Promise<string | undefined>;
}

export interface Provider {
  id: string;
  label: string;
  /** Its tools as they are now (the Fly tools follow the flyctl in use: see prepareTools). */
  tools(): AnyToolSpec[];
  /**
   * Make tools() match what is installed now (the Fly provider looks at the flyctl binary, and
   * learns what a new one supports); resolves when done. `maxAgeMs`: a look that recent is enough.
   */
  prepareTools?(options?: { maxAgeMs?: number }): Promise<void>;
  /** Told after tools() changed (another flyctl); returns the function that stops listening. */
  onToolsChange?(listener: () => void): () => void;
  status(): Promise<ProviderStatus>;
  /** Credentials or settings changed (sign-in, sign-out): drop anything cached from them. */
  reload?(): void;
  close?(): Promise<void>;
  /** Sign-in, sign-out and account choices, for the window and the CLI; absent when there is nothing to sign in to. */
  account?(deps: AccountDeps): ProviderAccount;
  /**
   * The same back end signed in as one named account (accounts/scope.ts): its status, reload and
   * sign-in flows. Absent: the back end has one account. "default" is the provider itself.
   */
  forAccount?(account: string): Provider;
}

/** What a provider's account flows get from the host. */
export interface AccountDeps {
  /** Shows a URL to the person (Electron: the system browser; headless: printed; tests: Playwright). */
  openBrowser: OpenBrowser;
  /** Sign-in progress, for the window. */
  emit(event: SignInEvent): void;
}

/**
 * A provider's sign-in as data: the methods it offers (and their fields), running one, and the
 * choices a signed-in account has. The host API calls only this, so adding a provider never
 * touches host/api.ts.
 */
export interface ProviderAccount {
  signInOptions(input: SignInInput, signal?: AbortSignal): Promise<SignInOptions>;
  /** Runs one method; a second sign-in replaces one still waiting. Errors carry a code the UI can branch on. */
  signIn(method: string, input: SignInInput, signal: AbortSignal): Promise<ProviderStatus>;
  signOut(): Promise<ProviderStatus>;
  choices(signal?: AbortSignal): Promise<ProviderChoice[]>;
  choose(choice: string, value: string, signal?: AbortSignal): Promise<ProviderStatus>;
}

export type ProviderFactory = (ctx: ProviderContext) => Provider;
