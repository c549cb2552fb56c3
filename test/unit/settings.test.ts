import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { SettingsCorruptError, SettingsStore } from '../../src/main/host/settings.js';

const dirs: string[] = [];
afterEach(async () => {
  for (const d of dirs.splice(0)) await rm(d, { recursive: true, force: true });
});
async function dir() {
  const d = await mkdtemp(join(tmpdir(), 'tarmac-settings-'));
  dirs.push(d);
  return d;
}

describe('SettingsStore', () => {
  it('starts empty and persists updates atomically', async () => {
    const d = await dir();
    const s = new SettingsStore(d);
    expect(await s.read()).toEqual({});
    await s.update((c) => ({ ...c, port: 9000, flyctlPath: '/opt/fly/flyctl' }));
    expect(JSON.parse(await readFile(join(d, 'settings.json'), 'utf8'))).toEqual({ port: 9000, flyctlPath: '/opt/fly/flyctl' });
    expect(await new SettingsStore(d).read()).toEqual({ port: 9000, flyctlPath: '/opt/fly/flyctl' });
  });

  it('serialises concurrent updates so none is lost', async () => {
    const s = new SettingsStore(await dir());
    await Promise.all([
      s.update((c) => ({ ...c, port: 1234 })),
      s.update((c) => ({ ...c, flyctlPath: '/x/fly' })),
      s.update((c) => ({ ...c, policies: { tools: { 'fly-apps-destroy': 'ask' } } })),
    ]);
    expect(await s.read()).toEqual({ port: 1234, flyctlPath: '/x/fly', policies: { tools: { 'fly-apps-destroy': 'ask' } } });
  });

  it('reports a corrupt file and leaves it untouched', async () => {
    const d = await dir();
    await writeFile(join(d, 'settings.json'), '{ "port": 80,, }');
    const s = new SettingsStore(d);
    await expect(s.read()).rejects.toBeInstanceOf(SettingsCorruptError);
    await expect(s.update((c) => ({ ...c, port: 1 }))).rejects.toThrow(/not valid JSON/);
    expect(await readFile(join(d, 'settings.json'), 'utf8')).toBe('{ "port": 80,, }');
  });

  it('refuses invalid values without writing them', async () => {
    const d = await dir();
    const s = new SettingsStore(d);
    await expect(s.update((c) => ({ ...c, port: 70000 }))).rejects.toThrow();
    expect(await s.read()).toEqual({});
  });
});

describe('SettingsStore across processes and versions', () => {
  it("starts each update from the file, keeping another writer's change", async () => {
    const d = await dir();
    const app = new SettingsStore(d);
    await app.update((c) => ({ ...c, port: 9000 }));
    // Another process (the CLI) writes meanwhile; the app still has its cached copy.
    await new SettingsStore(d).update((c) => ({ ...c, flightctl: { apiUrl: 'https://api.example.com', organization: 'org-1' } }));
    await app.update((c) => ({ ...c, flyctlPath: '/usr/local/bin/flyctl' }));
    expect(JSON.parse(await readFile(join(d, 'settings.json'), 'utf8'))).toEqual({
      port: 9000,
      flightctl: { apiUrl: 'https://api.example.com', organization: 'org-1' },
      flyctlPath: '/usr/local/bin/flyctl',
    });
  });

  it('keeps keys it does not know when it rewrites the file', async () => {
    const d = await dir();
    await writeFile(join(d, 'settings.json'), JSON.stringify({ port: 1234, fromNewerTarmac: { theme: 'dark' } }));
    await new SettingsStore(d).update((c) => ({ ...c, port: 4321 }));
    expect(JSON.parse(await readFile(join(d, 'settings.json'), 'utf8'))).toEqual({ port: 4321, fromNewerTarmac: { theme: 'dark' } });
  });
});
