/**
 * Finding flyctl (settings, PATH, install folders; flyctl before fly) and the provider status
 * (path, version, account, token source).
 */
import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { locateFlyctl } from '../../src/main/host/providers/fly/flyctl.js';
import { FAKE_FLYCTL, flyHarness, type FlyHarness } from '../helpers/fly.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'tarmac-fly-locate-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function binAt(dir: string, name: string): Promise<string> {
  await mkdir(dir, { recursive: true });
  const path = join(dir, name);
  await symlink(FAKE_FLYCTL, path);
  return path;
}

describe('locating flyctl', () => {
  it('uses the settings path first (a file or the folder holding it)', async () => {
    const configured = await binAt(join(root, 'custom'), 'flyctl');
    await binAt(join(root, 'onpath'), 'flyctl');
    const env = { PATH: join(root, 'onpath'), HOME: root };
    expect((await locateFlyctl({ configured, env })).path).toBe(configured);
    expect((await locateFlyctl({ configured: join(root, 'custom'), env })).path).toBe(configured);
  });

  it('falls back to PATH when the settings path is wrong, and says so', async () => {
    const onPath = await binAt(join(root, 'onpath'), 'flyctl');
    const found = await locateFlyctl({ configured: join(root, 'missing', 'flyctl'), env: { PATH: join(root, 'onpath'), HOME: root } });
    expect(found.path).toBe(onPath);
    expect(found.configuredProblem).toContain('is not an executable file');
  });

  it('prefers flyctl anywhere over fly, and finds fly alone', async () => {
    await binAt(join(root, 'a'), 'fly');
    const flyctl = await binAt(join(root, 'b'), 'flyctl');
    const env = { PATH: `${join(root, 'a')}:${join(root, 'b')}`, HOME: root };
    expect((await locateFlyctl({ env })).path).toBe(flyctl);
    const flyOnly = await locateFlyctl({ env: { PATH: join(root, 'a'), HOME: root } });
    expect(flyOnly.path).toBe(join(root, 'a', 'fly'));
  });

  it('looks in ~/.fly/bin when PATH lacks it (a GUI app on macOS has a bare PATH)', async () => {
    const home = join(root, 'home');
    const installed = await binAt(join(home, '.fly', 'bin'), 'flyctl');
    const found = await locateFlyctl({ env: { PATH: '/usr/bin:/bin', HOME: home } });
    expect(found.path).toBe(installed);
  });

  it('skips files that are not executable and lists every place it looked', async () => {
    await mkdir(join(root, 'noexec'), { recursive: true });
    await writeFile(join(root, 'noexec', 'flyctl'), '#!/bin/sh\n');
    await chmod(join(root, 'noexec', 'flyctl'), 0o644);
    const found = await locateFlyctl({ env: { PATH: join(root, 'noexec'), HOME: join(root, 'h') } });
    expect(found.path).toBeNull();
    expect(found.searched).toEqual(
      expect.arrayContaining([
        join(root, 'noexec', 'flyctl'),
        join(root, 'h', '.fly', 'bin', 'flyctl'),
        '/opt/homebrew/bin/flyctl',
        '/usr/local/bin/flyctl',
        join(root, 'noexec', 'fly'),
        '/opt/homebrew/bin/fly',
      ]),
    );
  });

  it('uses Windows names and USERPROFILE on win32', async () => {
    const found = await locateFlyctl({ env: { Path: 'C:\\nowhere', USERPROFILE: 'C:\\Users\\ana' }, platform: 'win32' });
    expect(found.path).toBeNull();
    expect(found.searched.some((p) => p.endsWith('flyctl.exe'))).toBe(true);
    expect(found.searched.some((p) => p.includes('.fly') && p.endsWith('fly.exe'))).toBe(true);
  });
});

describe('fly provider status', () => {
  let h: FlyHarness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });
  const TOKEN = 'fm2_status-test-token-0123456789';

  it('signed in with the keychain token', async () => {
    h = await flyHarness({ token: TOKEN });
    const s = await h.provider.status();
    expect(s).toMatchObject({
      id: 'fly',
      state: 'ready',
      summary: 'signed in as alice@example.com (token in the keychain)',
      details: { flyctlPath: FAKE_FLYCTL, flyctlVersion: '0.4.87', account: 'alice@example.com', tokenSource: 'keychain' },
    });
    expect(JSON.stringify(s)).not.toContain(TOKEN);
    const whoami = (await h.calls()).find((c) => c.argv.join(' ') === 'auth whoami --json');
    expect(whoami?.env.FLY_ACCESS_TOKEN).toBe(TOKEN);
  });

  it("signed in through flyctl's own login", async () => {
    h = await flyHarness({ env: { FAKE_FLYCTL_LOGGED_IN: '1' } });
    const s = await h.provider.status();
    expect(s).toMatchObject({ state: 'ready', details: { tokenSource: 'flyctl login', account: 'alice@example.com' } });
    expect(s.summary).toContain("flyctl's own login");
  });

  it('signed in with a token from the environment', async () => {
    h = await flyHarness({ env: { FLY_API_TOKEN: 'env-token-abcdef' } });
    expect(await h.provider.status()).toMatchObject({ state: 'ready', details: { tokenSource: 'environment' } });
  });

  it('not signed in at all', async () => {
    h = await flyHarness();
    const s = await h.provider.status();
    expect(s).toMatchObject({ state: 'signed-out', details: { tokenSource: 'none', account: null, flyctlVersion: '0.4.87' } });
    expect(s.summary).toContain('fly auth login');
    // Signed out is the state, said once in the summary, not repeated as a warning.
    expect(s.warnings).toEqual([]);
  });

  it('a stored token flyctl rejects', async () => {
    h = await flyHarness({ token: 'invalid-token-123456' });
    const s = await h.provider.status();
    expect(s).toMatchObject({ state: 'signed-out', details: { tokenSource: 'keychain', account: null } });
    expect(s.warnings.join('\n')).toContain('was not accepted');
    expect(JSON.stringify(s)).not.toContain('invalid-token-123456');
  });

  it('flyctl missing', async () => {
    h = await flyHarness({ flyctlPath: null, env: { PATH: join(root, 'empty') } });
    const s = await h.provider.status();
    expect(s).toMatchObject({ state: 'unconfigured', summary: 'flyctl not found', details: { flyctlPath: null } });
    expect(s.warnings[0]).toContain('flyctlPath');
  });

  it('a keychain that cannot be read is a warning, not a failure', async () => {
    h = await flyHarness({ env: { FAKE_FLYCTL_LOGGED_IN: '1' } });
    h.keychain.broken = true;
    const s = await h.provider.status();
    expect(s.state).toBe('ready');
    expect(s.warnings.join('\n')).toContain('Keychain unreadable');
  });
});
