import { mkdtemp, rm } from 'node:fs/promises';
import { request } from 'node:http';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/client';
import { SSEClientTransport } from '@modelcontextprotocol/client';
import { createHost } from '../../src/main/host/index.js';
import { McpEndpoint } from '../../src/main/host/mcp/endpoint.js';
import { silentLog } from '../../src/main/host/log.js';
import { KeychainUnavailableError } from '../../src/main/host/secrets.js';
import { runCliProcess, startServe } from '../helpers/cli.js';
import { startTestHost, testKeychainService, type TestHost } from '../helpers/host.js';
import { INIT_BODY, mcpHeaders, openStream, rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { waitFor } from '../helpers/wait.js';
import { testTools } from '../fixtures/test-tools.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  while (cleanups.length) await cleanups.pop()!();
});

async function host(options: Parameters<typeof startTestHost>[0] = {}): Promise<TestHost> {
  const t = await startTestHost({ tools: testTools(), ...options });
  cleanups.push(() => t.stop());
  return t;
}

const init = (t: TestHost) => rawRequest(t.url, { headers: mcpHeaders(t.token), body: INIT_BODY });
const listWith = (t: TestHost, sessionId: string) =>
  rawRequest(t.url, {
    headers: mcpHeaders(t.token, { 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-11-25' }),
    body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
  });

interface LegacySession {
  status: number;
  /** POST a message to the session's /messages URL. */
  post(message: unknown): Promise<RawResponse>;
  /** Settles when the server ends the stream. */
  ended: Promise<void>;
  close(): void;
}

/** A legacy HTTP+SSE session opened by hand: GET /sse, then the URL its `endpoint` event names. */
function openLegacy(t: TestHost, token = t.token): Promise<LegacySession> {
  const base = t.url.replace(/\/mcp$/, '');
  return new Promise((resolve, reject) => {
    const req = request(`${base}/sse`, { method: 'GET', headers: { Accept: 'text/event-stream', Authorization: `Bearer ${token}` } }, (res) => {
      const ended = new Promise<void>((done) => {
        res.on('end', done);
        res.on('close', done);
        res.on('error', () => done());
      });
      const close = () => req.destroy();
      cleanups.push(async () => close());
      if (res.statusCode !== 200) {
        res.resume();
        return resolve({ status: res.statusCode ?? 0, post: () => Promise.reject(new Error('no session')), ended, close });
      }
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        text += chunk;
        const path = /event: endpoint\ndata: (\S+)/.exec(text)?.[1];
        if (!path) return;
        text = '';
        const post = (message: unknown) => rawRequest(new URL(path, base).href, { headers: mcpHeaders(token), body: JSON.stringify(message) });
        resolve({ status: 200, post, ended, close });
      });
    });
    req.on('error', reject);
    req.end();
  });
}

describe('legacy HTTP+SSE sessions', () => {
  it('count toward the per-client and total caps, and an idle one makes room', async () => {
    const t = await host({ maxSessions: 3, maxSessionsPerClient: 2, evictableAfterMs: 0 });
    const first = await openLegacy(t);
    const second = await openLegacy(t);
    expect([first.status, second.status]).toEqual([200, 200]);
    // The client's own cap (2): its least recently used idle legacy session goes.
    expect((await openLegacy(t)).status).toBe(200);
    await first.ended;
    expect(t.host.endpoint!.sessions().filter((s) => s.kind === 'sse')).toHaveLength(2);
    // Full (3 with another client's): a new 2025-era session still gets in.
    const other = await openLegacy(t, await t.tokenFor('other'));
    expect(other.status).toBe(200);
    expect((await init(t)).status).toBe(200);
    await second.ended;
  });

  it('are closed when idle, like Streamable HTTP sessions', async () => {
    const t = await host({ sessionIdleMs: 60_000 });
    const legacy = await openLegacy(t);
    expect(legacy.status).toBe(200);
    expect(t.host.endpoint!.reapIdle(Date.now() + 30_000)).toBe(0);
    expect(t.host.endpoint!.reapIdle(Date.now() + 60_001)).toBe(1);
    await legacy.ended;
    expect(t.host.endpoint!.sessionCount).toBe(0);
  });

  it('are busy while a request waits for its answer, and idle again once it is cancelled', async () => {
    const t = await host({ sessionIdleMs: 60_000 });
    const legacy = await openLegacy(t);
    expect((await legacy.post(JSON.parse(INIT_BODY))).status).toBe(202);
    expect((await legacy.post({ jsonrpc: '2.0', method: 'notifications/initialized' })).status).toBe(202);
    expect((await legacy.post({ jsonrpc: '2.0', id: 'call-1', method: 'tools/call', params: { name: 'slow', arguments: { ms: 20_011 } } })).status).toBe(202);
    await waitFor(() => t.activity().some((c) => c.tool === 'slow' && c.status === 'running'), 'the call running');
    const far = Date.now() + 3_600_000;
    expect(t.host.endpoint!.reapIdle(far)).toBe(0);
    await legacy.post({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 'call-1' } });
    expect(t.host.endpoint!.reapIdle(far)).toBe(1);
    await legacy.ended;
  });
});

