import { serveStdio } from '../host/mcp/stdio.js';
import type { CommandContext } from './command.js';
import { makeHost } from './host.js';

/** `tarmac stdio`: MCP over stdin/stdout until stdin closes and the calls in flight are answered. */
export async function run(ctx: CommandContext): Promise<number> {
  const host = makeHost(ctx);
  // Any program of the user can start `tarmac stdio` and name itself: the name is kept apart
  // (stdio:NAME), so it never gets the rules or the approval switch of the client called NAME.
  const { closed } = await serveStdio(host, ctx.values.client ? `stdio:${ctx.values.client}` : 'stdio');
  await closed;
  await host.stop();
  return 0;
}
