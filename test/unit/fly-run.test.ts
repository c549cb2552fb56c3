/**
 * The Fly provider running the fake flyctl, called directly (ToolSpec.run with a built
 * ToolContext): argv, environment, output handling, errors, bounds and redaction.
 */
import { lstat, mkdir, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { executeFlyTool } from '../../src/main/host/providers/fly/execute.js';
import { FlyRuntime } from '../../src/main/host/providers/fly/runtime.js';
import { FLY_TOOLS } from '../../src/main/host/providers/fly/tools.js';
import { silentLog } from '../../src/main/host/log.js';
import type { ToolContext } from '../../src/main/host/tools/catalogue.js';
import { FLY_CASES } from '../helpers/fly-cases.js';
import { alive, flyHarness, waitFor, type FlyHarness } from '../helpers/fly.js';

let h: FlyHarness | undefined;
afterEach(async () => {
  await h?.close();
  h = undefined;
});

const TOKEN = 'fm2_lJPECAAAAAAAAMDnpT0xc2VjcmV0LXRva2VuLWZvci10ZXN0cw==';

async function pidsOf(file: string): Promise<number[]> {
  const raw = await readFile(file, 'utf8').catch(() => '');
  return raw.split('\n').filter(Boolean).map(Number);
}

describe('every fly tool case against the fake flyctl', () => {
  let shared: FlyHarness;
  beforeAll(async () => {
    shared = await flyHarness({ token: TOKEN });
  });
  afterAll(async () => {
    expect(shared.logs()).not.toContain(TOKEN);
    await shared.close();
  });

  it.each(FLY_CASES.map((c, i) => [`${c.tool} #${i}`, c] as const))('%s: exact argv, token in the env only, compact text', async (_l, c) => {
    const h = shared;
    {
      const before = (await h.calls()).length;
      const out = await h.call(c.tool, c.args);
      expect(out.isError, `${c.tool}: ${out.text}`).toBeFalsy();
      const calls = await h.calls();
      expect(calls.length, c.tool).toBe(before + 1);
      const call = calls.at(-1)!;
      expect(call.argv, c.tool).toEqual(c.argv);
      expect(call.stdin, c.tool).toBe(c.stdin);
      expect(call.env.FLY_ACCESS_TOKEN, c.tool).toBe(TOKEN);
      expect(call.argv.join(' '), c.tool).not.toContain(TOKEN);
      expect(call.argv.some((a) => a.startsWith('--access-token') || a === '-t'), c.tool).toBe(false);
      expect(call.cwd, c.tool).toBe(join(h.dir, 'flyctl-workdir'));
      if (c.expect) expect(out.text, c.tool).toMatch(c.expect instanceof RegExp ? c.expect : new RegExp(c.expect.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
      // Never the 4-space JSON dump flyctl prints.
      expect(out.text, c.tool).not.toMatch(/^ {4}"/m);
      expect(out.text, c.tool).not.toContain('\x1b');
    }
  });
});

describe('fly tools against the fake flyctl', () => {

  it('turns JSON into structuredContent: objects as they are, arrays under a named key', async () => {
    h = await flyHarness({ token: TOKEN });
    const apps = await h.call('fly-apps-list', {});
    expect(Object.keys(apps.structured ?? {})).toEqual(['apps']);
    expect((apps.structured!.apps as Array<{ Name: string }>)[0]!.Name).toBe('my-app');
    const status = await h.call('fly-status', { app: 'my-app' });
    expect(status.structured).toMatchObject({ Name: 'my-app', Version: 7 });
    const orgs = await h.call('fly-orgs-list', {});
    expect(orgs.structured).toEqual({ 'acme-corp': 'Acme Corp', personal: 'Alice Example' });
    // D16: the plan notice printed next to the JSON does not break parsing.
    const created = await h.call('fly-orgs-create', { name: 'Acme Labs' });
    expect(created.structured).toMatchObject({ Slug: 'acme-labs' });
    const logs = await h.call('fly-logs', { app: 'my-app' });
    expect((logs.structured?.lines as unknown[])[0]).toMatchObject({ provider: 'app', instance: '148ed599b12289', region: 'iad', level: 'info', message: 'Listening on 0.0.0.0:8080' });
  });

  it('uses flyctl login when no token is stored, and passes no token of its own', async () => {
    h = await flyHarness({ env: { FAKE_FLYCTL_LOGGED_IN: '1' } });
    const out = await h.call('fly-apps-list', {});
    expect(out.isError).toBeFalsy();
    const call = (await h.calls()).at(-1)!;
    expect(call.env.FLY_ACCESS_TOKEN).toBeUndefined();
  });

  it('still runs when the keychain is unreadable, with flyctl login', async () => {
    h = await flyHarness({ env: { FAKE_FLYCTL_LOGGED_IN: '1' } });
    h.keychain.broken = true;
    const out = await h.call('fly-apps-list', {});
    expect(out.isError).toBeFalsy();
  });

  it('reports a non-zero exit as an isError result with flyctl\'s own error line and no stack', async () => {
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'apps destroy', fail: { code: 1, stderr: 'Error: Could not find App "nope" (Request ID: 01JX)' } }] });
    const out = await h.call('fly-apps-destroy', { name: 'nope' });
    expect(out.isError).toBe(true);
    expect(out.thrown).toBeFalsy();
    expect(out.text).toBe('flyctl failed (exit code 1):\nError: Could not find App "nope" (Request ID: 01JX)');
    // Not logged in at all: flyctl's message is passed on.
    const h2 = await flyHarness();
    try {
      const out2 = await h2.call('fly-apps-list', {});
      expect(out2.isError).toBe(true);
      expect(out2.text).toContain("Error: no access token available. Please login with 'flyctl auth login'");
      expect(out2.text).toContain('Sign in to Fly.io in Tarmac');
      expect(out2.text).not.toMatch(/\n\s+at /);
    } finally {
      await h2.close();
    }
  });

  it('says flyctl is too old when it does not know the command', async () => {
    h = await flyHarness({ token: TOKEN, env: { FAKE_FLYCTL_UNKNOWN: 'machine uncordon', FAKE_FLYCTL_VERSION: '0.1.2' } });
    const out = await h.call('fly-machine-upcordon', { id: '148ed599b12289', app: 'my-app' });
    expect(out.isError).toBe(true);
    expect(out.text).toContain('This flyctl (v0.1.2');
    expect(out.text).toContain('too old for fly-machine-upcordon');
    expect(out.text).toContain('unknown command "uncordon" for "flyctl machine"');
    expect(out.text).toContain('fly version upgrade');
  });

  it('says in one line that flyctl is too old when it prints a command group\'s help instead (cobra, exit 0)', async () => {
    h = await flyHarness({ token: TOKEN, env: { FAKE_FLYCTL_UNKNOWN: 'machine uncordon', FAKE_FLYCTL_GROUP_HELP: '1', FAKE_FLYCTL_VERSION: '0.1.2' } });
    const out = await h.call('fly-machine-upcordon', { id: '148ed599b12289', app: 'my-app' });
    expect(out.isError).toBe(true);
    expect(out.text.split('\n')).toHaveLength(1);
    expect(out.text).toContain('This flyctl (v0.1.2');
    expect(out.text).toContain('has no "machine uncordon" command');
    expect(out.text).toContain('`fly version upgrade`');
    expect(out.text).not.toMatch(/Available Commands|Usage:/);
  });

  it('says in one line that flyctl is too old when it does not know a flag, without its usage text', async () => {
    h = await flyHarness({ token: TOKEN, env: { FAKE_FLYCTL_UNKNOWN_FLAGS: 'machine update:--vm-cpu-kind', FAKE_FLYCTL_VERSION: '0.2.0' } });
    const out = await h.call('fly-machine-update', { id: '148ed599b12289', app: 'my-app', 'vm-cpu-kind': 'performance' });
    expect(out.isError).toBe(true);
    expect(out.text.split('\n')).toHaveLength(1);
    expect(out.text).toContain('This flyctl (v0.2.0');
    expect(out.text).toContain('unknown flag: --vm-cpu-kind');
    expect(out.text).toContain('`fly version upgrade`');
    expect(out.text).not.toMatch(/Usage:|Flags:/);
  });

  it('says in general terms where it looked, how to install flyctl and where to set its path, when flyctl is missing', async () => {
    h = await flyHarness({ flyctlPath: null, env: { PATH: '/nonexistent-a:/nonexistent-b' } });
    const out = await h.call('fly-apps-list', {});
    expect(out.isError).toBe(true);
    expect(out.text).toContain('flyctl was not found on PATH, in ~/.fly/bin or in the Homebrew and /usr/local/bin folders');
    // One short paragraph: not every PATH entry (npx's temporary folders, home paths).
    expect(out.text).not.toContain('/nonexistent-a');
    expect(out.text.length).toBeLessThan(400);
    expect(out.text).toContain('https://fly.io/docs/flyctl/install/');
    expect(out.text).toContain(`"flyctlPath" in ${h.settings.path}`);
    expect(await h.calls()).toEqual([]);
  });

  it('says when the configured path is wrong', async () => {
    h = await flyHarness({ flyctlPath: '/nope/flyctl', env: { PATH: '/nonexistent-a' } });
    const out = await h.call('fly-apps-list', {});
    expect(out.text).toContain('The flyctl path in settings (/nope/flyctl) is not an executable file');
  });

  it('explains a flyctl that cannot be started', async () => {
    h = await flyHarness({ token: TOKEN, flyctlPath: null });
    const broken = `${h.dir}/flyctl`;
    await writeFile(broken, '#!/nonexistent/interpreter\n', { mode: 0o755 });
    await h.settings.update((s) => ({ ...s, flyctlPath: broken }));
    const out = await h.call('fly-apps-list', {});
    expect(out.isError).toBe(true);
    expect(out.text).toContain(`Could not start flyctl at ${broken}`);
    expect(out.text).toContain('flyctlPath');
  });

  it('refuses injection attempts before starting flyctl', async () => {
    h = await flyHarness({ token: TOKEN });
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['fly-apps-destroy', { name: '--help' }],
      ['fly-apps-list', { org: '--access-token=stolen' }],
      ['fly-machine-exec', { id: '148ed599b12289', command: '-c whoami', app: 'my-app' }],
      ['fly-machine-exec', { id: '148ed599b12289', command: 'ls\nrm -rf /', app: 'my-app' }],
      ['fly-ips-release', { app: 'my-app', addresses: ['1.2.3.4', '--yes'] }],
      ['fly-secrets-unset', { app: 'my-app', names: ['A\0B'] }],
      ['fly-secrets-set', { app: 'my-app', keyvalues: ['--app=other'] }],
      ['fly-machine-create', { app: 'my-app', image: 'nginx', env: ['A=1', '--rm'] }],
      ['fly-machine-create', { app: 'my-app', image: 'nginx', port: ['80,--volume=x'] }],
      ['fly-certs-add', { app: '-a', hostname: 'x.example.com' }],
      ['fly-machine-egress-ip-list', { id: '--all', app: 'my-app' }],
    ];
    for (const [tool, args] of attempts) {
      const out = await h.call(tool, args);
      expect(out.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(out.text).toMatch(/must not|not NAME=VALUE|comma/);
    }
    expect(await h.calls()).toEqual([]);
  });

  it('refuses a local path as a machine image before starting flyctl (it would build the folder)', async () => {
    h = await flyHarness({ token: TOKEN });
    const attempts: Array<[string, Record<string, unknown>]> = [
      ['fly-machine-run', { app: 'my-app', image: '.' }],
      ['fly-machine-run', { app: 'my-app', image: '../other-project' }],
      ['fly-machine-create', { app: 'my-app', image: '/home/me/.config/Tarmac' }],
      ['fly-machine-update', { app: 'my-app', id: '148ed599b12289', image: './activity' }],
      ['fly-machine-update', { app: 'my-app', id: '148ed599b12289', image: '~/src/app' }],
    ];
    for (const [tool, args] of attempts) {
      const out = await h.call(tool, args);
      expect(out.isError, `${tool} ${JSON.stringify(args)}`).toBe(true);
      expect(out.text).toMatch(/is a local path; Tarmac does not build images from folders/);
    }
    expect(await h.calls()).toEqual([]);
  });

  it('runs flyctl in an empty folder of its own, emptied again when something appears in it', async () => {
    h = await flyHarness({ token: TOKEN });
    const workdir = join(h.dir, 'flyctl-workdir');
    await mkdir(workdir, { recursive: true });
    await writeFile(join(workdir, 'fly.toml'), 'app = "someone-elses-app"\n');
    await mkdir(join(workdir, 'src'));
    expect((await h.call('fly-status', { app: 'my-app' })).isError).toBeFalsy();
    const call = (await h.calls()).at(-1)!;
    expect(call.cwd).toBe(workdir);
    expect(call.cwd).not.toBe(h.dir);
    expect(await readdir(workdir)).toEqual([]);
  });

  it('replaces a link put in place of its working folder, and never empties the folder it points to', async () => {
    h = await flyHarness({ token: TOKEN });
    const elsewhere = join(h.dir, 'someone-elses-folder');
    await mkdir(elsewhere);
    await writeFile(join(elsewhere, 'precious.txt'), 'keep me');
    await symlink(elsewhere, join(h.dir, 'flyctl-workdir'));
    expect((await h.call('fly-status', { app: 'my-app' })).isError).toBeFalsy();
    expect(await readdir(elsewhere)).toEqual(['precious.txt']);
    expect((await lstat(join(h.dir, 'flyctl-workdir'))).isDirectory()).toBe(true);
    expect((await h.calls()).at(-1)!.cwd).toBe(join(h.dir, 'flyctl-workdir'));
  });

  it('keeps secret values out of the log, error texts and answers', async () => {
    const secretValue = 'pg-pass-7f3a9c2e41';
    h = await flyHarness({
      token: TOKEN,
      rules: [{ match: 'secrets import', fail: { code: 1, stderr: `Error: invalid secret DATABASE_URL=postgres://u:${secretValue}@db/x: rejected value postgres://u:${secretValue}@db/x` } }],
    });
    const out = await h.call('fly-secrets-set', { app: 'my-app', keyvalues: [`DATABASE_URL=postgres://u:${secretValue}@db/x`, 'SHORT=ab'] });
    expect(out.isError).toBe(true);
    expect(out.text).toContain('DATABASE_URL=[redacted]');
    expect(out.text).not.toContain(secretValue);
    const logs = h.logs();
    expect(logs).toContain('DATABASE_URL=[redacted]');
    expect(logs).toContain('SHORT=[redacted]');
    expect(logs).not.toContain(secretValue);
    expect(logs).not.toContain('SHORT=ab');
    expect(logs).not.toContain(TOKEN);
    // flyctl gets the pairs on stdin; its command line (visible in the process list) has no value.
    const last = (await h.calls()).at(-1)!;
    expect(last.argv).toEqual(['secrets', 'import', '--stage', '-a', 'my-app']);
    expect(last.secrets).toEqual({ DATABASE_URL: `postgres://u:${secretValue}@db/x`, SHORT: 'ab' });
  });

  it('hands secret values to flyctl unchanged, whatever quotes, spaces or "#" they hold', async () => {
    h = await flyHarness({ token: TOKEN });
    const values = { QUOTED: '"already quoted"', SPACED: '  leading spaces', HASH: '#not-a-comment', EQ: 'a=b==c', EMPTY: '', TRIPLE: 'x"""y', END: 'ends with "' };
    const out = await h.call('fly-secrets-set', { app: 'my-app', keyvalues: Object.entries(values).map(([k, v]) => `${k}=${v}`) });
    expect(out.isError, out.text).toBeFalsy();
    expect((await h.calls()).at(-1)!.secrets).toEqual(values);
  });

  it('refuses secrets flyctl would skip or change, and runs nothing', async () => {
    h = await flyHarness({ token: TOKEN });
    for (const [pair, why] of [
      ['#NAME=value', /starting with "#"/],
      ['NAME=""starts-with-two-quotes', /starts with two/],
      ['NAME="', /lone double quote/],
      [`BIG=${'x'.repeat(61 * 1024)}`, /longer than 60 KiB/],
    ] as const) {
      const out = await h.call('fly-secrets-set', { app: 'my-app', keyvalues: ['OK=1', pair] });
      expect(out.isError, pair.slice(0, 40)).toBe(true);
      expect(out.text).toMatch(why);
    }
    expect(await h.calls()).toEqual([]);
  });

  it('keeps only the rows of the machine asked for, matching whole ids', async () => {
    h = await flyHarness({
      token: TOKEN,
      rules: [{ match: 'machine egress-ip list', stdout: 'Machine\tEgress IPv4\n148ed599b12289\t137.66.9.1\n148ed599b122890\t137.66.9.3\n' }],
    });
    const out = await h.call('fly-machine-egress-ip-list', { id: '148ed599b12289', app: 'my-app' });
    expect(out.text).toContain('137.66.9.1');
    expect(out.text).not.toContain('137.66.9.3');
    expect(out.text.split('\n')[0]).toMatch(/^Machine/);
  });

  it('strips ANSI escapes from text output', async () => {
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'machine status', stdout: '\x1b[1mState:\x1b[0m \x1b[32mstarted\x1b[0m\r\n' }] });
    const out = await h.call('fly-machine-status', { id: '148ed599b12289', app: 'my-app' });
    expect(out.text).toBe('State: started');
  });

  it('caps output at 1 MiB with a truncation note', async () => {
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'machine exec', bigBytes: 3 * 1024 * 1024 }] });
    const out = await h.call('fly-machine-exec', { id: '148ed599b12289', command: 'cat /big', app: 'my-app' });
    expect(out.isError).toBeFalsy();
    expect(Buffer.byteLength(out.text)).toBeLessThanOrEqual(1024 * 1024);
    expect(out.text).toMatch(/\[output truncated: \d+ more bytes not shown\]$/);
  });

  it('shows non-JSON output of a JSON command as text rather than failing', async () => {
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'apps list', stdout: 'Something unexpected\n' }] });
    const out = await h.call('fly-apps-list', {});
    expect(out.isError).toBeFalsy();
    expect(out.text).toContain('Something unexpected');
    expect(out.text).toContain('did not print valid JSON');
    expect(out.structured).toBeUndefined();
  });
});

