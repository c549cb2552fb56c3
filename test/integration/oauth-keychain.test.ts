import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, it } from 'vitest';
import { createHost } from '../../src/main/host/index.js';
import { MemoryKeychain } from '../../src/main/host/secrets.js';
import { pkcePair, postJson } from '../helpers/oauth.js';

/** A keychain that locks itself when OAuth grants are written (the person locked it mid-sign-in). */
class LocksOnGrants extends MemoryKeychain {
  override async setPassword(service: string, account: string, password: string): Promise<void> {
    if (account.startsWith('oauth:Grant:')) throw new Error('Cannot create an item in a locked collection');
    return super.setPassword(service, account, password);
  }
}

it('answers Allow with 503 and what to do when the keychain is locked, and grants nothing', async () => {
  const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-oauth-keychain-'));
  const host = createHost({ dataDir, port: 0, keychainBackend: new LocksOnGrants(), env: {} });
  try {
    const url = await host.start();
    const origin = new URL(url).origin;
    const redirect = 'http://127.0.0.1:9/callback';
    const reg = await postJson(`${origin}/register`, { client_name: 'Locked Out', redirect_uris: [redirect] });
    const q = new URLSearchParams({
      response_type: 'code',
      client_id: String(reg.body.client_id),
      redirect_uri: redirect,
      code_challenge: pkcePair().challenge,
      code_challenge_method: 'S256',
      scope: 'mcp',
      resource: url,
    });
    // The browser's part, by hand: follow to the consent page with its interaction cookie, then Allow.
    const start = await fetch(`${origin}/authorize?${q}`, { redirect: 'manual' });
    const cookie = start.headers.getSetCookie().map((c) => c.split(';')[0]).join('; ');
    const consentUrl = new URL(start.headers.get('location')!, origin);
    const page = await (await fetch(consentUrl, { headers: { cookie } })).text();
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const allow = await fetch(consentUrl, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin, 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ csrf, decision: 'allow' }),
    });
    expect(allow.status).toBe(503);
    const text = await allow.text();
    expect(text).toContain('Tarmac cannot reach the keychain');
    expect(text).toMatch(/unlock it\b.*start the sign-in again/s);
  } finally {
    await host.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
});
