import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import { execFileSync } from 'node:child_process';
import type { AddressInfo } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, UnauthorizedError } from '@modelcontextprotocol/client';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, type ServeProcess } from '../helpers/cli.js';
import { MemoryOAuthProvider, pkcePair, postForm, postJson, startCallback, type Callback } from '../helpers/oauth.js';
import { INIT_BODY, mcpHeaders, rawRequest } from '../helpers/raw-http.js';
import { installation, type Installation } from '../helpers/shipped.js';
import { launchChromium } from '../e2e/harness.js';

/**
 * The whole OAuth sign-in of an MCP client, against `tarmac serve` as it ships (bin/tarmac.js and
 * its bundle) and from source: RFC 9728 and RFC 8414 discovery, registration, PKCE, the consent
 * page clicked in Chromium, the code exchanged (RFC 9207 `iss` checked), the endpoint opened with
 * the token, refresh, revocation, a replayed code refused with its tokens revoked, and a client ID
 * metadata document Tarmac may not fetch explained on the page.
 */
let browser: Browser;
let callback: Callback;
/** An https server on loopback publishing a client ID metadata document (a private address). */
let metadataServer: HttpsServer;
let metadataOrigin: string;
let certDir: string;

beforeAll(async () => {
  callback = await startCallback();
  certDir = mkdtempSync(join(tmpdir(), 'tarmac-shipped-cimd-'));
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1',
    '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', join(certDir, 'key.pem'), '-out', join(certDir, 'cert.pem')], { stdio: 'ignore', timeout: 10_000 });
  metadataServer = createHttpsServer({ cert: readFileSync(join(certDir, 'cert.pem')), key: readFileSync(join(certDir, 'key.pem')) }, (req, res) => {
    const doc = { client_id: `${metadataOrigin}${req.url}`, client_name: 'Private Client', redirect_uris: [callback.url], token_endpoint_auth_method: 'none' };
    res.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify(doc));
  });
  await new Promise<void>((resolve) => metadataServer.listen(0, '127.0.0.1', resolve));
  metadataOrigin = `https://127.0.0.1:${(metadataServer.address() as AddressInfo).port}`;
  browser = await launchChromium();
});
afterAll(async () => {
  await browser?.close();
  await callback?.close();
  metadataServer?.closeAllConnections();
  await new Promise((resolve) => metadataServer?.close(resolve));
  if (certDir) rmSync(certDir, { recursive: true, force: true });
});

