import type { Redactor } from '../activity/redact.js';
import type { Logger } from '../log.js';
import type { SecretStore } from '../secrets.js';
import type { SettingsStore } from '../settings.js';
import type { AnyToolSpec } from '../tools/catalogue.js';
import type { ProviderStatus } from '../../../shared/api.js';

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
}

export interface Provider {
  id: string;
  label: string;
  tools(): AnyToolSpec[];
  status(): Promise<ProviderStatus>;
  /** Credentials or settings changed (sign-in, sign-out): drop anything cached from them. */
  reload?(): void;
  close?(): Promise<void>;
}

export type ProviderFactory = (ctx: ProviderContext) => Provider;
