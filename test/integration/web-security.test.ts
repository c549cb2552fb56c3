import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ApiResult } from '../../src/shared/api.js';
import { rawRequest, type RawResponse } from '../helpers/raw-http.js';
import { startUi, type Ui } from '../e2e/harness.js';

/**
 * Browser mode's guard, request by request: the one-time link, the cookie, Host and Origin,
 * content type, arguments checked before anything runs, no CORS, a strict CSP.
 */
let ui: Ui;
let origin: string;
let secret: string;
let cookie: string;
/** The page's own secret, from the one-time link's redirect fragment. */
let pageSecret: string;

beforeAll(async () => {
  ui = await startUi({ sim: false });
  origin = ui.mode.origin;
  secret = new URL(ui.mode.url).searchParams.get('t')!;
});
afterAll(async () => {
  await ui?.stop();
});

/** The body of an API answer. */
const result = (res: RawResponse): ApiResult<unknown> => JSON.parse(res.body) as ApiResult<unknown>;

const api = (method: string, args: unknown[], headers: Record<string, string> = {}) =>
  rawRequest(`${origin}/api/${method}`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: origin, Cookie: cookie, 'X-Tarmac-Page': pageSecret, ...headers },
    body: JSON.stringify({ args }),
  });

describe('browser mode security', () => {
  it('nothing is served without the cookie: pages and API are 401', async () => {
    const page = await rawRequest(`${origin}/`, { method: 'GET' });
    expect(page.status).toBe(401);
    expect(page.body).toContain('tarmac ui');
    const call = await rawRequest(`${origin}/api/getStatus`, { headers: { 'Content-Type': 'application/json', Origin: origin }, body: '{"args":[]}' });
    expect(call.status).toBe(401);
  });

  it('a wrong secret is 401; the right one sets an HttpOnly SameSite=Strict cookie once; reusing it is 401', async () => {
    expect((await rawRequest(`${origin}/?t=wrong-secret`, { method: 'GET' })).status).toBe(401);
    const first = await rawRequest(`${origin}/?t=${secret}`, { method: 'GET' });
    expect(first.status).toBe(303);
    // The page secret rides in the fragment, which the browser never sends to any server.
    expect(first.headers.location).toMatch(/^\/#k=[\w-]{40,}$/);
    pageSecret = String(first.headers.location).slice('/#k='.length);
    const setCookie = String(first.headers['set-cookie']);
    expect(setCookie).toMatch(/^tarmac_ui=[\w-]{40,}; HttpOnly; SameSite=Strict; Path=\/$/);
    cookie = setCookie.split(';')[0]!;
    const again = await rawRequest(`${origin}/?t=${secret}`, { method: 'GET' });
    expect(again.status).toBe(401);
    expect(again.headers['set-cookie']).toBeUndefined();

    const page = await rawRequest(`${origin}/`, { method: 'GET', headers: { Cookie: cookie } });
    expect(page.status).toBe(200);
    expect(page.headers['content-security-policy']).toMatch(/script-src 'self';.*frame-ancestors 'none'/);
    expect(page.headers['x-frame-options']).toBe('DENY');
    expect(page.headers['access-control-allow-origin']).toBeUndefined();
    expect(page.body).not.toMatch(/<script>(?!<\/script>)/); // no inline script
  });

  it('a forged Host is 403 (DNS rebinding), whatever else the request has', async () => {
    const res = await api('getStatus', [], { Host: 'evil.example.com' });
    expect(res.status).toBe(403);
    const page = await rawRequest(`${origin}/?t=x`, { method: 'GET', headers: { Host: `evil.example.com:${new URL(origin).port}` } });
    expect(page.status).toBe(403);
  });

  it('a foreign Origin is 403, and a state-changing request without Origin is 403', async () => {
    expect((await api('getStatus', [], { Origin: 'http://evil.example.com' })).status).toBe(403);
    expect((await api('getStatus', [], { Origin: `http://127.0.0.1:${Number(new URL(origin).port) + 1}` })).status).toBe(403);
    const noOrigin = await rawRequest(`${origin}/api/getStatus`, { headers: { 'Content-Type': 'application/json', Cookie: cookie, 'X-Tarmac-Page': pageSecret }, body: '{"args":[]}' });
    expect(noOrigin.status).toBe(403);
  });

  it('only JSON is accepted (a form post cannot reach the API)', async () => {
    const res = await api('getStatus', [], { 'Content-Type': 'text/plain' });
    expect(res.status).toBe(415);
  });

  it('with the cookie and its own Origin the API answers as data, and checks every argument first', async () => {
    const status = await api('getStatus', []);
    expect(status.status).toBe(200);
    const body = result(status) as { ok: true; value: { endpoint: { state: string } } };
    expect(body.ok).toBe(true);
    expect(body.value.endpoint.state).toBe('running');

    const before = await ui.t.host.settings.read();
    const bad = result(await api('updateSettings', [{ port: 'eighty', theme: 'dark' }])) as { ok: false; error: { code: string; message: string } };
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(bad.error.message).toMatch(/not valid \(0\.port\).*Nothing was changed/);
    expect(await ui.t.host.settings.read()).toEqual(before);

    const extra = result(await api('updateSettings', [{ theme: 'dark', evil: true }])) as { ok: false; error: { code: string; message: string } };
    expect(extra).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const unknown = result(await api('deleteEverything', [])) as { ok: false; error: { code: string; message: string } };
    expect(unknown).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const proto = result(await api('__proto__', [])) as { ok: false; error: { code: string; message: string } };
    expect(proto).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const noProvider = result(await api('signOut', ['nope'])) as { ok: false; error: { code: string; message: string } };
    expect(noProvider).toMatchObject({ ok: false, error: { code: 'not-found' } });
  });

  it('static files stay inside the renderer folder', async () => {
    for (const path of ['/../package.json', '/%2e%2e/package.json', '/assets/../../package.json', '/%00']) {
      const res = await rawRequest(`${origin}${path}`, { method: 'GET', headers: { Cookie: cookie } });
      expect(res.status, path).toBe(404);
    }
  });

  it('pushes host changes to the page as server-sent events', async () => {
    const events: string[] = [];
    const req = request(`${origin}/api/events?k=${pageSecret}`, { headers: { Cookie: cookie } });
    let opened!: () => void;
    const open = new Promise<void>((resolve) => (opened = resolve));
    const stream = new Promise<void>((resolve) => {
      req.on('response', (res) => {
        expect(res.headers['content-type']).toBe('text/event-stream');
        res.on('data', (chunk: Buffer) => {
          events.push(chunk.toString('utf8'));
          opened(); // the first frame (retry:) says the stream is registered
          if (events.join('').includes('"settingsChanged"')) resolve();
        });
      });
    });
    req.end();
    await open;
    expect(result(await api('updateSettings', [{ theme: 'light' }]))).toMatchObject({ ok: true });
    await stream;
    req.destroy();
    expect(events.join('')).toMatch(/data: \{"type":"settingsChanged","data":\{.*"theme":"light"/);
    // An event stream without the cookie is refused like everything else.
    expect((await rawRequest(`${origin}/api/events`, { method: 'GET' })).status).toBe(401);
  });

  it('a leaked cookie alone opens nothing: API, events and export need the page secret', async () => {
    // What a web server on another localhost port receives from the browser, replayed with a forged Origin.
    const replay = (path: string, init: { method?: string; body?: string; headers?: Record<string, string> } = {}) =>
      rawRequest(`${origin}${path}`, { method: init.method ?? 'POST', headers: { 'Content-Type': 'application/json', Origin: origin, Cookie: cookie, ...init.headers }, ...(init.body ? { body: init.body } : {}) });
    expect((await replay('/api/getStatus', { body: '{"args":[]}' })).status).toBe(401);
    expect((await replay('/api/updateSettings', { body: '{"args":[{"flyctlPath":"/tmp/evil"}]}' })).status).toBe(401);
    expect((await replay('/api/getStatus', { body: '{"args":[]}', headers: { 'X-Tarmac-Page': 'guessed' } })).status).toBe(401);
    expect((await replay('/api/events', { method: 'GET' })).status).toBe(401);
    expect((await replay('/api/export?format=csv&filter=%7B%7D', { method: 'GET' })).status).toBe(401);
    expect((await replay('/api/export?format=csv&filter=%7B%7D&k=guessed', { method: 'GET' })).status).toBe(401);
    // A download never takes the secret from its URL (browsers keep those in history and file metadata).
    expect((await replay(`/api/export?format=csv&filter=%7B%7D&k=${pageSecret}`, { method: 'GET' })).status).toBe(401);
    expect((await replay('/api/export?format=csv&filter=%7B%7D', { method: 'GET', headers: { 'X-Tarmac-Page': pageSecret } })).status).toBe(200);
    // The page itself (static files) is not a secret; with the cookie it loads.
    expect((await replay('/', { method: 'GET' })).status).toBe(200);
    // With the secret, the same request works: the check is the secret, not something else.
    expect((await replay('/api/getStatus', { body: '{"args":[]}', headers: { 'X-Tarmac-Page': pageSecret } })).status).toBe(200);
  });
});

describe('tarmac ui', () => {
  it('serves the window with the MCP endpoint, prints the one-time link last on stdout, and stops on SIGTERM', async () => {
    const { spawn } = await import('node:child_process');
    const { mkdtemp, rm, writeFile } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const { createServer } = await import('node:net');
    const { cliCommand } = await import('../helpers/cli.js');
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-ui-cli-'));
    // The MCP endpoint on a free port of its own (the default 8276 may be someone's real Tarmac).
    const mcpPort = await new Promise<number>((resolve) => {
      const s = createServer().listen(0, '127.0.0.1', () => {
        const p = (s.address() as { port: number }).port;
        s.close(() => resolve(p));
      });
    });
    await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ port: mcpPort }));
    const { command, args } = cliCommand(['ui', '--no-open', '--port', '0', '--data-dir', dataDir]);
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PATH: process.env.PATH } });
    try {
      const link = await new Promise<string>((resolve, reject) => {
        let out = '';
        let err = '';
        const timer = setTimeout(() => reject(new Error(`no link: ${err}`)), 20_000);
        child.stderr.on('data', (d: Buffer) => (err += d.toString()));
        child.stdout.on('data', (d: Buffer) => {
          out += d.toString();
          const line = out.split('\n').find((l) => /^http:\/\/127\.0\.0\.1:\d+\/\?t=/.test(l));
          if (line) {
            clearTimeout(timer);
            resolve(line.trim());
          }
        });
      });
      const first = await rawRequest(link, { method: 'GET' });
      expect(first.status).toBe(303);
      const cookieHeader = String(first.headers['set-cookie']).split(';')[0]!;
      const secretHeader = String(first.headers.location).slice('/#k='.length);
      const origin = new URL(link).origin;
      const status = result(await rawRequest(`${origin}/api/getStatus`, { headers: { 'Content-Type': 'application/json', Origin: origin, Cookie: cookieHeader, 'X-Tarmac-Page': secretHeader }, body: '{"args":[]}' }));
      expect(status).toMatchObject({ ok: true, value: { endpoint: { state: 'running', url: `http://127.0.0.1:${mcpPort}/mcp` } } });
      const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
      child.kill('SIGTERM');
      expect(await exited).toBe(0);
    } finally {
      child.kill('SIGKILL');
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
