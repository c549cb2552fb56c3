import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../../src/main/cli.js';
import { defaultDataDir } from '../../src/main/host/paths.js';

function io() {
  const out: string[] = [];
  const err: string[] = [];
  return { out, err, io: { out: (l: string) => void out.push(l), err: (l: string) => void err.push(l), readStdin: async () => '' } };
}

describe('tarmac CLI', () => {
  it('prints its version and help', async () => {
    const a = io();
    expect(await runCli(['--version'], a.io)).toBe(0);
    expect(a.out[0]).toMatch(/^\d+\.\d+\.\d+/);
    const b = io();
    expect(await runCli(['--help'], b.io)).toBe(0);
    expect(b.out.join('\n')).toMatch(/tarmac serve/);
  });

  it('exits 2 with help for no command, unknown commands and unknown flags', async () => {
    expect(await runCli([], io().io)).toBe(2);
    const u = io();
    expect(await runCli(['launch'], u.io)).toBe(2);
    expect(u.err.join('\n')).toMatch(/unknown command "launch"/);
    const f = io();
    expect(await runCli(['serve', '--bogus'], f.io)).toBe(2);
    expect(f.err.join('\n')).toMatch(/^tarmac: unknown option "--bogus" \(the options are listed below\)\n/);
    expect(f.err.join('\n')).not.toMatch(/as in|'--/);
    const v = io();
    expect(await runCli(['serve', '--port'], v.io)).toBe(2);
    expect(v.err.join('\n')).toMatch(/^tarmac: option "--port" needs a value/);
    const j = io();
    expect(await runCli(['status', '--json=yes'], j.io)).toBe(2);
    expect(j.err.join('\n')).toMatch(/^tarmac: option "--json" takes no value/);
  });

  it('documents all of its surface in --help', async () => {
    const a = io();
    expect(await runCli(['-h'], a.io)).toBe(0);
    const help = a.out.join('\n');
    for (const text of ['status [--json]', '--version, -v', '--help, -h', 'TARMAC_DATA_DIR', 'LOG_LEVEL', '/sse', '/mcp']) expect(help).toContain(text);
    const b = io();
    expect(await runCli(['-v'], b.io)).toBe(0);
    expect(b.out).toEqual([a.out[0]!.split(' ')[1]!.replace(/:$/, '')]);
  });

  it('refuses a bad port without starting anything', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-cli-'));
    try {
      const a = io();
      expect(await runCli(['serve', '--port', '99999', '--data-dir', dataDir], a.io)).toBe(2);
      expect(a.err.join('\n')).toMatch(/--port must be a number from 0 to 65535/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });

  it('explains token usage errors', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-cli-'));
    try {
      const a = io();
      expect(await runCli(['token', 'create', '--data-dir', dataDir], a.io)).toBe(2);
      expect(a.err.join('\n')).toMatch(/usage: tarmac token create <client>/);
      const b = io();
      expect(await runCli(['token', 'create', 'Bad Name', '--data-dir', dataDir], b.io)).toBe(1);
      expect(b.err.join('\n')).toMatch(/not a valid client name/);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});

describe('default data dir', () => {
  it('matches Electron userData on each platform, and honours TARMAC_DATA_DIR', () => {
    expect(defaultDataDir({ XDG_CONFIG_HOME: '/x/config' }, 'linux')).toBe('/x/config/Tarmac');
    expect(defaultDataDir({}, 'darwin')).toMatch(/Library\/Application Support\/Tarmac$/);
    expect(defaultDataDir({ APPDATA: 'C:\\Users\\a\\AppData\\Roaming' }, 'win32')).toMatch(/Roaming.Tarmac$/);
    expect(defaultDataDir({ TARMAC_DATA_DIR: '/data' }, 'linux')).toBe('/data');
  });
});
