import { PassThrough, Writable } from 'node:stream';
import type { Transport } from '@modelcontextprotocol/server';
import type { Host } from '../index.js';

/** How long the requests still running when stdin closes get to finish and be answered. */
const DRAIN_LIMIT_MS = 10 * 60_000;

/**
 * Serve the host's tools over stdin/stdout for clients that launch Tarmac themselves, in both
 * protocol eras: the SDK's stdio entry reads the opening message (`server/discover` or a request
 * carrying the 2026-07-28 envelope; `initialize` for 2025-era clients) and pins one server of
 * this client to the connection. stdout carries protocol bytes only: the transport gets a private
 * handle on the real stdout, and process.stdout itself (console.*, a stray library print) is
 * pointed at stderr.
 *
 * When stdin closes (the client is done writing, e.g. `printf ... | tarmac stdio`), the requests
 * already read are finished and answered before `closed` resolves.
 */
export async function serveStdio(host: Host, client: string): Promise<{ closed: Promise<void> }> {
  // Loaded here, not at the top: `tarmac serve` shares the CLI bundle and must not pay for it.
  const sdk = await import('@modelcontextprotocol/server/stdio');
  // Built before stdin is read (the entry's factory is called on the opening message, and it
  // hands this one out): stdin stays paused meanwhile, so a short input cannot end (and be
  // missed) while the server is being made.
  let first: Awaited<ReturnType<Host['createServer']>> | undefined = await host.createServer(client);
  const protocolOut = claimStdout();
  // The SDK's transport closes itself when its input ends, and a closed transport cannot answer
  // the calls still running: it reads a copy of stdin that never ends, and the end of the real
  // one is handled below (answer what was asked, then close).
  const input = new PassThrough();
  process.stdin.pipe(input, { end: false });
  const transport = new sdk.StdioServerTransport(input, protocolOut);
  const entry = sdk.serveStdio(
    () => {
      const server = first ?? host.createServer(client);
      first = undefined;
      return server;
    },
    { transport, onerror: (err) => host.log.debug({ err: err.message }, 'stdio: message not served') },
  );
  // The entry has set its callbacks and started the transport; none has fired yet (reads are
  // asynchronous), so the wrappers below see every message.
  const inFlight = trackRequests(transport);
  let transportClosed = false;
  const inputEnded = new Promise<void>((resolve) => {
    const onclose = transport.onclose?.bind(transport);
    transport.onclose = () => {
      transportClosed = true;
      onclose?.();
      resolve();
    };
    process.stdin.once('end', () => resolve());
  });
  host.log.info({ client }, 'serving MCP over stdio');
  const opened = Date.now();
  const closed = inputEnded
    .then(() => (transportClosed ? undefined : inFlight.drained(DRAIN_LIMIT_MS)))
    .then(() => entry.close().catch(() => undefined))
    .then(() => first?.close().catch(() => undefined))
    .then(() => host.telemetry.sessionEnded({ transport: 'pipe', durationMs: Date.now() - opened }));
  return { closed };
}

/**
 * Counts the requests read whose answer has not been written yet. Wraps the transport's
 * callbacks after the server set them, so it works whatever the server does with each message.
 */
function trackRequests(transport: Transport): { drained(limitMs: number): Promise<void> } {
  const pending = new Set<string | number>();
  let onEmpty: (() => void) | undefined;
  const forget = (id: unknown): void => {
    if ((typeof id === 'string' || typeof id === 'number') && pending.delete(id) && pending.size === 0) onEmpty?.();
  };
  const receive = transport.onmessage?.bind(transport);
  transport.onmessage = (message, extra) => {
    // A subscriptions/listen is answered only when the connection is torn down: not a call to wait for.
    if ('method' in message && 'id' in message && message.method !== 'subscriptions/listen') pending.add(message.id);
    // A cancelled request gets no answer: stop waiting for one.
    else if ('method' in message && message.method === 'notifications/cancelled') forget(message.params?.requestId);
    receive?.(message, extra);
  };
  const send = transport.send.bind(transport);
  transport.send = async (message, options) => {
    await send(message, options);
    if (!('method' in message) && 'id' in message) forget(message.id);
  };
  return {
    drained: (limitMs) =>
      pending.size === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, limitMs);
            timer.unref();
            onEmpty = () => {
              clearTimeout(timer);
              resolve();
            };
          }),
  };
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
