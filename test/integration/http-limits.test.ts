import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { silentLog } from '../../src/main/host/log.js';
import { WebServer } from '../../src/main/web/server.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { INIT_BODY, mcpHeaders, openStream, rawRequest } from '../helpers/raw-http.js';
import { testTools } from '../fixtures/test-tools.js';

/**
 * The time and depth limits of Tarmac's HTTP servers (http/limits.ts), with short limits so each
 * test ends quickly: what a client sees, never how long it took.
 */
const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

const SHORT = { headersTimeoutMs: 300, bodyTimeoutMs: 300, idleTimeoutMs: 60_000 };

async function host(httpLimits: Partial<typeof SHORT> = SHORT): Promise<TestHost> {
  const t = await startTestHost({ tools: testTools(), httpLimits });
  cleanups.push(() => t.stop());
  return t;
}

interface Trickle {
  /** Everything the server sent before it closed the connection. */
  closed: Promise<string>;
  stop(): void;
}

/** A raw connection that sends `head` and then one more byte every 50 ms, until the server closes it. */
function trickle(port: number, head: string, drip = ' '): Trickle {
  const socket: Socket = connect(port, '127.0.0.1');
  let received = '';
  socket.setEncoding('utf8');
  socket.on('data', (d: string) => (received += d));
  socket.on('error', () => undefined);
  socket.write(head);
  const timer = setInterval(() => {
    if (!socket.destroyed && socket.writable) socket.write(drip);
  }, 50);
  const closed = new Promise<string>((resolve) => socket.once('close', () => resolve(received)));
  void closed.finally(() => clearInterval(timer));
  const stop = () => {
    clearInterval(timer);
    socket.destroy();
  };
  cleanups.push(async () => stop());
  return { closed, stop };
}

const portOf = (url: string) => Number(new URL(url).port);
const post = (port: number, headers: string[]) =>
  ['POST /mcp HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Content-Type: application/json', 'Content-Length: 100000', ...headers, '', ''].join('\r\n');

/** 100,000 levels of arrays inside a JSON-RPC request. */
const DEEP = `{"jsonrpc":"2.0","id":1,"method":"tools/call","params":{"name":"echo","arguments":{"text":${'['.repeat(100_000)}${']'.repeat(100_000)}}}}`;

