import { ClientTokens } from '../host/mcp/tokens.js';
import { endpointUrl } from '../host/clients/endpoint-url.js';
import { runBridge } from '../host/clients/bridge.js';
import { defaultDataDir } from '../host/paths.js';
import { SecretStore } from '../host/secrets.js';
import { SettingsStore } from '../host/settings.js';
import { TARMAC_VERSION } from '../host/version.js';
import type { CommandContext } from './command.js';
import { CliError, type CliIo } from './io.js';

/**
 * `tarmac bridge [--url URL] [--client NAME]`: stdio to the running Tarmac, for clients that only
 * start servers. The token is this client's own, from the keychain, so the client's file holds none.
 * stdout carries MCP only; diagnostics go to stderr (the client's log).
 */
export async function bridge(values: { url?: string | undefined; client?: string | undefined; 'data-dir'?: string | undefined }, io: CliIo): Promise<number> {
  const dataDir = values['data-dir'] ?? defaultDataDir();
  const client = values.client ?? 'stdio';
  if (values.url !== undefined && !/^https?:\/\//.test(values.url)) throw new CliError(`--url must be an http URL such as http://127.0.0.1:8276/mcp, not "${values.url}"`, 2);
  const tokens = new ClientTokens(new SecretStore(), dataDir);
  const settings = new SettingsStore(dataDir);
  await runBridge({
    input: process.stdin,
    output: process.stdout,
    clientId: client,
    version: TARMAC_VERSION,
    resolveUrl: async () => values.url ?? (await endpointUrl(dataDir, settings)),
    token: () => tokens.get(client),
    log: (m) => io.err(`tarmac bridge: ${m}`),
  });
  return 0;
}

/** The command table's entry: no host (the bridge only relays to the running one). */
export function run(ctx: CommandContext): Promise<number> {
  const dataDir = ctx.hostOverrides.dataDir ?? ctx.values['data-dir'] ?? defaultDataDir(ctx.hostOverrides.env ?? process.env);
  return bridge({ ...ctx.values, 'data-dir': dataDir }, ctx.io);
}
