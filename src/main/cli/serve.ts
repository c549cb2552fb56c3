import { TARMAC_VERSION } from '../host/version.js';
import type { CommandContext } from './command.js';
import { makeHost } from './host.js';

/** `tarmac serve`: the HTTP endpoint, until SIGINT or SIGTERM. */
export async function run(ctx: CommandContext): Promise<number> {
  const { io } = ctx;
  const host = makeHost(ctx);
  try {
    const url = await host.start();
    const clients = await host.tokens.list();
    io.err(`Tarmac ${TARMAC_VERSION} serving MCP at ${url} (${host.catalogue.size} tools)`);
    io.err(
      clients.length === 0
        ? 'No client tokens yet: create one with `tarmac token create <client>` and send it as "Authorization: Bearer <token>".'
        : `Clients with a token: ${clients.map((c) => c.name).join(', ')}`,
    );
    io.err(`Data: ${host.dataDir}`);
    if (ctx.values['trust-terminal']) {
      io.err('Trust terminal: ON. Any process of this user may now loosen protection and approve calls (`tarmac policy`, `tarmac approvals`, edits of settings.json). For unattended set-ups only.');
    }
  } catch (err) {
    await host.stop();
    throw err;
  }
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  io.err('Tarmac stopping');
  await host.stop();
  return 0;
}
