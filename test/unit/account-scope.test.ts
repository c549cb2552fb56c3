import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { accountContext, accountEntry } from '../../src/main/host/accounts/scope.js';
import { planAccount, renameAccount, saveAccount, accountsIn, forgetAccount } from '../../src/main/host/accounts/registry.js';
import { resolveConnection } from '../../src/main/host/providers/flightctl/config.js';
import { writeSession } from '../../src/main/host/providers/flightctl/tokens.js';
import { MemoryKeychain, SecretStore } from '../../src/main/host/secrets.js';
import { SettingsStore } from '../../src/main/host/settings.js';
import type { ProviderContext } from '../../src/main/host/providers/provider.js';

const cleanups: Array<() => Promise<unknown>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c().catch(() => undefined);
});

async function context(): Promise<ProviderContext> {
  const dir = await mkdtemp(join(tmpdir(), 'tarmac-account-scope-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return { dataDir: dir, secrets: new SecretStore({ service: 'scope-test', backend: new MemoryKeychain() }), settings: new SettingsStore(dir), env: {} } as unknown as ProviderContext;
}

describe('one account’s view of the keychain and settings', () => {
  it('"default" is the store itself; another account’s entries carry its id and stay apart', async () => {
    const ctx = await context();
    expect(accountContext(ctx, 'default')).toBe(ctx);
    expect(accountEntry('fly:token', 'default')).toBe('fly:token');
    expect(accountEntry('fly:token', 'work')).toBe('fly@work:token');
    expect(accountEntry('flightctl:session', 'staging')).toBe('flightctl@staging:session');
    const work = accountContext(ctx, 'work');
    await ctx.secrets.set('fly:token', 'personal');
    await work.secrets.set('fly:token', 'deploy');
    expect(await ctx.secrets.get('fly:token')).toBe('personal');
    expect(await work.secrets.get('fly:token')).toBe('deploy');
    expect(await ctx.secrets.list()).toEqual(['fly:token', 'fly@work:token']);
    // The account lists only its own, under the names the providers use.
    expect(await work.secrets.list('fly:')).toEqual(['fly:token']);
    expect(await work.secrets.delete('fly:token')).toBe(true);
    expect(await ctx.secrets.get('fly:token')).toBe('personal');
  });

  it('settings: the account’s own flightctl section, everything else shared; an update keeps the other accounts’', async () => {
    const ctx = await context();
    await ctx.settings.update((s) => ({ ...s, flyctlPath: '/bin/flyctl', flightctl: { apiUrl: 'https://prod.example.com' } }));
    const staging = accountContext(ctx, 'staging');
    expect((await staging.settings.read()).flightctl).toBeUndefined();
    expect((await staging.settings.read()).flyctlPath).toBe('/bin/flyctl');
    await staging.settings.update((s) => ({ ...s, flightctl: { apiUrl: 'https://staging.example.com', organization: 'o1' } }));
    expect((await staging.settings.read()).flightctl).toEqual({ apiUrl: 'https://staging.example.com', organization: 'o1' });
    const file = JSON.parse(await readFile(ctx.settings.path, 'utf8')) as Record<string, unknown>;
    expect(file.flightctl).toEqual({ apiUrl: 'https://prod.example.com' });
    expect(file.flightctlAccounts).toEqual({ staging: { apiUrl: 'https://staging.example.com', organization: 'o1' } });
    // Signing the account out removes its section only.
    await staging.settings.update((s) => {
      const { flightctl: _f, ...rest } = s;
      return rest;
    });
    const after = JSON.parse(await readFile(ctx.settings.path, 'utf8')) as Record<string, unknown>;
    expect(after.flightctlAccounts).toBeUndefined();
    expect(after.flightctl).toEqual({ apiUrl: 'https://prod.example.com' });
  });

  it('a named account resolves only its own session, never the environment’s (and a session it imported is its own)', async () => {
    const ctx = await context();
    const staging = accountContext(ctx, 'staging');
    const env = { API_BASE_URL: 'https://env.example.com', REFRESH_TOKEN: 'r-env', OIDC_CLIENT_ID: 'c', OIDC_TOKEN_URL: 'https://idp.example.com/token', HOME: '/nonexistent' };
    expect((await resolveConnection({ env, settings: undefined, secrets: staging.secrets, ownOnly: true })).connection).toBeNull();
    await writeSession(staging.secrets, { apiUrl: 'https://yaml.example.com', origin: { source: 'client.yaml', seed: 'x' }, tokens: { accessToken: 'a', tokenToUse: 'access' }, refresh: null });
    const own = await resolveConnection({ env, settings: { apiUrl: 'https://yaml.example.com' }, secrets: staging.secrets, ownOnly: true });
    expect(own.connection?.apiUrl).toBe('https://yaml.example.com');
  });
});

describe('the account list', () => {
  it('always has "default"; a new name is planned then saved; rename keeps the id; a taken or bad name is refused', async () => {
    const ctx = await context();
    const s0 = await ctx.settings.read();
    expect(accountsIn(s0, 'fly')).toEqual([{ id: 'default', name: 'default' }]);
    const work = planAccount(s0, 'fly', 'work');
    expect(work).toEqual({ id: 'work', name: 'work', isNew: true });
    await saveAccount(ctx.settings, 'fly', work);
    expect(planAccount(await ctx.settings.read(), 'fly', 'work').isNew).toBe(false);
    await renameAccount(ctx.settings, 'fly', 'work', 'deploy');
    expect(accountsIn(await ctx.settings.read(), 'fly')).toEqual([{ id: 'default', name: 'default' }, { id: 'work', name: 'deploy' }]);
    // The old name is free again, under another id: the first account's keychain entries stay its own.
    expect(planAccount(await ctx.settings.read(), 'fly', 'work')).toEqual({ id: 'work-2', name: 'work', isNew: true });
    await expect(renameAccount(ctx.settings, 'fly', 'deploy', 'default')).rejects.toThrow(/already is a fly account "default"/);
    expect(() => planAccount(s0, 'fly', 'Bad Name')).toThrow(/not an account name/);
    await forgetAccount(ctx.settings, 'fly', 'work');
    expect(accountsIn(await ctx.settings.read(), 'fly')).toEqual([{ id: 'default', name: 'default' }]);
  });
});
