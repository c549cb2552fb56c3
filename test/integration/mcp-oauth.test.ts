import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttpsServer, request as httpsRequest, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { runCliProcess } from '../helpers/cli.js';
import { MemoryOAuthProvider, pkcePair, postForm, postJson, startCallback, type Callback } from '../helpers/oauth.js';
import { INIT_BODY, mcpHeaders, rawRequest } from '../helpers/raw-http.js';
import { testTools } from '../fixtures/test-tools.js';

/**
 * OAuth sign-in of MCP clients end to end: the MCP SDK client's OAuth provider registers
 * (RFC 7591), authorizes with PKCE in a real Chromium where the consent page is clicked, calls
 * tools, refreshes; and each way in that must be refused is.
 */

let t: TestHost;
let origin: string;
let browser: Browser;
let callback: Callback;
/** A loopback https server publishing client ID metadata documents, with its own self-signed certificate. */
let metadataServer: HttpsServer;
let metadataOrigin: string;
let certDir: string;
/** Set TARMAC_SCREENSHOT_DIR to keep pictures of the consent page (light and dark). */
const screenshotDir = process.env.TARMAC_SCREENSHOT_DIR;

beforeAll(async () => {
  callback = await startCallback();
  certDir = mkdtempSync(join(tmpdir(), 'tarmac-cimd-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore', timeout: 10_000 });
  const cert = readFileSync(join(certDir, 'cert.pem'), 'utf8');
  metadataServer = createHttpsServer({ cert, key: readFileSync(join(certDir, 'key.pem'), 'utf8') }, (req, res) => {
    const id = `${metadataOrigin}${req.url}`;
    const redirect = req.url === '/bad-redirect.json' ? 'http://evil.example/callback' : callback.url;
    const doc = { client_id: id, client_name: 'Metadata Client', redirect_uris: [redirect], grant_types: ['authorization_code', 'refresh_token'], response_types: ['code'], token_endpoint_auth_method: 'none' };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
  metadataOrigin = `https://127.0.0.1:${(metadataServer.address() as AddressInfo).port}`;
  // Test-only trust: production fetches metadata documents with oidc-provider's SSRF-guarded fetch.
  t = await startTestHost({ tools: testTools(), oauthFetch: trustingFetch(cert) });
  origin = new URL(t.url).origin;
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
});
afterAll(async () => {
  await browser?.close();
  await callback?.close();
  await t?.stop();
  metadataServer?.closeAllConnections();
  await new Promise((resolve) => metadataServer?.close(resolve));
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

/** fetch over node:https that trusts one extra CA (the loopback metadata server's certificate). */
function trustingFetch(ca: string): typeof fetch {
  return (input, init) =>
    new Promise((resolve, reject) => {
      const url = new URL(input instanceof Request ? input.url : String(input));
      const req = httpsRequest(url, { method: init?.method ?? 'GET', ca, headers: Object.fromEntries(new Headers(init?.headers)), timeout: 5_000 }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers = new Headers();
          for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) headers.set(k, Array.isArray(v) ? v.join(', ') : v);
          resolve(new Response(Buffer.concat(chunks), { status: res.statusCode ?? 500, headers }));
        });
      });
      req.on('timeout', () => req.destroy(new Error('timeout')));
      req.on('error', reject);
      req.end();
    });
}

const cliEnv = () => ({ TARMAC_KEYCHAIN_SERVICE: t.secrets.service });

/** Opens a URL in a fresh browser context (its own cookies), as the system browser would. */
async function openPage(url: string, colorScheme: 'light' | 'dark' = 'light'): Promise<{ page: Page; headers: Record<string, string> }> {
  const context = await browser.newContext({ colorScheme });
  const page = await context.newPage();
  const response = await page.goto(url);
  expect(response?.status()).toBe(200);
  return { page, headers: await response!.allHeaders() };
}

