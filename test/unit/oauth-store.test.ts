import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { IncomingMessage } from 'node:http';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ClientRegistry } from '../../src/main/host/auth/clients.js';
import { LastUsed } from '../../src/main/host/auth/last-used.js';
import { accountFor, OAuthStore, uniqueName } from '../../src/main/host/auth/store.js';
import { AuthUrls, redirectUriAllowed } from '../../src/main/host/auth/urls.js';
import { assertClientName, ClientTokens } from '../../src/main/host/mcp/tokens.js';
import { MemoryKeychain, SecretStore } from '../../src/main/host/secrets.js';

const AUDIENCE = 'http://127.0.0.1:8276/mcp';

describe('uniqueName', () => {
  it.each([
    ['Claude Code', 'claude-code'],
    ['  Cursor!! ', 'cursor'],
    ['VS Code (Insiders)', 'vs-code-insiders'],
    ['Ünïcödé Äpp', 'unicode-app'],
    ['!!!', 'oauth-client'],
    ['x'.repeat(200), 'x'.repeat(56)],
  ])('turns %j into %j, a valid client name', (label, name) => {
    expect(uniqueName(label, () => false)).toBe(name);
    expect(() => assertClientName(uniqueName(label, () => false))).not.toThrow();
  });

  it('counts up when the name is taken', () => {
    const taken = new Set(['cursor', 'cursor-2']);
    expect(uniqueName('Cursor', (n) => taken.has(n))).toBe('cursor-3');
  });
});

describe('AuthUrls and redirect URIs', () => {
  const urls = new AuthUrls(() => 'http://127.0.0.1:8276');

  it.each(['http://127.0.0.1:8276/mcp', 'http://localhost:8276/mcp', 'http://[::1]:8276/mcp', 'http://127.0.0.1:8276/mcp/'])('accepts the resource %s', (r) => {
    expect(urls.isResource(r)).toBe(true);
  });

  it.each(['http://127.0.0.1:8277/mcp', 'https://127.0.0.1:8276/mcp', 'http://127.0.0.1:8276/', 'http://127.0.0.1:8276/mcp?x=1', 'http://evil.example:8276/mcp', 'not a url'])(
    'refuses the resource %s',
    (r) => {
      expect(urls.isResource(r)).toBe(false);
    },
  );

  it('names the metadata by the host the client used', () => {
    const req = { headers: { host: 'localhost:8276' } } as IncomingMessage;
    expect(urls.protectedResourceMetadata(req)).toMatchObject({ resource: 'http://localhost:8276/mcp', authorization_servers: ['http://127.0.0.1:8276'] });
    expect(urls.challenge(req, true)).toBe(
      'Bearer realm="tarmac", resource_metadata="http://localhost:8276/.well-known/oauth-protected-resource/mcp", scope="mcp", error="invalid_token"',
    );
  });

  it.each([
    ['http://127.0.0.1:5555/cb', true],
    ['http://localhost/cb', true],
    ['http://[::1]:1/cb', true],
    ['https://app.example/cb', true],
    ['http://app.example/cb', false],
    ['http://10.0.0.2/cb', false],
    ['myapp:/cb', false],
    ['https://app.example/cb#frag', false],
  ])('redirect URI %s allowed: %s', (uri, ok) => {
    expect(redirectUriAllowed(uri)).toBe(ok);
  });
});

