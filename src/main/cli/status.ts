import { TARMAC_VERSION } from '../host/version.js';
import type { CommandContext } from './command.js';
import { makeHost } from './host.js';

/** `tarmac status [--json]`: the providers and their sign-in state. */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const host = makeHost(ctx);
  try {
    const providers = await host.status();
    const clients = await host.tokens.list().catch((err: unknown) => err as Error);
    if (ctx.values.json) {
      io.out(JSON.stringify({ version: TARMAC_VERSION, dataDir: host.dataDir, providers, clients: Array.isArray(clients) ? clients : null }, null, 2));
      return 0;
    }
    io.out(`Tarmac ${TARMAC_VERSION}  data: ${host.dataDir}`);
    for (const p of providers) {
      io.out(`${p.label}: ${p.state}: ${p.summary}`);
      for (const [k, v] of Object.entries(p.details)) io.out(`  ${k}: ${v ?? '-'}`);
      for (const w of p.warnings) io.out(`  warning: ${w}`);
    }
    io.out(Array.isArray(clients) ? `MCP clients with a token: ${clients.map((c) => c.name).join(', ') || 'none'}` : `Keychain: ${clients.message}`);
    return 0;
  } finally {
    await host.stop();
  }
}
