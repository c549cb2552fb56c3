import type { HostOptions } from '../host/index.js';
import type { CliIo } from './io.js';

/** The options every command may read, as parseArgs gives them. */
export interface CliValues {
  'data-dir'?: string | undefined;
  port?: string | undefined;
  client?: string | undefined;
  json?: boolean | undefined;
  'token-stdin'?: boolean | undefined;
  provider?: string | undefined;
  'callback-port'?: string | undefined;
  username?: string | undefined;
  password?: boolean | undefined;
  import?: boolean | undefined;
  org?: string | undefined;
  'insecure-skip-tls-verify'?: boolean | undefined;
  'ca-cert'?: string | undefined;
  'no-open'?: boolean | undefined;
  'trust-terminal'?: boolean | undefined;
  follow?: boolean | undefined;
  tool?: string | undefined;
  status?: string | undefined;
  since?: string | undefined;
  limit?: string | undefined;
  url?: string | undefined;
  detected?: boolean | undefined;
  oauth?: boolean | undefined;
  'dry-run'?: boolean | undefined;
  force?: boolean | undefined;
  profile?: string | undefined;
  toolsets?: string | undefined;
  tools?: string | undefined;
  'read-only'?: boolean | undefined;
  start?: string | undefined;
  discovery?: boolean | undefined;
  description?: string | undefined;
  name?: string | undefined;
}

/** What a command gets: its name, the positionals after it, the parsed options and where to write. */
export interface CommandContext {
  command: string;
  args: string[];
  values: CliValues;
  io: CliIo;
  /** Host options a test or fixture adds (extra tools, a keychain backend). */
  hostOverrides: Partial<HostOptions>;
}

/** One command's implementation, loaded only when that command runs. */
export interface CommandModule {
  run(ctx: CommandContext): Promise<number>;
}
