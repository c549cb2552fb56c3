import { createServer, request, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { BodyError, readJsonBody } from '../../src/main/host/mcp/body.js';

// readJsonBody against real requests: what it settles with, whatever the client does.
const servers: ReturnType<typeof createServer>[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

/** Sends `body` to a server whose handler runs `read` on the request; resolves with what read settled with. */
async function readOnServer(body: string, read: (req: IncomingMessage) => Promise<unknown>, headers: Record<string, string> = {}): Promise<{ value?: unknown; error?: unknown }> {
  let settle!: (outcome: { value?: unknown; error?: unknown }) => void;
  const outcome = new Promise<{ value?: unknown; error?: unknown }>((r) => (settle = r));
  const server = createServer((req, res) => {
    read(req).then(
      (value) => settle({ value }),
      (error: unknown) => settle({ error }),
    );
    res.on('error', () => undefined);
    setTimeout(() => res.end(), 50);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const req = request({ port: (server.address() as AddressInfo).port, method: 'POST', headers });
  req.on('error', () => undefined);
  req.end(body);
  return outcome;
}

describe('readJsonBody', () => {
  it('parses a body that came in several chunks', async () => {
    const big = { text: 'x'.repeat(200_000) };
    expect((await readOnServer(JSON.stringify(big), (req) => readJsonBody(req, 1 << 20))).value).toEqual(big);
  });

  it('refuses malformed JSON with a parse error, and an oversized body with 413', async () => {
    const bad = (await readOnServer('{"a":', (req) => readJsonBody(req, 1000))).error;
    expect(bad).toBeInstanceOf(BodyError);
    expect((bad as BodyError).rpcCode).toBe(-32700);
    const large = (await readOnServer('x'.repeat(5000), (req) => readJsonBody(req, 1000), { 'transfer-encoding': 'chunked' })).error;
    expect((large as BodyError).status).toBe(413);
  });

  it('settles (with an error) for a request the client abandoned before the body was read', async () => {
    // What happens when a client disconnects while its request waits for the token check.
    const { error } = await readOnServer('{"jsonrpc":"2.0"}', async (req) => {
      req.destroy();
      await new Promise((r) => setTimeout(r, 20));
      return readJsonBody(req, 1000);
    });
    expect(String(error)).toMatch(/closed the connection/);
  });
});
