import type { Redactor } from '../activity/redact.js';
import type { Logger } from '../log.js';
import type { SecretStore } from '../secrets.js';
import type { SettingsStore } from '../settings.js';
import type { AnyToolSpec } from '../tools/catalogue.js';

/** What a back end says about itself, for the UI and `tarmac status`. Never contains a secret. */
export interface ProviderStatus {
  id: string;
  label: string;
  /** ready: tools can run; signed-out: needs sign-in; unconfigured: nothing set up; error: broken. */
  state: 'ready' | 'signed-out' | 'unconfigured' | 'error';
  /** One line for a person, e.g. "signed in as ana@example.com (keychain token)". */
  summary: string;
  /** Named facts (path, version, account, token source, server, org, expiry...). */
  details: Record<string, string | null>;
  warnings: string[];
}

/** Everything the host lends a provider. */
export interface ProviderContext {
  dataDir: string;
  secrets: SecretStore;
  settings: SettingsStore;
  redactor: Redactor;
  log: Logger;
  /** Environment to read configuration from (process.env unless a test passes its own). */
  env: NodeJS.ProcessEnv;
}

export interface Provider {
  id: string;
  label: string;
  tools(): AnyToolSpec[];
  status(): Promise<ProviderStatus>;
  close?(): Promise<void>;
}

export type ProviderFactory = (ctx: ProviderContext) => Provider;