describe('fly bounds: logs, timeout, cancellation', () => {
  it('fly-logs returns an empty answer instead of hanging when an app has no logs, and leaves no process', async () => {
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'logs', hang: true }] });
    const out = await h.call('fly-logs', { app: 'quiet-app', 'wait-seconds': 1 });
    expect(out.isError).toBeFalsy();
    expect(out.text).toContain('No recent log lines');
    expect(out.text).toContain('stopped waiting after 1 s');
    const pids = await pidsOf(h.pidsFile);
    expect(pids).toHaveLength(2);
    expect(await waitFor(() => pids.every((p) => !alive(p)))).toBe(true);
  });

  it('fly-logs keeps only the newest max-lines', async () => {
    const lines = Array.from({ length: 50 }, (_, i) => `2025-06-01T12:00:${String(i).padStart(2, '0')}Z app[m1] iad [info]line ${i}`).join('\n');
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'logs', stdout: `${lines}\n` }] });
    const out = await h.call('fly-logs', { app: 'my-app', 'max-lines': 5 });
    expect(out.text.split('\n').slice(0, 5).map((l) => l.split(']').at(-1))).toEqual(['line 45', 'line 46', 'line 47', 'line 48', 'line 49']);
    expect(out.text).toContain('45 older lines left out');
  });

  it('a timeout kills flyctl and its child and says what happened', async () => {
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'machine restart', hang: true }] });
    const rt = new FlyRuntime({
      dataDir: h.dir,
      secrets: h.secrets,
      settings: h.settings,
      redactor: h.redactor,
      log: silentLog(),
      env: { PATH: process.env.PATH, HOME: h.dir, FAKE_FLYCTL_CONTROL: `${h.dir}/rules.json`, FAKE_FLYCTL_PIDS: h.pidsFile },
    });
    const def = { ...FLY_TOOLS.find((t) => t.name === 'fly-machine-restart')!, timeoutMs: 1500 };
    const ctx: ToolContext = { signal: new AbortController().signal, client: 'test', sessionId: null, log: silentLog(), progress: () => undefined };
    const out = await executeFlyTool(rt, def, z.object(def.input).parse({ id: '148ed599b12289', app: 'my-app' }), ctx);
    expect(out.isError).toBe(true);
    expect(out.text).toContain('did not finish within 2 s and was stopped');
    expect(out.text).toContain('fly-machine-list');
    const pids = await pidsOf(h.pidsFile);
    expect(pids).toHaveLength(2);
    expect(await waitFor(() => pids.every((p) => !alive(p)))).toBe(true);
  });

  it('client cancellation kills flyctl and its child', async () => {
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'machine exec', hang: true }] });
    const abort = new AbortController();
    const running = h.call('fly-machine-exec', { id: '148ed599b12289', command: 'sleep 1000', app: 'my-app' }, { signal: abort.signal });
    expect(await waitFor(async () => (await pidsOf(h!.pidsFile)).length === 2)).toBe(true);
    const pids = await pidsOf(h.pidsFile);
    expect(pids.every(alive)).toBe(true);
    abort.abort(new Error('client cancelled'));
    const out = await running;
    expect(out.isError).toBe(true);
    expect(out.text).toBe('client cancelled');
    expect(await waitFor(() => pids.every((p) => !alive(p)))).toBe(true);
  });

  it('does not wait for a leftover process that keeps stdout open after flyctl exits', async () => {
    h = await flyHarness({ token: TOKEN, rules: [{ match: 'machine start', orphan: true }] });
    const out = await h.call('fly-machine-start', { id: '148ed599b12289', app: 'my-app' });
    try {
      expect(out.isError, out.text).toBeFalsy();
      expect(out.text).toContain('148ed599b12289 has been started');
    } finally {
      for (const pid of await pidsOf(h.pidsFile)) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          // already gone
        }
      }
    }
  });

  it('an already-aborted signal starts nothing', async () => {
    h = await flyHarness({ token: TOKEN });
    const abort = new AbortController();
    abort.abort(new Error('gone'));
    const out = await h.call('fly-apps-list', {}, { signal: abort.signal });
    expect(out.text).toBe('gone');
    expect(await h.calls()).toEqual([]);
  });
});
