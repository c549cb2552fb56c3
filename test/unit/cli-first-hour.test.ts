// What a newcomer meets first on the CLI (issue 13): a dead keychain, a missing flyctl, a
// re-created client token. In-process, with an in-memory keychain that can be broken.
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli.js';
import type { HostOptions } from '../../src/main/host/index.js';
import { BreakableKeychain } from '../helpers/fly.js';

let dir: string;
let keychain: BreakableKeychain;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-first-hour-'));
  keychain = new BreakableKeychain();
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[], overrides: Partial<HostOptions> = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const code = await runCli(
    [...args, '--data-dir', join(dir, 'data')],
    { out: (l) => void out.push(l), err: (l) => void err.push(l), readStdin: async () => '' },
    // No flyctl anywhere: an empty PATH and a HOME without ~/.fly.
    { keychainBackend: keychain, env: { PATH: join(dir, 'empty-a') + ':' + join(dir, 'empty-b'), HOME: dir }, ...overrides },
  );
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const count = (text: string, part: string) => text.split(part).length - 1;

describe('tarmac status with no usable keychain', () => {
  it('exits 1, says how to get one once, and keeps the raw keychain error for the log', async () => {
    keychain.broken = true;
    const r = await cli(['status']);
    expect(r.code).toBe(1);
    const all = `${r.out}\n${r.err}`;
    if (process.platform === 'linux') {
      expect(count(all, 'No Secret Service keychain is available')).toBe(1);
      expect(all).toContain('dbus-run-session');
      expect(all).toContain('gnome-keyring-daemon --unlock');
    }
    expect(all).not.toContain('org.freedesktop.secrets');
    const log = await readFile(join(dir, 'data', 'logs', 'tarmac.log'), 'utf8');
    expect(log).toContain('org.freedesktop.secrets was not provided');

    const json = await cli(['status', '--json']);
    expect(json.code).toBe(1);
    expect(JSON.parse(json.out)).toMatchObject({ ok: false, keychain: { available: false } });
  });

  it('exits 0 when the keychain works', async () => {
    const r = await cli(['status', '--json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.out)).toMatchObject({ ok: true, keychain: { available: true, problem: null } });
  });
});

describe('flyctl not found', () => {
  it('status says it once, in one short paragraph, without listing PATH', async () => {
    const r = await cli(['status']);
    expect(count(r.out, 'flyctl was not found')).toBe(1);
    const line = r.out.split('\n').find((l) => l.includes('flyctl was not found'))!;
    expect(line.length).toBeLessThan(400);
    expect(line).not.toContain(join(dir, 'empty-a'));
    expect(line).toContain('https://fly.io/docs/flyctl/install/');
    expect(line).toContain(`"flyctlPath" in ${join(dir, 'data', 'settings.json')}`);
    expect(line).toContain('Settings page');
    expect(r.out).not.toMatch(/^\s+searched:/m);
  });

  it('login fly stops before promising a browser', async () => {
    const r = await cli(['login', 'fly']);
    expect(r.code).toBe(1);
    expect(r.err).toContain('flyctl was not found');
    expect(r.err).not.toMatch(/browser/i);
  });
});

describe('tarmac token create', () => {
  it('says when a new token replaced (and revoked) the previous one', async () => {
    const first = await cli(['token', 'create', 'cursor']);
    expect(first.code).toBe(0);
    expect(first.err).toContain('Created a token for "cursor"');
    expect(first.err).not.toMatch(/Replaced|revoked/);
    const second = await cli(['token', 'create', 'cursor']);
    expect(second.code).toBe(0);
    expect(second.err).toContain('Replaced the token of "cursor": its previous token is revoked');
    expect(second.out).not.toBe(first.out);
  });
});