/** Signs a new SDK client in with the SDK's own OAuth flow, clicking the given button on the consent page. */
async function signIn(name: string, button: 'Allow' | 'Deny') {
  const provider = new MemoryOAuthProvider(callback.url, name);
  const transport = new StreamableHTTPClientTransport(new URL(t.url), { authProvider: provider });
  const client = new Client({ name, version: '1.0.0' });
  await expect(client.connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
  expect(provider.info?.client_id).toBeTruthy();
  const authUrl = provider.authorizationUrl!;
  expect(authUrl.origin).toBe(origin);
  expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
  expect(authUrl.searchParams.get('resource')).toBe(t.url);
  const { page } = await openPage(authUrl.href);
  await expect(page.locator('h1').textContent()).resolves.toContain(name);
  const answered = callback.next();
  await page.getByRole('button', { name: button }).click();
  const query = await answered;
  await page.context().close();
  return { provider, transport, query };
}

async function connectWith(provider: MemoryOAuthProvider, name: string): Promise<Client> {
  const client = new Client({ name, version: '1.0.0' });
  await client.connect(new StreamableHTTPClientTransport(new URL(t.url), { authProvider: provider }));
  return client;
}

describe('discovery', () => {
  it('answers the well-known documents without a token, and 404 for the rest', async () => {
    for (const path of ['/.well-known/oauth-protected-resource/mcp', '/.well-known/oauth-protected-resource']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ resource: t.url, authorization_servers: [origin], scopes_supported: ['mcp'] });
    }
    const as = (await (await fetch(`${origin}/.well-known/oauth-authorization-server`)).json()) as Record<string, unknown>;
    expect(as).toMatchObject({
      issuer: origin,
      authorization_endpoint: `${origin}/authorize`,
      token_endpoint: `${origin}/token`,
      registration_endpoint: `${origin}/register`,
      code_challenge_methods_supported: ['S256'],
      response_types_supported: ['code'],
      token_endpoint_auth_methods_supported: ['none'],
      client_id_metadata_document_supported: true,
    });
    expect((await fetch(`${origin}/.well-known/openid-configuration`)).status).toBe(200);
    for (const path of ['/.well-known/oauth-authorization-server/mcp', '/.well-known/security.txt', '/.well-known/']) {
      const res = await fetch(`${origin}${path}`);
      expect(res.status, path).toBe(404);
    }
  });

  it('points a 401 at the protected-resource metadata, under the host the client used', async () => {
    const port = new URL(t.url).port;
    const res = await rawRequest(t.url, { headers: mcpHeaders(null, { Host: `localhost:${port}` }), body: INIT_BODY });
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toBe(
      `Bearer realm="tarmac", resource_metadata="http://localhost:${port}/.well-known/oauth-protected-resource/mcp", scope="mcp"`,
    );
    const prm = (await (await fetch(`http://localhost:${port}/.well-known/oauth-protected-resource/mcp`)).json()) as Record<string, unknown>;
    expect(prm.resource).toBe(`http://localhost:${port}/mcp`);
  });
});

