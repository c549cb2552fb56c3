import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createHost } from '../../src/main/host/index.js';
import { MemoryKeychain } from '../../src/main/host/secrets.js';
import { pkcePair, postJson } from '../helpers/oauth.js';

/** A keychain that refuses writes of the given OAuth models while `locked` (the person locked it mid-sign-in). */
class LocksOn extends MemoryKeychain {
  locked = true;
  /** Every account written, in order. */
  readonly written: string[] = [];
  constructor(readonly models: string[]) {
    super();
  }
  override async setPassword(service: string, account: string, password: string): Promise<void> {
    if (this.locked && this.models.some((m) => account.startsWith(`oauth:${m}:`))) throw new Error('Cannot create an item in a locked collection');
    this.written.push(account);
    return super.setPassword(service, account, password);
  }
}

const REDIRECT = 'http://127.0.0.1:9/callback';

/** Register a client, open /authorize and press Allow on the consent page, as the browser would. */
async function allow(url: string): Promise<{ clientId: string; verifier: string; response: Response }> {
  const origin = new URL(url).origin;
  const reg = await postJson(`${origin}/register`, { client_name: 'Locked Out', redirect_uris: [REDIRECT] });
  const clientId = String(reg.body.client_id);
  const pkce = pkcePair();
  const q = new URLSearchParams({
    response_type: 'code',
    client_id: clientId,
    redirect_uri: REDIRECT,
    code_challenge: pkce.challenge,
    code_challenge_method: 'S256',
    scope: 'mcp',
    resource: url,
  });
  const start = await fetch(`${origin}/authorize?${q}`, { redirect: 'manual' });
  const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
  const consentUrl = new URL(start.headers.get('location')!, origin);
  const page = await (await fetch(consentUrl, { headers: { cookie } })).text();
  const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
  const response = await fetch(consentUrl, {
    method: 'POST',
    redirect: 'manual',
    headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ csrf, decision: 'allow' }),
  });
  // The rest of the browser's trip: oidc-provider's resume step redirects to the client with the code.
  let res = response;
  for (let hop = 0; hop < 5 && res.status >= 300 && res.status < 400; hop++) {
    const next = new URL(res.headers.get('location')!, origin);
    if (next.href.startsWith(REDIRECT)) return { clientId, verifier: pkce.verifier, response: res };
    res = await fetch(next, { redirect: 'manual', headers: { cookie } });
  }
  return { clientId, verifier: pkce.verifier, response: res };
}

function tokenRequest(url: string, clientId: string, verifier: string, code: string): Promise<Response> {
  return fetch(`${new URL(url).origin}/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: REDIRECT, client_id: clientId, code_verifier: verifier, resource: url }),
  });
}

it('answers Allow with 503 and what to do when the keychain is locked, and grants nothing', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-oauth-keychain-'));
  const host = createHost({ dataDir, port: 0, keychainBackend: new LocksOn(['Grant']), env: {} });
  try {
    const url = await host.start();
    const { response } = await allow(url);
    expect(response.status).toBe(503);
    const text = await response.text();
    expect(text).toContain('Tarmac cannot reach the keychain');
    expect(text).toMatch(/unlock it\b.*start the sign-in again/s);
  } finally {
    await host.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});

it('answers the token request with 503 temporarily_unavailable and how to unlock, not a 500, when the keychain locks after consent', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-oauth-keychain-'));
  const keychain = new LocksOn(['AccessToken', 'RefreshToken']);
  const host = createHost({ dataDir, port: 0, keychainBackend: keychain, env: {} });
  try {
    const url = await host.start();
    const first = await allow(url);
    const code = new URL(first.response.headers.get('location')!).searchParams.get('code');
    expect(code).toBeTruthy();
    const refused = await tokenRequest(url, first.clientId, first.verifier, code!);
    expect(refused.status).toBe(503);
    expect(refused.headers.get('retry-after')).toBe('5');
    expect(refused.headers.get('content-type')).toContain('application/json');
    const body = (await refused.json()) as { error: string; error_description: string };
    expect(body.error).toBe('temporarily_unavailable');
    expect(body.error_description).toMatch(/keychain|keyring/i);
    expect(body.error_description).not.toContain('oops');
    // Nothing was issued or kept.
    expect(keychain.written.filter((a) => /^oauth:(AccessToken|RefreshToken):/.test(a))).toEqual([]);

    // Unlocked, a fresh sign-in goes through.
    keychain.locked = false;
    const second = await allow(url);
    const code2 = new URL(second.response.headers.get('location')!).searchParams.get('code')!;
    const ok = await tokenRequest(url, second.clientId, second.verifier, code2);
    expect(ok.status).toBe(200);
    const tokens = (await ok.json()) as { access_token: string; refresh_token: string };
    expect(tokens.access_token).toBeTruthy();
    expect(tokens.refresh_token).toBeTruthy();
  } finally {
    await host.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
