import { Writable } from 'node:stream';
import type { Host } from '../index.js';

/**
 * Serve the host's tools over stdin/stdout for clients that launch Tarmac themselves. stdout
 * carries protocol bytes only: the transport gets a private handle on the real stdout, and
 * process.stdout itself (console.*, a stray library print) is pointed at stderr.
 */
export async function serveStdio(host: Host, client: string): Promise<{ closed: Promise<void> }> {
  // Loaded here, not at the top: `tarmac serve` shares the CLI bundle and must not pay for it.
  const { StdioServerTransport } = await import('@modelcontextprotocol/server/stdio');
  const protocolOut = claimStdout();
  const transport = new StdioServerTransport(process.stdin, protocolOut);
  const server = await host.createServer(client);
  const closed = new Promise<void>((resolve) => {
    transport.onclose = () => resolve();
    process.stdin.once('end', () => resolve());
  });
  await server.connect(transport);
  host.log.info({ client }, 'serving MCP over stdio');
  return { closed: closed.then(() => server.close().catch(() => undefined)) };
}

/** A stream onto the real stdout, after which every other write to process.stdout goes to stderr. */
function claimStdout(): Writable {
  const realWrite = process.stdout.write.bind(process.stdout) as (chunk: Uint8Array | string, cb: (err?: Error | null) => void) => boolean;
  process.stdout.write = process.stderr.write.bind(process.stderr) as typeof process.stdout.write;
  return new Writable({
    write(chunk: Buffer, _encoding, callback) {
      realWrite(chunk, callback);
    },
  });
}