describe.each(BUILDS)('OAuth sign-in (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;
  let origin: string;

  beforeAll(async () => {
    inst = await installation(build);
    // The metadata server's certificate is trusted (as a public one would be), so what stops the
    // fetch is its address, not TLS.
    serve = await inst.serve({ NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') });
    origin = new URL(serve.url).origin;
  });
  afterAll(async () => {
    await serve?.stop();
    await inst?.cleanup();
  });

  async function openPage(url: string): Promise<Page> {
    const page = await (await browser.newContext()).newPage();
    await page.goto(url);
    return page;
  }

  /** A new SDK client signs in with the SDK's own OAuth flow; the person clicks `button`. */
  async function signIn(name: string, button: 'Allow' | 'Deny') {
    const provider = new MemoryOAuthProvider(callback.url, name);
    const transport = new StreamableHTTPClientTransport(new URL(serve.url), { authProvider: provider });
    await expect(new Client({ name, version: '1.0.0' }).connect(transport)).rejects.toBeInstanceOf(UnauthorizedError);
    const authUrl = provider.authorizationUrl!;
    expect(authUrl.origin).toBe(origin);
    expect(authUrl.searchParams.get('code_challenge_method')).toBe('S256');
    expect(authUrl.searchParams.get('resource')).toBe(serve.url);
    const page = await openPage(authUrl.href);
    await expect(page.locator('h1').textContent()).resolves.toContain(name);
    const answered = callback.next();
    await page.getByRole('button', { name: button }).click();
    const query = await answered;
    await page.context().close();
    return { provider, transport, query };
  }

  const connectWith = async (provider: MemoryOAuthProvider, name: string) => {
    const client = new Client({ name, version: '1.0.0' });
    await client.connect(new StreamableHTTPClientTransport(new URL(serve.url), { authProvider: provider }));
    return client;
  };
  const status = async (token: string) => (await rawRequest(serve.url, { headers: mcpHeaders(token), body: INIT_BODY })).status;

  it('serves discovery: a 401 names the resource metadata, which names the authorization server and its metadata', async () => {
    const unauthorized = await rawRequest(serve.url, { headers: mcpHeaders(null), body: INIT_BODY });
    expect(unauthorized.status).toBe(401);
    const prmUrl = /resource_metadata="([^"]+)"/.exec(String(unauthorized.headers['www-authenticate']))?.[1];
    expect(prmUrl).toBe(`${origin}/.well-known/oauth-protected-resource/mcp`);
    const prm = (await (await fetch(prmUrl!)).json()) as Record<string, unknown>;
    expect(prm).toMatchObject({ resource: serve.url, authorization_servers: [origin], scopes_supported: ['mcp'] });
    const res = await fetch(`${origin}/.well-known/oauth-authorization-server`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      issuer: origin,
      authorization_endpoint: `${origin}/authorize`,
      token_endpoint: `${origin}/token`,
      registration_endpoint: `${origin}/register`,
      revocation_endpoint: `${origin}/revoke`,
      code_challenge_methods_supported: ['S256'],
      token_endpoint_auth_methods_supported: ['none'],
      // 2026-07-28: metadata documents preferred, registration still offered, `iss` in every answer.
      client_id_metadata_document_supported: true,
      authorization_response_iss_parameter_supported: true,
    });
  });

  let provider: MemoryOAuthProvider;
  it('registers, is allowed on the consent page, exchanges the code (iss checked) and lists the tools with the token', async () => {
    const signed = await signIn('Shipped Client', 'Allow');
    provider = signed.provider;
    expect(signed.query.get('iss')).toBe(origin);
    expect((provider.info as Record<string, unknown> | undefined)?.application_type).toBe('native');
    await signed.transport.finishAuth(signed.query);
    expect(provider.saved?.refresh_token).toBeTruthy();
    const client = await connectWith(provider, 'Shipped Client');
    const { tools } = await client.listTools();
    expect(tools.map((t) => t.name)).toContain('fly-apps-list');
    await client.close();
    const list = await inst.run(['token', 'list']);
    expect(list.stdout).toMatch(/^shipped-client\toauth\t/m);
  });

  it('refreshes with a rotating refresh token; a replayed one ends the grant', async () => {
    const before = provider.saved!;
    provider.saved = { ...before, access_token: 'not-a-valid-token' };
    await (await connectWith(provider, 'Shipped Client')).close();
    const after = provider.saved;
    expect(after.access_token).not.toBe('not-a-valid-token');
    expect(after.refresh_token).not.toBe(before.refresh_token);
    expect(await status(after.access_token)).toBe(200);
    const reuse = await postForm(`${origin}/token`, { grant_type: 'refresh_token', refresh_token: before.refresh_token!, client_id: provider.info!.client_id });
    expect(reuse.body.error).toBe('invalid_grant');
    expect(await status(after.access_token)).toBe(401);
  });

  it('revokes a refresh token at /revoke (RFC 7009), which ends its access tokens too', async () => {
    const signed = await signIn('Revoking Client', 'Allow');
    await signed.transport.finishAuth(signed.query);
    const saved = signed.provider.saved!;
    expect(await status(saved.access_token)).toBe(200);
    const revoke = await fetch(`${origin}/revoke`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: saved.refresh_token!, token_type_hint: 'refresh_token', client_id: signed.provider.info!.client_id }),
    });
    expect(revoke.status).toBe(200);
    expect(await status(saved.access_token)).toBe(401);
    const refresh = await postForm(`${origin}/token`, { grant_type: 'refresh_token', refresh_token: saved.refresh_token!, client_id: signed.provider.info!.client_id });
    expect(refresh.body.error).toBe('invalid_grant');
  });

  it('refuses a replayed authorization code and revokes what the code gave', async () => {
    const reg = await postJson(`${origin}/register`, { client_name: 'Replay', redirect_uris: [callback.url], application_type: 'native' });
    expect(reg.status).toBe(201);
    const clientId = String(reg.body.client_id);
    const pkce = pkcePair();
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: callback.url, code_challenge: pkce.challenge, code_challenge_method: 'S256', scope: 'mcp', resource: serve.url, state: 's1' });
    const page = await openPage(`${origin}/authorize?${q}`);
    const answered = callback.next();
    await page.getByRole('button', { name: 'Allow' }).click();
    const query = await answered;
    await page.context().close();
    expect(query.get('iss')).toBe(origin);
    expect(query.get('state')).toBe('s1');
    const form = { grant_type: 'authorization_code', code: query.get('code')!, client_id: clientId, redirect_uri: callback.url, code_verifier: pkce.verifier };
    const first = await postForm(`${origin}/token`, form);
    expect(first.status).toBe(200);
    const token = String(first.body.access_token);
    expect(await status(token)).toBe(200);
    const again = await postForm(`${origin}/token`, form);
    expect(again.body.error).toBe('invalid_grant');
    expect(await status(token)).toBe(401);
  });

  it('`tarmac token revoke` ends an OAuth client at once', async () => {
    const signed = await signIn('Short Lived', 'Allow');
    await signed.transport.finishAuth(signed.query);
    expect(await status(signed.provider.saved!.access_token)).toBe(200);
    const revoked = await inst.run(['token', 'revoke', 'short-lived']);
    expect(revoked.code, revoked.stderr).toBe(0);
    expect(await status(signed.provider.saved!.access_token)).toBe(401);
  });

  it('Deny sends access_denied (with iss) and gives nothing', async () => {
    const { query } = await signIn('Denied', 'Deny');
    expect(query.get('error')).toBe('access_denied');
    expect(query.get('iss')).toBe(origin);
    expect(query.get('code')).toBeNull();
  });

  it('honours application_type: kept as registered, inferred when missing, and a web app may not take a loopback redirect', async () => {
    const inferred = await postJson(`${origin}/register`, { client_name: 'Older Client', redirect_uris: [callback.url] });
    expect(inferred.body.application_type).toBe('native');
    const web = await postJson(`${origin}/register`, { client_name: 'Web App', redirect_uris: ['https://app.example/callback'], application_type: 'web' });
    expect(web.status).toBe(201);
    expect(web.body.application_type).toBe('web');
    const wrong = await postJson(`${origin}/register`, { client_name: 'Confused', redirect_uris: [callback.url], application_type: 'web' });
    expect(wrong.status).toBe(400);
    expect(String(wrong.body.error_description)).toContain('application_type "native"');
    const nativeHttps = await postJson(`${origin}/register`, { client_name: 'Native', redirect_uris: ['https://127.0.0.1/callback'], application_type: 'native' });
    expect(nativeHttps.status).toBe(400);
  });

  it('binds tokens to their issuer: served from another port, the tokens given before open nothing', async () => {
    const signed = await signIn('Bound Client', 'Allow');
    await signed.transport.finishAuth(signed.query);
    const saved = signed.provider.saved!;
    const clientId = signed.provider.info!.client_id;
    await serve.stop();
    // The same data dir and keychain; the OS picks another port, so another issuer.
    serve = await inst.serve({ NODE_EXTRA_CA_CERTS: join(certDir, 'cert.pem') });
    const moved = new URL(serve.url).origin;
    expect(moved).not.toBe(origin);
    expect(await status(saved.access_token)).toBe(401);
    const refresh = await postForm(`${moved}/token`, { grant_type: 'refresh_token', refresh_token: saved.refresh_token!, client_id: clientId });
    expect(refresh.status).toBe(400);
    expect(refresh.body.error).toBe('invalid_grant');
    origin = moved;
  });

  it('says on the page which client metadata document failed and why (a private address is never fetched)', async () => {
    const clientId = `${metadataOrigin}/client.json`;
    const pkce = pkcePair();
    const q = new URLSearchParams({ response_type: 'code', client_id: clientId, redirect_uri: callback.url, code_challenge: pkce.challenge, code_challenge_method: 'S256', scope: 'mcp', resource: serve.url });
    const page = await openPage(`${origin}/authorize?${q}`);
    const text = (await page.locator('main').textContent()) ?? '';
    expect(text).toContain(clientId);
    expect(text).toMatch(/is a local or private network address/);
    expect(text).toMatch(/Start the sign-in again/);
    await page.context().close();
    // Offline (nothing answers at that name) reads differently.
    const offline = await openPage(`${origin}/authorize?${new URLSearchParams({ ...Object.fromEntries(q), client_id: 'https://client.invalid/metadata.json' })}`);
    const offlineText = (await offline.locator('main').textContent()) ?? '';
    expect(offlineText).toContain('https://client.invalid/metadata.json');
    expect(offlineText).toMatch(/could not be looked up/);
    await offline.context().close();
  });
});
