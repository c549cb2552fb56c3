import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { INIT_BODY, mcpHeaders, rawRequest } from '../helpers/raw-http.js';
import { testTools } from '../fixtures/test-tools.js';

// The seams the OAuth module plugs into: a routes hook for paths the endpoint does not own (run
// after the Host check, before Origin and bearer), and one function for the 401 answer's headers.
let t: TestHost;
let port: number;
const seen: string[] = [];
beforeAll(async () => {
  t = await startTestHost({
    tools: testTools(),
    async routes(_req: IncomingMessage, res: ServerResponse, path: string) {
      seen.push(path);
      if (path !== '/.well-known/oauth-protected-resource/mcp') return false;
      res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ resource: t.url }));
      return true;
    },
    unauthorizedHeaders: () => ({ status: 401, message: 'Unauthorized: sign in', headers: { 'WWW-Authenticate': 'Bearer resource_metadata="https://example.test/meta"' } }),
  });
  port = Number(new URL(t.url).port);
});
afterAll(async () => t?.stop());

const get = (path: string, headers: Record<string, string> = {}) =>
  rawRequest(`http://127.0.0.1:${port}${path}`, { method: 'GET', headers: { Host: `127.0.0.1:${port}`, ...headers } });

describe('endpoint seams', () => {
  it('hands paths it does not own to the routes hook, without a token', async () => {
    const res = await get('/.well-known/oauth-protected-resource/mcp');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toEqual({ resource: t.url });
  });

  it('answers 404, not 401, for discovery documents nobody serves', async () => {
    const res = await get('/.well-known/oauth-authorization-server');
    expect(res.status).toBe(404);
  });

  it('keeps the Host check in front of the hook', async () => {
    seen.length = 0;
    const res = await get('/.well-known/oauth-protected-resource/mcp', { Host: `evil.example:${port}` });
    expect(res.status).toBe(403);
    expect(seen).toEqual([]);
  });

  it('never offers /mcp to the hook, and takes the 401 headers from the one function', async () => {
    seen.length = 0;
    const res = await rawRequest(t.url, { headers: mcpHeaders(null), body: INIT_BODY });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer resource_metadata="https://example.test/meta"');
    expect(seen).toEqual([]);
  });

  it('still refuses unknown paths without a token', async () => {
    const res = await get('/register');
    expect(res.status).toBe(401);
  });
});