describe('MCP endpoint time limits', () => {
  it('cuts off a client that trickles its body without a token', async () => {
    const t = await host();
    const port = portOf(t.url);
    const response = await trickle(port, post(port, [])).closed;
    expect(response).toMatch(/^HTTP\/1\.1 401/);
  });

  it('answers 408 to a signed-in client that trickles its body, and closes the connection', async () => {
    const t = await host();
    const port = portOf(t.url);
    const response = await trickle(port, post(port, [`Authorization: Bearer ${t.token}`])).closed;
    expect(response).toMatch(/^HTTP\/1\.1 408/);
    expect(response).toMatch(/did not arrive within/);
  });

  it('cuts off a client that trickles its headers', async () => {
    const t = await host();
    const port = portOf(t.url);
    const response = await trickle(port, `POST /mcp HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nX-Slow: `, 'a').closed;
    // Node answers 408 (or nothing) and closes.
    expect(response === '' || /^HTTP\/1\.1 408/.test(response)).toBe(true);
  });

  it('keeps a stream open past the request time limit: that limit covers only the request', async () => {
    const t = await host();
    const id = String((await rawRequest(t.url, { headers: mcpHeaders(t.token), body: INIT_BODY })).headers['mcp-session-id']);
    const stream = await openStream(t.url, mcpHeaders(t.token, { 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': '2025-11-25' }));
    cleanups.push(async () => stream.close());
    expect(stream.status).toBe(200);
    const outcome = await Promise.race([stream.ended.then(() => 'ended'), new Promise((r) => setTimeout(() => r('open'), 1_500))]);
    expect(outcome).toBe('open');
  });

  it('closes a stream nothing was sent on for the idle time; the session stays', async () => {
    const t = await host({ ...SHORT, idleTimeoutMs: 300 });
    const id = String((await rawRequest(t.url, { headers: mcpHeaders(t.token), body: INIT_BODY })).headers['mcp-session-id']);
    const stream = await openStream(t.url, mcpHeaders(t.token, { 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': '2025-11-25' }));
    cleanups.push(async () => stream.close());
    expect(stream.status).toBe(200);
    await stream.ended;
    const list = await rawRequest(t.url, {
      headers: mcpHeaders(t.token, { 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': '2025-11-25' }),
      body: JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }),
    });
    expect(list.status).toBe(200);
  });

  it('never cuts a request Tarmac is still answering, however long it is quiet', async () => {
    const t = await host({ ...SHORT, idleTimeoutMs: 300 });
    const client = await t.connect();
    const result = await client.callTool({ name: 'slow', arguments: { ms: 1_200 } });
    expect(result.content).toEqual([{ type: 'text', text: 'waited 1200 ms' }]);
  });
});

describe('JSON depth', () => {
  it('answers a 100,000-deep body with 400 and a JSON-RPC parse error', async () => {
    const t = await host();
    const res = await rawRequest(t.url, { headers: mcpHeaders(t.token), body: DEEP });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32700 }, id: null });
    expect(res.json().error?.message).toMatch(/nested more than 64 levels/);
    // The endpoint is fine afterwards.
    expect((await rawRequest(t.url, { headers: mcpHeaders(t.token), body: INIT_BODY })).status).toBe(200);
  });

  it('still serves arguments nested a few levels, and brackets inside strings do not count', async () => {
    const t = await host();
    const client = await t.connect();
    const result = await client.callTool({ name: 'echo', arguments: { text: '['.repeat(5_000) } });
    expect(result.structuredContent).toEqual({ text: '['.repeat(5_000), length: 5_000 });
  });
});

describe('browser mode limits', () => {
  /** A browser-mode server signed in once: its cookie and the page secret the redirect hands over. */
  async function web(): Promise<{ server: WebServer; calls: unknown[]; headers: Record<string, string> }> {
    const rendererDir = await mkdtemp(join(tmpdir(), 'tarmac-web-limits-'));
    await writeFile(join(rendererDir, 'index.html'), '<!doctype html><title>t</title>');
    const calls: unknown[] = [];
    const server = new WebServer({
      rendererDir,
      log: silentLog(),
      httpLimits: SHORT,
      call: async (_method, args) => {
        calls.push(args);
        return { ok: true, value: null };
      },
    });
    const url = await server.listen();
    cleanups.push(async () => {
      await server.close();
      await rm(rendererDir, { recursive: true, force: true });
    });
    const signIn = await rawRequest(url, { method: 'GET' });
    const cookie = String(signIn.headers['set-cookie']).split(';')[0]!;
    const page = new URLSearchParams(String(signIn.headers.location).split('#')[1]).get('k') ?? '';
    return { server, calls, headers: { 'Content-Type': 'application/json', Origin: server.origin, Cookie: cookie, 'X-Tarmac-Page': page } };
  }

  it('cuts off a client that trickles its body', async () => {
    const { server } = await web();
    const port = portOf(server.origin);
    const head = ['POST /api/getStatus HTTP/1.1', `Host: 127.0.0.1:${port}`, 'Content-Type: application/json', 'Content-Length: 100000', '', ''].join('\r\n');
    const response = await trickle(port, head).closed;
    expect(response).toMatch(/^HTTP\/1\.1 (401|408)/);
  });

  it('answers a 100,000-deep body with 400, and the API never sees it', async () => {
    const { server, calls, headers } = await web();
    const res = await rawRequest(`${server.origin}/api/getStatus`, { headers, body: `{"args":${'['.repeat(100_000)}${']'.repeat(100_000)}}` });
    expect(res.status).toBe(400);
    expect(res.body).toMatch(/nested more than 64 levels/);
    expect(calls).toEqual([]);
    // Signed in as a page is: a shallow call goes through.
    expect((await rawRequest(`${server.origin}/api/getStatus`, { headers, body: '{"args":[]}' })).status).toBe(200);
    expect(calls).toEqual([[]]);
  });
});
