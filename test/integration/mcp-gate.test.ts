import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { INIT_BODY, mcpHeaders, rawRequest } from '../helpers/raw-http.js';
import { testTools } from '../fixtures/test-tools.js';

let t: TestHost;
let port: number;
beforeAll(async () => {
  t = await startTestHost({ tools: testTools() });
  port = Number(new URL(t.url).port);
});
afterAll(async () => t?.stop());

const post = (headers: Record<string, string>, body = INIT_BODY) => rawRequest(t.url, { headers, body });

describe('the security gate in front of /mcp', () => {
  it('accepts a valid request and mints a session', async () => {
    const res = await post(mcpHeaders(t.token));
    expect(res.status).toBe(200);
    expect(res.headers['mcp-session-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.headers['access-control-allow-origin']).toBeUndefined();
  });

  it.each([
    ['127.0.0.1', () => `127.0.0.1:${port}`],
    ['localhost', () => `localhost:${port}`],
    ['[::1]', () => `[::1]:${port}`],
  ])('accepts Host %s with the right port', async (_name, host) => {
    const res = await post(mcpHeaders(t.token, { Host: host() }));
    expect(res.status).toBe(200);
  });

  it.each([
    ['a rebinding host name', () => 'evil.example'],
    ['a rebinding host with our port', () => `evil.example:${port}`],
    ['loopback with another port', () => `127.0.0.1:${port + 1}`],
    ['a LAN address', () => `192.168.1.20:${port}`],
  ])('refuses %s with 403 even with a valid token', async (_name, host) => {
    const res = await post(mcpHeaders(t.token, { Host: host() }));
    expect(res.status).toBe(403);
    expect(res.json().error?.message).toMatch(/Host/);
  });

  it.each(['http://evil.example', 'null', 'https://localhost.evil.example', 'file://', 'http://localhost:3000', 'http://127.0.0.1'])('refuses Origin %s with 403', async (origin) => {
    const res = await post(mcpHeaders(t.token, { Origin: origin }));
    expect(res.status).toBe(403);
    expect(res.json().error?.message).toMatch(/Origin/);
  });

  it.each(['localhost', '127.0.0.1', '[::1]'])("accepts the server's own Origin on %s", async (name) => {
    const res = await post(mcpHeaders(t.token, { Origin: `http://${name}:${port}` }));
    expect(res.status).toBe(200);
  });

  it('asks for a token with 401 and WWW-Authenticate pointing at the OAuth metadata (RFC 9728)', async () => {
    const res = await post(mcpHeaders(null));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="tarmac", resource_metadata="http://127.0.0.1:${port}/.well-known/oauth-protected-resource/mcp", scope="mcp"`,
    );
  });

  it('refuses a wrong token with 401 invalid_token', async () => {
    const res = await post(mcpHeaders('tmc_not-a-real-token'));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toMatch(/error="invalid_token"/);
  });

  it('never reads a token from the query string', async () => {
    const res = await rawRequest(`${t.url}?token=${t.token}`, { headers: mcpHeaders(null), body: INIT_BODY });
    expect(res.status).toBe(401);
    expect(res.json().error?.message).toMatch(/tokens in the URL are refused/);
  });

  it('refuses a non-JSON content type with 415', async () => {
    const res = await post(mcpHeaders(t.token, { 'Content-Type': 'text/plain' }));
    expect(res.status).toBe(415);
  });

  it('refuses a body over 4 MiB with 413', async () => {
    const big = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping', params: { pad: 'x'.repeat(4 * 1024 * 1024) } });
    const res = await post(mcpHeaders(t.token), big);
    expect(res.status).toBe(413);
  });

  it('refuses a chunked body (no Content-Length) once it passes 4 MiB, and keeps serving', async () => {
    const { request } = await import('node:http');
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(t.url, { method: 'POST', headers: { ...mcpHeaders(t.token), 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      // The server may close the connection while we still write: only the answer matters.
      req.on('error', (err) => (/EPIPE|ECONNRESET/.test(String(err)) ? undefined : reject(err)));
      const chunk = 'x'.repeat(256 * 1024);
      let sent = 0;
      const pump = () => {
        while (sent < 5 * 1024 * 1024) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      pump();
    });
    expect(status).toBe(413);
    expect((await post(mcpHeaders(t.token))).status).toBe(200);
  });

  it('answers malformed JSON with a parse error', async () => {
    const res = await post(mcpHeaders(t.token), '{"jsonrpc":');
    expect(res.status).toBe(400);
    expect(res.json().error?.code).toBe(-32700);
  });

  it('answers a non-initialize request without a session with 400', async () => {
    const res = await post(mcpHeaders(t.token), JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));
    expect(res.status).toBe(400);
  });

  it('answers an unknown session with 404', async () => {
    const res = await post(mcpHeaders(t.token, { 'Mcp-Session-Id': '00000000-0000-0000-0000-000000000000' }), JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));
    expect(res.status).toBe(404);
  });

  it("answers another client's session with 404, as if unknown", async () => {
    const init = await post(mcpHeaders(t.token));
    const sessionId = String(init.headers['mcp-session-id']);
    const other = await t.tokenFor('intruder');
    const res = await post(mcpHeaders(other, { 'Mcp-Session-Id': sessionId, 'Mcp-Protocol-Version': '2025-11-25' }), JSON.stringify({ jsonrpc: '2.0', id: 2, method: 'tools/list' }));
    expect(res.status).toBe(404);
  });

  it('answers unknown paths with 404 and other methods with 405', async () => {
    expect((await rawRequest(t.url.replace('/mcp', '/admin'), { method: 'GET', headers: mcpHeaders(t.token) })).status).toBe(404);
    const put = await rawRequest(t.url, { method: 'PUT', headers: mcpHeaders(t.token), body: '{}' });
    expect(put.status).toBe(405);
  });

  it('puts the legacy SSE endpoint behind the same gate', async () => {
    const sse = t.url.replace('/mcp', '/sse');
    expect((await rawRequest(sse, { method: 'GET', headers: { Accept: 'text/event-stream' } })).status).toBe(401);
    expect((await rawRequest(sse, { method: 'GET', headers: { Accept: 'text/event-stream', Authorization: `Bearer ${t.token}`, Origin: 'http://evil.example' } })).status).toBe(403);
    const ok = await rawRequest(sse, { method: 'GET', headers: { Accept: 'text/event-stream', Authorization: `Bearer ${t.token}` }, readFirstChunkOnly: true });
    expect(ok.status).toBe(200);
    expect(ok.body).toMatch(/event: endpoint\ndata: \/messages\?sessionId=/);
  });
});