describe('the SDK client signs in with OAuth', () => {
  let provider: MemoryOAuthProvider;
  let clientName: string;

  it('registers, is allowed on the consent page, lists and calls tools', async () => {
    const signed = await signIn('OAuth Test Client', 'Allow');
    provider = signed.provider;
    expect(signed.query.get('code')).toBeTruthy();
    expect(signed.query.get('iss')).toBe(origin);
    await signed.transport.finishAuth(signed.query);
    expect(provider.saved?.access_token).toBeTruthy();
    expect(provider.saved?.refresh_token).toBeTruthy();
    expect(provider.saved?.expires_in).toBe(3600);

    const client = await connectWith(provider, 'OAuth Test Client');
    const tools = await client.listTools();
    expect(tools.tools.map((tool) => tool.name)).toContain('echo');
    const result = await client.callTool({ name: 'echo', arguments: { text: 'over oauth' } });
    expect(JSON.stringify(result.content)).toContain('over oauth');
    await client.close();

    // One list for both kinds of client; the activity log names the OAuth client readably.
    const list = await t.host.clients.list();
    const entry = list.find((c) => c.kind === 'oauth');
    expect(entry?.name).toBe('oauth-test-client');
    clientName = entry!.name;
    expect(list.find((c) => c.name === 'test')?.kind).toBe('token');
    expect(t.activity().some((call) => call.client === clientName && call.tool === 'echo')).toBe(true);
  });

  it('keeps only hashes in the keychain, never a usable token', async () => {
    const accounts = await t.secrets.list('oauth:');
    expect(accounts.some((a) => a.startsWith('oauth:AccessToken:'))).toBe(true);
    const values = await t.secrets.entries('oauth:');
    const everything = accounts.join('\n') + values.map((v) => v.value).join('\n');
    expect(everything).not.toContain(provider.saved!.access_token);
    expect(everything).not.toContain(provider.saved!.refresh_token!);
  });

  it('refreshes a rejected access token with a rotating refresh token; a replayed one ends the grant', async () => {
    const before = provider.saved!;
    provider.saved = { ...before, access_token: 'not-a-valid-token' };
    const client = await connectWith(provider, 'OAuth Test Client');
    await client.callTool({ name: 'echo', arguments: { text: 'after refresh' } });
    await client.close();
    const after = provider.saved;
    expect(after.access_token).not.toBe('not-a-valid-token');
    expect(after.refresh_token).toBeTruthy();
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect((await rawRequest(t.url, { headers: mcpHeaders(after.access_token), body: INIT_BODY })).status).toBe(200);
    // The old refresh token was used up by the rotation; replaying it revokes the whole grant.
    const reuse = await postForm(`${origin}/token`, { grant_type: 'refresh_token', refresh_token: before.refresh_token!, client_id: provider.info!.client_id });
    expect(reuse.status, JSON.stringify(reuse.body)).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    expect((await rawRequest(t.url, { headers: mcpHeaders(after.access_token), body: INIT_BODY })).status).toBe(401);
  });

  it('lists the client with `tarmac token list`, and `tarmac token revoke` in another process kills its tokens at once', async () => {
    const signed = await signIn('Revoke Me', 'Allow');
    await signed.transport.finishAuth(signed.query);
    const saved = signed.provider.saved!;
    const ok = await rawRequest(t.url, { headers: mcpHeaders(saved.access_token), body: INIT_BODY });
    expect(ok.status).toBe(200);

    const list = await runCliProcess(['token', 'list', '--data-dir', t.dataDir], { env: cliEnv() });
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^revoke-me\toauth\t\d{4}-\S+\t\d{4}-/m);
    expect(list.stdout).toMatch(new RegExp(`^${clientName}\\toauth\\t`, 'm'));
    expect(list.stdout).toMatch(/^test\ttoken\t/m);

    const revoke = await runCliProcess(['token', 'revoke', 'revoke-me', '--data-dir', t.dataDir], { env: cliEnv() });
    expect(revoke.code).toBe(0);
    const refused = await rawRequest(t.url, { headers: mcpHeaders(saved.access_token), body: INIT_BODY });
    expect(refused.status).toBe(401);
    expect(refused.headers['www-authenticate']).toContain('error="invalid_token"');
    const refresh = await postForm(`${origin}/token`, { grant_type: 'refresh_token', refresh_token: saved.refresh_token!, client_id: signed.provider.info!.client_id });
    // The client itself is gone: invalid_client (401) rather than invalid_grant.
    expect(refresh.status).toBe(401);
    expect(refresh.body.error).toBe('invalid_client');
    expect((await t.host.clients.list()).some((c) => c.name === 'revoke-me')).toBe(false);
    // Nothing of it is left in the keychain.
    const left = await t.secrets.entries('oauth:');
    expect(left.filter((e) => e.value.includes(signed.provider.info!.client_id))).toEqual([]);
    // Static tokens keep working.
    expect((await rawRequest(t.url, { headers: mcpHeaders(t.token), body: INIT_BODY })).status).toBe(200);
  });

  it('Deny sends the client access_denied and gives it nothing', async () => {
    const { query } = await signIn('Denied Client', 'Deny');
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('code')).toBeNull();
    expect((await t.host.clients.list()).some((c) => c.name.startsWith('denied-client'))).toBe(false);
  });
});