describe('OAuthStore', () => {
  let dir: string;
  let keychain: MemoryKeychain;
  const store = () => new OAuthStore(new SecretStore({ service: 'test', backend: keychain }), dir);

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tarmac-oauth-'));
    keychain = new MemoryKeychain();
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  /** What oidc-provider would store for an allowed client: a grant and an access token. */
  async function allowed(s: OAuthStore, label = 'Claude Code') {
    await s.saveClient('client-1', { client_id: 'client-1', client_name: label, redirect_uris: ['http://127.0.0.1:1/cb'] });
    const name = await s.approve('client-1', label, () => false);
    await s.upsert('Grant', 'grant-1', { jti: 'grant-1', kind: 'Grant', clientId: 'client-1', accountId: 'local-user' }, 3600);
    await s.upsert('AccessToken', 'token-value-1', { jti: 'token-value-1', kind: 'AccessToken', clientId: 'client-1', grantId: 'grant-1', aud: AUDIENCE }, 3600);
    return name;
  }

  it('keeps grants and tokens under hashes, without the token value', async () => {
    const s = store();
    await allowed(s);
    const stored = await keychain.findCredentials('test');
    expect(stored.map((e) => e.account)).toContain(accountFor('AccessToken', 'token-value-1'));
    expect(JSON.stringify(stored)).not.toContain('token-value-1');
    expect(await s.find('AccessToken', 'token-value-1')).toMatchObject({ jti: 'token-value-1', clientId: 'client-1' });
  });

  it('authenticates an access token of an allowed client, for this audience only', async () => {
    const s = store();
    const name = await allowed(s);
    expect(name).toBe('claude-code');
    expect(await s.authenticate('token-value-1', AUDIENCE)).toEqual({ name: 'claude-code', clientId: 'client-1' });
    expect(await s.authenticate('token-value-1', 'http://127.0.0.1:9999/mcp')).toBeNull();
    expect(await s.authenticate('token-value-2', AUDIENCE)).toBeNull();
  });

  it('refuses a token whose grant is gone', async () => {
    const s = store();
    await allowed(s);
    await s.revokeByGrantId('Grant', 'grant-1');
    expect(await s.authenticate('token-value-1', AUDIENCE)).toBeNull();
  });

  it('refuses a token at once when another process revokes its client', async () => {
    const server = store();
    await allowed(server);
    expect(await server.authenticate('token-value-1', AUDIENCE)).not.toBeNull();
    // `tarmac token revoke` runs in a process of its own, with its own store.
    expect(await store().revoke('claude-code')).toBe(true);
    expect(await server.authenticate('token-value-1', AUDIENCE)).toBeNull();
    expect(await keychain.findCredentials('test')).toEqual([]);
    expect(await server.list()).toEqual([]);
  });

  it('does not list registrations nobody allowed, and keeps a name across sign-ins', async () => {
    const s = store();
    await s.saveClient('pending', { client_id: 'pending' });
    expect(await s.list()).toEqual([]);
    const name = await allowed(s);
    expect(await s.approve('client-1', 'Another Label', () => false)).toBe(name);
    expect((await s.list()).map((c) => c.name)).toEqual([name]);
  });

  it('keeps a token written while a reload was reading the keychain', async () => {
    // A keychain whose listing answers with what it held when asked, a moment later.
    class SlowListing extends MemoryKeychain {
      release: (() => void) | null = null;
      override async findCredentials(service: string) {
        const snapshot = await super.findCredentials(service);
        await new Promise<void>((resolve) => (this.release = resolve));
        return snapshot;
      }
    }
    const slow = new SlowListing();
    const s = new OAuthStore(new SecretStore({ service: 'test', backend: slow }), dir);
    const reloading = s.reload();
    await new Promise((resolve) => setTimeout(resolve, 10));
    await s.upsert('RefreshToken', 'written-meanwhile', { jti: 'written-meanwhile', clientId: 'c' }, 60);
    slow.release!();
    await reloading;
    expect(await s.find('RefreshToken', 'written-meanwhile')).toMatchObject({ clientId: 'c' });
  });

  it('refuses to run on a damaged client list instead of dropping every client', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, 'oauth-clients.json'), '{ not json');
    await expect(store().reload()).rejects.toThrow(/not a valid OAuth client list; move it aside/);
  });
});

describe('ClientRegistry', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tarmac-clients-'));
  });
  afterEach(async () => rm(dir, { recursive: true, force: true }));

  it('lists both kinds, keeps names unique across them, revokes either kind, and notes last use', async () => {
    const secrets = new SecretStore({ service: 'test', backend: new MemoryKeychain() });
    const tokens = new ClientTokens(secrets, dir);
    const oauth = new OAuthStore(secrets, dir);
    const usage = new LastUsed(dir);
    const registry = new ClientRegistry(tokens, oauth, usage);

    const token = await registry.createToken('cursor');
    await oauth.saveClient('c1', { client_id: 'c1' });
    await tokens.reload();
    expect(registry.hasStaticName('cursor')).toBe(true);
    const name = await oauth.approve('c1', 'Cursor', (n) => registry.hasStaticName(n));
    expect(name).toBe('cursor-2');
    await expect(registry.createToken('cursor-2')).rejects.toThrow(/is the name of an OAuth client/);

    expect(await registry.authenticate(token, null)).toBe('cursor');
    await usage.flush();
    const list = await registry.list();
    expect(list.map((c) => [c.name, c.kind])).toEqual([
      ['cursor', 'token'],
      ['cursor-2', 'oauth'],
    ]);
    expect(list[0]!.lastUsedAt).toMatch(/^\d{4}-/);
    expect(list[1]!.lastUsedAt).toBeNull();

    expect(await registry.revoke('cursor-2')).toEqual(['oauth']);
    expect(await registry.revoke('cursor')).toEqual(['token']);
    expect(await registry.revoke('cursor')).toEqual([]);
    expect(await registry.list()).toEqual([]);
  });
});
