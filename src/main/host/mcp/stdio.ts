import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import type { Host } from '../index.js';

/**
 * Serve the host's tools over stdin/stdout for clients that launch Tarmac themselves. stdout
 * carries protocol bytes only: stray console output is sent to stderr, logs go to the log file.
 */
export async function serveStdio(host: Host, client: string): Promise<{ closed: Promise<void> }> {
  console.log = console.error;
  console.info = console.error;
  const transport = new StdioServerTransport();
  const server = host.createServer(client);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  host.log.info({ client }, 'serving MCP over stdio');
  return { closed: closed.then(() => server.close().catch(() => undefined)) };
}