describe('refusals', () => {
  const register = (redirect: string) => postJson(`${origin}/register`, { client_name: 'Probe', redirect_uris: [redirect] });

  it.each(['http://evil.example/callback', 'http://192.168.1.20:8080/callback', 'com.example.app:/callback', 'javascript:alert(1)'])(
    'refuses to register the redirect URI %s',
    async (redirect) => {
      const res = await register(redirect);
      expect(res.status).toBe(400);
      expect(['invalid_redirect_uri', 'invalid_client_metadata']).toContain(res.body.error);
    },
  );

  it.each(['http://127.0.0.1:1234/cb', 'http://localhost/cb', 'http://[::1]:9/cb', 'https://app.example/cb'])('registers the redirect URI %s', async (redirect) => {
    const res = await register(redirect);
    expect(res.status).toBe(201);
    expect(res.body.token_endpoint_auth_method).toBe('none');
    expect(res.body.registration_access_token).toBeUndefined();
  });

  /** A registered client and an authorization URL for it, PKCE S256. */
  async function authorizeUrl(resource: string, extra: Record<string, string> = {}) {
    const reg = await register(callback.url);
    const pkce = pkcePair();
    const clientId = String(reg.body.client_id);
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callback.url,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      scope: 'mcp',
      resource,
      state: 'st',
      ...extra,
    });
    return { url: `${origin}/authorize?${q}`, clientId, pkce };
  }

  it('refuses a resource other than this endpoint, at authorization and at the token endpoint', async () => {
    const wrong = await authorizeUrl('https://evil.example/mcp');
    const res = await fetch(wrong.url, { redirect: 'manual' });
    const location = new URL(res.headers.get('location')!);
    expect(location.origin + location.pathname).toBe(callback.url);
    expect(location.searchParams.get('error')).toBe('invalid_target');

    const { code, clientId, pkce } = await codeFor(await authorizeUrl(t.url));
    const exchange = await postForm(`${origin}/token`, {
      grant_type: 'authorization_code',
      code,
      client_id: clientId,
      redirect_uri: callback.url,
      code_verifier: pkce.verifier,
      resource: `http://127.0.0.1:${Number(new URL(t.url).port) + 1}/mcp`,
    });
    expect(exchange.status).toBe(400);
    expect(exchange.body.error).toBe('invalid_target');
  });

  it('refuses a plain PKCE method and a missing challenge', async () => {
    const cases: Array<Record<string, string>> = [{ code_challenge_method: 'plain' }, { code_challenge: '' }];
    for (const extra of cases) {
      const { url } = await authorizeUrl(t.url, extra);
      const res = await fetch(url, { redirect: 'manual' });
      const location = new URL(res.headers.get('location')!);
      expect(location.searchParams.get('error')).toBe('invalid_request');
    }
  });

  it('refuses a reused authorization code, and revokes what the code gave', async () => {
    const { code, clientId, pkce } = await codeFor(await authorizeUrl(t.url));
    const form = { grant_type: 'authorization_code', code, client_id: clientId, redirect_uri: callback.url, code_verifier: pkce.verifier };
    const first = await postForm(`${origin}/token`, form);
    expect(first.status).toBe(200);
    const token = String(first.body.access_token);
    expect((await rawRequest(t.url, { headers: mcpHeaders(token), body: INIT_BODY })).status).toBe(200);
    const again = await postForm(`${origin}/token`, form);
    expect(again.status).toBe(400);
    expect(again.body.error).toBe('invalid_grant');
    expect((await rawRequest(t.url, { headers: mcpHeaders(token), body: INIT_BODY })).status).toBe(401);
  });

  it('refuses a consent POST without the interaction CSRF token, or from another origin', async () => {
    const { url } = await authorizeUrl(t.url);
    const { page } = await openPage(url);
    await page.locator('input[name=csrf]').evaluate((el) => {
      (el as unknown as { value: string }).value = 'forged';
    });
    const [response] = await Promise.all([page.waitForResponse((r) => r.request().method() === 'POST'), page.getByRole('button', { name: 'Allow' }).click()]);
    expect(response.status()).toBe(403);
    await expect(page.locator('h1').textContent()).resolves.toBe('Request refused');
    await page.context().close();

    const consent = new URL((await fetch(url, { redirect: 'manual' })).headers.get('location')!, origin);
    const foreign = await fetch(consent, { method: 'POST', headers: { origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=allow' });
    expect(foreign.status).toBe(403);
    const noCookie = await fetch(consent, { method: 'POST', headers: { origin, 'content-type': 'application/x-www-form-urlencoded' }, body: 'decision=allow' });
    expect(noCookie.status).toBe(400);
  });

  it('serves the consent page unframeable, with a strict CSP and no inline script', async () => {
    const { url } = await authorizeUrl(t.url);
    const { page, headers } = await openPage(url);
    expect(headers['x-frame-options']).toBe('DENY');
    const csp = headers['content-security-policy']!;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("default-src 'none'");
    expect(csp).not.toContain('unsafe-inline');
    expect(csp).toContain(`form-action 'self' ${new URL(callback.url).origin}`);
    expect(headers['cache-control']).toBe('no-store');
    expect(await page.locator('script').count()).toBe(0);
    await expect(page.locator('.facts').textContent()).resolves.toContain(t.url);
    // The stylesheet loaded under that CSP: the card is styled.
    const style = await page.locator('.card').evaluate((el) => (globalThis as unknown as BrowserWindow).getComputedStyle(el).borderRadius);
    expect(style).toBe('14px');
    if (screenshotDir) {
      mkdirSync(screenshotDir, { recursive: true });
      await page.screenshot({ path: `${screenshotDir}/consent-light.png` });
      const dark = await openPage(url.replace('state=st', 'state=dark'), 'dark');
      await dark.page.screenshot({ path: `${screenshotDir}/consent-dark.png` });
      await dark.page.context().close();
    }
    await page.context().close();
  });
});

describe('client ID metadata documents', () => {
  const authorize = (clientId: string, pkce: { challenge: string }) =>
    `${origin}/authorize?${new URLSearchParams({
      response_type: 'code',
      client_id: clientId,
      redirect_uri: callback.url,
      code_challenge: pkce.challenge,
      code_challenge_method: 'S256',
      scope: 'mcp',
      resource: t.url,
    })}`;

  it('signs in a client identified by an https URL, showing where its document came from', async () => {
    const clientId = `${metadataOrigin}/client.json`;
    const pkce = pkcePair();
    const { page } = await openPage(authorize(clientId, pkce));
    const facts = await page.locator('.facts').textContent();
    expect(facts).toContain('Metadata Client');
    expect(facts).toContain(`identified by ${new URL(metadataOrigin).host}`);
    const answered = callback.next();
    await page.getByRole('button', { name: 'Allow' }).click();
    const code = (await answered).get('code');
    await page.context().close();
    expect(code).toBeTruthy();
    const tokens = await postForm(`${origin}/token`, { grant_type: 'authorization_code', code: code!, client_id: clientId, redirect_uri: callback.url, code_verifier: pkce.verifier });
    expect(tokens.status).toBe(200);
    expect((await rawRequest(t.url, { headers: mcpHeaders(String(tokens.body.access_token)), body: INIT_BODY })).status).toBe(200);
    expect((await t.host.clients.list()).find((c) => c.name === 'metadata-client')?.kind).toBe('oauth');
  });

  it('refuses a metadata document with a non-loopback http redirect', async () => {
    const res = await fetch(authorize(`${metadataOrigin}/bad-redirect.json`, pkcePair()), { redirect: 'manual' });
    expect(res.status).toBe(400);
    expect(res.headers.get('location')).toBeNull();
    expect(await res.text()).toContain('redirect_uris must be http on a loopback address');
  });
});

/** The one browser global used in page functions (the tests compile without the DOM library). */
interface BrowserWindow {
  getComputedStyle(element: unknown): { borderRadius: string };
}

/** Drives the consent page for an authorization URL and returns the code it gives. */
async function codeFor(auth: { url: string; clientId: string; pkce: { verifier: string; challenge: string } }) {
  const { page } = await openPage(auth.url);
  const answered = callback.next();
  await page.getByRole('button', { name: 'Allow' }).click();
  const query = await answered;
  await page.context().close();
  const code = query.get('code');
  expect(code, query.toString()).toBeTruthy();
  return { code: code!, clientId: auth.clientId, pkce: auth.pkce };
}
