import { describe, expect, it, afterEach } from 'vitest';
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { KeychainUnavailableError, SecretStore } from '../../src/main/host/secrets.js';
import { runCliProcess } from '../helpers/cli.js';
import { testKeychainService } from '../helpers/host.js';

const stores: SecretStore[] = [];
afterEach(async () => {
  for (const store of stores.splice(0)) for (const a of await store.list()) await store.delete(a);
});

function store(redactor?: Redactor): SecretStore {
  const s = new SecretStore({ service: testKeychainService(), ...(redactor ? { redactor } : {}) });
  stores.push(s);
  return s;
}

/** An environment in which no Secret Service can be reached. */
const NO_SECRET_SERVICE = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tarmac-test-bus', DISPLAY: '' };

describe('SecretStore against the real GNOME keyring', () => {
  it('sets, gets, lists and deletes', async () => {
    const s = store();
    expect(await s.get('fly:token')).toBeNull();
    await s.set('fly:token', 'FlyV1 fm2_abcdef');
    await s.set('mcp-token:cursor', 'tmc_123456789');
    expect(await s.get('fly:token')).toBe('FlyV1 fm2_abcdef');
    expect(await s.list()).toEqual(['fly:token', 'mcp-token:cursor']);
    expect(await s.list('mcp-token:')).toEqual(['mcp-token:cursor']);
    expect(await s.entries('mcp-token:')).toEqual([{ account: 'mcp-token:cursor', value: 'tmc_123456789' }]);
    expect(await s.delete('fly:token')).toBe(true);
    expect(await s.delete('fly:token')).toBe(false);
    expect(await s.get('fly:token')).toBeNull();
  });

  it('overwrites a value in place', async () => {
    const s = store();
    await s.set('a', 'first-value');
    await s.set('a', 'second-value');
    expect(await s.get('a')).toBe('second-value');
    expect(await s.list()).toEqual(['a']);
  });

  it('keeps services apart', async () => {
    const a = store();
    const b = store();
    await a.set('shared-name', 'value-in-a');
    expect(await b.get('shared-name')).toBeNull();
  });

  it('refuses empty values and names', async () => {
    const s = store();
    await expect(s.set('x', '')).rejects.toThrow(/empty secret/);
    await expect(s.set('', 'value')).rejects.toThrow(/account name/);
  });

  it('answers a probe without listing anything', async () => {
    const s = store();
    await expect(s.probe()).resolves.toBeUndefined();
    expect(await s.list()).toEqual([]);
  });

  // keytar's Linux findCredentials strdup()s a NULL secret when an entry goes away between its
  // search and its load (SIGSEGV, seen in CI): every call in the process is queued to prevent it.
  it('survives listings racing deletes and writes in the same process', async () => {
    const s = store();
    const names = Array.from({ length: 30 }, (_, i) => `race:${i}`);
    await Promise.all(names.map((n) => s.set(n, `value-${n}`)));
    const work: Array<Promise<unknown>> = [];
    for (const [i, n] of names.entries()) {
      work.push(s.delete(n), s.entries('race:'), s.list());
      if (i % 3 === 0) work.push(s.set(`${n}:new`, 'fresh-value'));
    }
    await Promise.all(work);
    expect(await s.list('race:')).toEqual(names.filter((_, i) => i % 3 === 0).map((n) => `${n}:new`).sort());
  });

  it('teaches the redactor every value it reads or writes', async () => {
    const redactor = new Redactor();
    const s = store(redactor);
    await s.set('k', 'super-secret-value-1');
    expect(redactor.text('error: super-secret-value-1 rejected')).toBe('error: [redacted] rejected');
    const fresh = new Redactor();
    const reader = new SecretStore({ service: s.service, redactor: fresh });
    await reader.get('k');
    expect(fresh.text('super-secret-value-1')).toBe('[redacted]');
  });
});

describe('with no Secret Service running', () => {
  it('raises a typed error that says what to do (in-process backend failure)', async () => {
    const s = new SecretStore({
      service: 'x',
      backend: {
        getPassword: () => Promise.reject(new Error('The name org.freedesktop.secrets was not provided by any .service files')),
        setPassword: () => Promise.reject(new Error('unused')),
        deletePassword: () => Promise.reject(new Error('unused')),
        findCredentials: () => Promise.reject(new Error('unused')),
      },
    });
    const err = await s.get('a').catch((e: unknown) => e);
    expect(err).toBeInstanceOf(KeychainUnavailableError);
    expect((err as Error).message).toMatch(/No Secret Service keychain is available .*On a desktop: start GNOME Keyring/);
    expect((err as Error).message).toMatch(/`dbus-run-session -- bash`, then in that shell `gnome-keyring-daemon --unlock --components=secrets`/);
    expect((err as Error).message).toMatch(/never in plain files/);
    // The keychain's own words are kept for the log, not shown.
    expect((err as Error).message).not.toContain('org.freedesktop.secrets');
    expect((err as KeychainUnavailableError).detail).toContain('org.freedesktop.secrets was not provided');
  });

  it('makes the CLI fail clearly with the real keytar and writes no token anywhere', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-nokeyring-'));
    try {
      const result = await runCliProcess(['token', 'create', 'cursor', '--data-dir', dataDir], {
        env: { ...NO_SECRET_SERVICE, TARMAC_KEYCHAIN_SERVICE: testKeychainService() },
      });
      expect(result.code).toBe(1);
      expect(result.stderr).toMatch(/tarmac: No Secret Service keychain is available/);
      expect(result.stdout).toBe('');
      expect(result.stderr).not.toMatch(/\n\s+at /);
      expect(await readdir(dataDir)).not.toContain('tokens.json');
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