describe('sessions', () => {
  it('does not push out a session that was in use a moment ago', async () => {
    const t = await host({ maxSessions: 2 });
    const first = String((await init(t)).headers['mcp-session-id']);
    await init(t);
    expect((await init(t)).status).toBe(503);
    expect((await listWith(t, first)).status).toBe(200);
  });

  it('answers 503 with a JSON-RPC error when every session is busy', async () => {
    const t = await host({ maxSessions: 2, evictableAfterMs: 0 });
    for (let i = 0; i < 2; i++) {
      const id = String((await init(t)).headers['mcp-session-id']);
      // An open standalone stream keeps a session busy: it is never closed to make room.
      const stream = await openStream(t.url, mcpHeaders(t.token, { 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': '2025-11-25' }));
      expect(stream.status).toBe(200);
      cleanups.push(async () => stream.close());
    }
    const over = await init(t);
    expect(over.status).toBe(503);
    expect(over.json()).toMatchObject({ jsonrpc: '2.0', error: { code: -32000 } });
    expect(over.json().error?.message).toMatch(/all 2 sessions are busy/);
    expect(over.headers['retry-after']).toBe('5');
  });

  it('keeps one client from taking every session: its own oldest idle session makes room first', async () => {
    const t = await host({ maxSessions: 3, maxSessionsPerClient: 2, evictableAfterMs: 0 });
    const a = await t.tokenFor('flappy');
    const initAs = (token: string) => rawRequest(t.url, { headers: mcpHeaders(token), body: INIT_BODY });
    const listAs = (token: string, id: string) =>
      rawRequest(t.url, {
        headers: mcpHeaders(token, { 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': '2025-11-25' }),
        body: JSON.stringify({ jsonrpc: '2.0', id: 7, method: 'tools/list' }),
      });
    const a1 = String((await initAs(a)).headers['mcp-session-id']);
    const a2 = String((await initAs(a)).headers['mcp-session-id']);
    const a3 = String((await initAs(a)).headers['mcp-session-id']);
    // The client's own limit (2): its least recently used session went.
    expect((await listAs(a, a1)).status).toBe(404);
    expect((await listAs(a, a3)).status).toBe(200);
    // Another client still gets in; when the server is full, the least recently used idle session goes.
    const b1 = String((await init(t)).headers['mcp-session-id']);
    expect((await listWith(t, b1)).status).toBe(200);
    const c = await t.tokenFor('third');
    expect((await initAs(c)).status).toBe(200);
    expect((await listAs(a, a2)).status).toBe(404);
    expect((await listAs(a, a3)).status).toBe(200);
  });

  it("closes a revoked client's open streams, not only its next request", async () => {
    const t = await host();
    const token = await t.tokenFor('revoked-soon');
    const id = String((await rawRequest(t.url, { headers: mcpHeaders(token), body: INIT_BODY })).headers['mcp-session-id']);
    const stream = await openStream(t.url, mcpHeaders(token, { 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': '2025-11-25' }));
    cleanups.push(async () => stream.close());
    expect(stream.status).toBe(200);
    await t.host.tokens.revoke('revoked-soon');
    // Any request (here another client's) makes the server look at the changed tokens.
    expect((await init(t)).status).toBe(200);
    await stream.ended;
    expect(t.host.endpoint!.sessions().some((s) => s.client === 'revoked-soon')).toBe(false);
  });

  it('reaps idle sessions, which then answer 404, and makes room for new ones', async () => {
    const t = await host({ maxSessions: 2, sessionIdleMs: 60_000 });
    const first = String((await init(t)).headers['mcp-session-id']);
    await init(t);
    expect((await listWith(t, first)).status).toBe(200);
    expect(t.host.endpoint!.reapIdle(Date.now() + 60_001)).toBe(2);
    expect((await listWith(t, first)).status).toBe(404);
    expect((await init(t)).status).toBe(200);
  });

  it('does not reap a session before its idle time', async () => {
    const t = await host({ sessionIdleMs: 60_000 });
    const id = String((await init(t)).headers['mcp-session-id']);
    expect(t.host.endpoint!.reapIdle(Date.now() + 30_000)).toBe(0);
    expect((await listWith(t, id)).status).toBe(200);
  });

  it('ends a session on DELETE', async () => {
    const t = await host();
    const id = String((await init(t)).headers['mcp-session-id']);
    const del = await rawRequest(t.url, { method: 'DELETE', headers: mcpHeaders(t.token, { 'Mcp-Session-Id': id, 'Mcp-Protocol-Version': '2025-11-25' }) });
    expect(del.status).toBe(200);
    expect((await listWith(t, id)).status).toBe(404);
    expect(t.host.endpoint!.sessionCount).toBe(0);
  });

  it('serves legacy HTTP+SSE clients', async () => {
    const t = await host();
    const client = new Client({ name: 'legacy', version: '1' });
    const transport = new SSEClientTransport(new URL(t.url.replace('/mcp', '/sse')), {
      requestInit: { headers: { Authorization: `Bearer ${t.token}` } },
      eventSourceInit: { fetch: (url, init) => fetch(url, { ...init, headers: { ...(init?.headers as Record<string, string>), Authorization: `Bearer ${t.token}` } }) },
    });
    await client.connect(transport);
    cleanups.push(() => client.close());
    const result = await client.callTool({ name: 'echo', arguments: { text: 'over sse' } });
    expect(result.structuredContent).toEqual({ text: 'over sse', length: 8 });
  });
});

describe('binding', () => {
  it('answers 503 while the keychain holding the client tokens is unavailable', async () => {
    const endpoint = new McpEndpoint({
      port: 0,
      authenticate: async () => {
        throw new KeychainUnavailableError('keychain read failed: locked');
      },
      createServer: () => {
        throw new Error('unused');
      },
      log: silentLog(),
    });
    const port = await endpoint.listen();
    cleanups.push(() => endpoint.close());
    const res = await rawRequest(`http://127.0.0.1:${port}/mcp`, { headers: mcpHeaders('tmc_whatever'), body: INIT_BODY });
    expect(res.status).toBe(503);
    expect(res.headers['retry-after']).toBe('5');
    expect(res.json().error?.message).toMatch(/Service unavailable: .*keychain/i);
  });

  it('refuses a non-loopback bind address', () => {
    expect(() => new McpEndpoint({ bindHost: '0.0.0.0', authenticate: null, createServer: () => { throw new Error('unused'); }, log: silentLog() })).toThrow(
      /only binds to a loopback address/,
    );
  });

  /** A port something else already listens on, and a data dir; both cleaned up after the test. */
  async function busyPort(): Promise<{ port: number; dataDir: string }> {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen(0, '127.0.0.1', r));
    cleanups.push(() => new Promise((r) => blocker.close(r)));
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-port-'));
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    return { port: (blocker.address() as { port: number }).port, dataDir };
  }

  it('names the port when it is in use', async () => {
    const { port, dataDir } = await busyPort();
    const h = createHost({ dataDir, port, keychainService: testKeychainService(), requireAuth: false });
    cleanups.push(() => h.stop());
    await expect(h.start()).rejects.toThrow(new RegExp(`Port ${port} on 127.0.0.1 is already in use`));
  });

  it('makes `tarmac serve` exit non-zero with the port in the message', async () => {
    const { port, dataDir } = await busyPort();
    const result = await runCliProcess(['serve', '--port', String(port), '--data-dir', dataDir], { env: { TARMAC_KEYCHAIN_SERVICE: testKeychainService() } });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`Port ${port} on 127.0.0.1 is already in use`);
  });
});

describe('client tokens across processes', () => {
  it('a running `tarmac serve` honours `tarmac token revoke` at once, and other clients keep working', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-serve-'));
    const env = { TARMAC_KEYCHAIN_SERVICE: testKeychainService() };
    cleanups.push(() => rm(dataDir, { recursive: true, force: true }));
    const create = async (name: string) => {
      const r = await runCliProcess(['token', 'create', name, '--data-dir', dataDir], { env });
      expect(r.code).toBe(0);
      const lines = r.stdout.trim().split('\n');
      return lines[lines.length - 1]!;
    };
    const cursor = await create('cursor');
    const claude = await create('claude-desktop');
    expect(cursor).toMatch(/^tmc_[A-Za-z0-9_-]{43}$/);
    cleanups.push(async () => {
      for (const name of ['cursor', 'claude-desktop', 'late']) await runCliProcess(['token', 'revoke', name, '--data-dir', dataDir], { env });
    });

    const serve = await startServe(['--port', '0', '--data-dir', dataDir], env);
    cleanups.push(() => serve.stop());
    const initWith = (token: string) => rawRequest(serve.url, { headers: mcpHeaders(token), body: INIT_BODY });

    expect((await initWith(cursor)).status).toBe(200);
    expect((await initWith(claude)).status).toBe(200);

    const list = await runCliProcess(['token', 'list', '--data-dir', dataDir], { env });
    expect(list.stdout).toMatch(/^claude-desktop\t.+\ncursor\t/);
    expect(list.stdout).not.toContain(cursor);

    const revoke = await runCliProcess(['token', 'revoke', 'cursor', '--data-dir', dataDir], { env });
    expect(revoke.code).toBe(0);
    expect((await initWith(cursor)).status).toBe(401);
    expect((await initWith(claude)).status).toBe(200);

    const late = await create('late');
    expect((await initWith(late)).status).toBe(200);
  });
});
