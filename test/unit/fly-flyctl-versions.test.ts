/**
 * The installed flyctl decides the Fly tool set: the version table, reading `--help`, the layer
 * over the tool table, and learning once per binary (cached in the data dir). Fake flyctls of an
 * old (0.3.45, with the GPU flags 0.4 removed), the reference (0.4.87) and a newer (0.4.96) release.
 */
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { CAPABILITIES_FILE, FlyctlLearner, type FlyctlFacts } from '../../src/main/host/providers/fly/capabilities.js';
import { flagOf, TOOL_COMMANDS } from '../../src/main/host/providers/fly/commands.js';
import { compareVersions, eraOf } from '../../src/main/host/providers/fly/flyctl-versions.js';
import { parseHelp } from '../../src/main/host/providers/fly/help.js';
import { chooseFlyTools, helpNeeded, toolsSummary } from '../../src/main/host/providers/fly/toolset.js';
import { FLY_TOOLS } from '../../src/main/host/providers/fly/tools.js';
import { FLY_CASES } from '../helpers/fly-cases.js';
import { FAKE_FLYCTL, fakeFlyctlRelease, type FlyCall } from '../helpers/fly.js';

const run = promisify(execFile);

/** What `flyctl <command> --help` prints from the fake, as parseHelp gets it. */
async function helpOf(command: string, env: Record<string, string> = {}) {
  try {
    const { stdout, stderr } = await run(process.execPath, [FAKE_FLYCTL, ...command.split(' '), '--help'], { env: { PATH: process.env.PATH, ...env } });
    return { exitCode: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string };
    return { exitCode: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('the version table', () => {
  it('orders releases by x.y.z (a development build is its release)', () => {
    expect(compareVersions('0.4.87-6-gad0172fac', '0.4.87')).toBe(0);
    expect(compareVersions('0.3.45', '0.4.87')).toBe(-1);
    expect(compareVersions('0.4.100', '0.4.96')).toBe(1);
    expect(eraOf('0.4.87')).toBe('reference');
    expect(eraOf('0.4.90')).toBe('seen');
    expect(eraOf('0.5.0')).toBe('newer');
    expect(eraOf('0.3.45')).toBe('older');
    expect(eraOf(null)).toBe('unknown');
    expect(eraOf('dev')).toBe('unknown');
  });

  it('asks no --help at the reference release, only about arguments at releases it saw, about everything otherwise', () => {
    expect(helpNeeded('0.4.87', FLY_TOOLS)).toEqual([]);
    expect(helpNeeded(null, FLY_TOOLS)).toEqual([]);
    const seen = helpNeeded('0.4.96', FLY_TOOLS);
    expect(seen).toContain('machine run');
    expect(seen).not.toContain('orgs list');
    expect(helpNeeded('0.3.45', FLY_TOOLS)).toHaveLength(60);
    expect(helpNeeded('0.5.0', FLY_TOOLS)).toHaveLength(60);
  });
});

describe('the tool -> command map', () => {
  const SHORT: Record<string, string> = { '-a': '--app' };
  /** A value of the argument's type (the first enum value, a NAME=VALUE for lists). */
  const sample = (schema: z.ZodType, flip: boolean): unknown => {
    const js = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as { type?: string; enum?: unknown[] };
    if (js.enum) return js.enum[0];
    if (js.type === 'boolean') return !flip;
    if (js.type === 'number' || js.type === 'integer') return 2;
    if (js.type === 'array') return ['A=b'];
    return 'x1';
  };

  it('names the command every tool runs, as its argv starts', () => {
    expect(Object.keys(TOOL_COMMANDS).sort()).toEqual(FLY_TOOLS.map((t) => t.name).sort());
    for (const c of FLY_CASES) expect(c.argv.slice(0, TOOL_COMMANDS[c.tool]!.split(' ').length).join(' '), c.tool).toBe(TOOL_COMMANDS[c.tool]);
  });

  it('maps every optional argument to the flag its argv carries', () => {
    let checked = 0;
    for (const def of FLY_TOOLS) {
      const base = FLY_CASES.find((c) => c.tool === def.name)!.args;
      for (const [arg, schema] of Object.entries(def.input)) {
        if (!(schema as z.ZodType).safeParse(undefined).success || arg in base) continue;
        const flag = flagOf(def.name, arg);
        if (flag === null) continue;
        // A switch shows when true, an inverted one (--no-encryption) when false.
        const argvs = [false, true].map((flip) => {
          const args = z.object(def.input).parse({ ...base, [arg]: sample(schema as z.ZodType, flip) });
          return def.argv(args).map((w) => SHORT[w] ?? w.split('=')[0]);
        });
        expect(argvs.some((argv) => argv.includes(flag)), `${def.name} ${arg} -> ${flag}`).toBe(true);
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(60);
  });
});

describe('reading --help', () => {
  it('lists the flags of a command, as the fake prints them', async () => {
    const facts = parseHelp('machine run', await helpOf('machine run'));
    expect(facts).not.toBeNull();
    const flags = (facts as { flags: Record<string, string> }).flags;
    expect(Object.keys(flags)).toEqual(expect.arrayContaining(['app', 'autostart', 'autostop', 'vm-size', 'user', 'help', 'access-token', 'verbose']));
    expect(flags).not.toHaveProperty('vm-gpus');
    expect(flags.app).toBe('Application name');
  });

  it('sees the GPU flags of a release before 0.4', async () => {
    const facts = parseHelp('machine update', await helpOf('machine update', { FAKE_FLYCTL_VERSION: '0.3.45' })) as { flags: Record<string, string> };
    expect(facts.flags['vm-gpus']).toMatch(/Number of GPUs/);
    expect(facts.flags).toHaveProperty('vm-gpu-kind');
  });

  it('takes an alias for its command (certs show is certs check)', async () => {
    const facts = parseHelp('certs show', await helpOf('certs show'));
    expect(facts).toMatchObject({ flags: { app: expect.any(String), json: expect.any(String) } });
  });

  it('says a subcommand is missing when its group answers (cobra), or the top level says unknown command', async () => {
    expect(parseHelp('machine uncordon', await helpOf('machine uncordon', { FAKE_FLYCTL_UNKNOWN: 'machine uncordon' }))).toBe('missing');
    expect(parseHelp('volume snapshots list', await helpOf('volume snapshots list', { FAKE_FLYCTL_UNKNOWN: 'volume snapshots list' }))).toBe('missing');
    expect(parseHelp('status', await helpOf('status', { FAKE_FLYCTL_UNKNOWN: 'status' }))).toBe('missing');
  });

  it('gives null (nothing known) for anything else', async () => {
    expect(parseHelp('machine run', await helpOf('machine run', { FAKE_FLYCTL_HELP: 'garbage' }))).toBeNull();
    expect(parseHelp('machine run', { exitCode: 1, stdout: '', stderr: 'Error: something else' })).toBeNull();
    // Another command's help (not ours, not an alias) says nothing about ours.
    expect(parseHelp('machine run', await helpOf('machine list'))).toBeNull();
    expect(parseHelp('machine run', { exitCode: 0, stdout: 'Usage:\n  flyctl machine run [flags]\n\nFlags:\n', stderr: '' })).toBeNull();
  });
});

describe('learning a flyctl, once per binary', () => {
  let dir: string;
  let log: string;
  const calls = async (): Promise<FlyCall[]> =>
    (await readFile(log, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FlyCall);
  const learner = (env: Record<string, string> = {}) =>
    new FlyctlLearner({
      dataDir: dir,
      env: { PATH: process.env.PATH, FAKE_FLYCTL_LOG: log, FLY_ACCESS_TOKEN: 'fm2_must-not-reach-the-probe', GITHUB_TOKEN: 'ghp_nope', ...env },
      log: pino({ level: 'silent' }),
      workdir: async () => dir,
      helpFor: (version) => helpNeeded(version, FLY_TOOLS),
    });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tarmac-flyctl-learn-'));
    log = join(dir, 'calls.jsonl');
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('asks the reference release only its version, without any credential, and keeps the answer (0600)', async () => {
    const bin = await fakeFlyctlRelease(join(dir, 'flyctl'), '0.4.87');
    const facts = await learner().learn(bin);
    expect(facts).toMatchObject({ path: bin, version: '0.4.87', help: {} });
    const seen = await calls();
    expect(seen.map((c) => c.argv)).toEqual([['version']]);
    // No token, nothing else secret-looking; flyctl is told not to check for updates meanwhile.
    expect(seen[0]!.env).toEqual({ FLY_NO_UPDATE_CHECK: '1' });
    expect(seen[0]!.cwd).toBe(dir);
    const file = join(dir, CAPABILITIES_FILE);
    expect((await stat(file)).mode & 0o777).toBe(0o600);
    expect(JSON.parse(await readFile(file, 'utf8'))).toMatchObject({ format: 1, binaries: [{ path: bin, version: '0.4.87' }] });
  });

  it('does not ask again on a second start, and asks again after an upgrade', async () => {
    const bin = await fakeFlyctlRelease(join(dir, 'flyctl'), '0.3.45');
    const first = await learner().learn(bin);
    const asked = (await calls()).length;
    expect(asked).toBe(61); // version + one --help per command
    expect(first!.help['machine run']).toMatchObject({ flags: { 'vm-gpus': expect.any(String) } });

    // A new process (another start): the data dir answers, flyctl is not run.
    const again = await learner().learn(bin);
    expect((await calls()).length).toBe(asked);
    expect(again).toEqual(first);

    // The same path, another file: an upgrade to the reference release.
    await fakeFlyctlRelease(bin, '0.4.87');
    const upgraded = await learner().learn(bin);
    expect(upgraded?.version).toBe('0.4.87');
    expect((await calls()).slice(asked).map((c) => c.argv)).toEqual([['version']]);
    // One entry per path: the upgraded binary's facts replace the old ones.
    const kept = JSON.parse(await readFile(join(dir, CAPABILITIES_FILE), 'utf8')) as { binaries: FlyctlFacts[] };
    expect(kept.binaries.map((b) => b.version)).toEqual(['0.4.87']);
  });

  it('tells listeners when the binary in use changes, not when it is the same', async () => {
    const a = await fakeFlyctlRelease(join(dir, 'flyctl-a'), '0.4.87');
    const b = await fakeFlyctlRelease(join(dir, 'flyctl-b'), '0.4.96');
    const l = learner();
    const heard: (string | null)[] = [];
    l.onChange((f) => heard.push(f?.version ?? null));
    await l.learn(a);
    await l.learn(a);
    await l.learn(b);
    await l.learn(null);
    expect(heard).toEqual(['0.4.87', '0.4.96', null]);
  });

  it('does not keep a program that did not answer like flyctl, and a cache file it cannot read is ignored', async () => {
    const { writeFile } = await import('node:fs/promises');
    await writeFile(join(dir, CAPABILITIES_FILE), '{not json');
    const bin = join(dir, 'not-flyctl');
    await writeFile(bin, '#!/bin/sh\necho hello\n', { mode: 0o755 });
    const facts = await learner().learn(bin);
    expect(facts?.version).toBeNull();
    expect(await readFile(join(dir, CAPABILITIES_FILE), 'utf8')).toBe('{not json');
  });
});

describe('the tools offered per release', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tarmac-flyctl-tools-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });
  const learnt = async (version: string, switches: Record<string, string> = {}) => {
    const bin = await fakeFlyctlRelease(join(dir, `flyctl-${version}`), version, switches);
    const l = new FlyctlLearner({
      dataDir: dir,
      env: { PATH: process.env.PATH },
      log: pino({ level: 'silent' }),
      workdir: async () => dir,
      helpFor: (v) => helpNeeded(v, FLY_TOOLS),
    });
    return (await l.learn(bin))!;
  };
  const inputOf = (facts: FlyctlFacts | null, tool: string) => Object.keys(chooseFlyTools(FLY_TOOLS, facts).find((c) => c.def.name === tool)!.def.input).sort();
  const baseline = (tool: string) => Object.keys(FLY_TOOLS.find((t) => t.name === tool)!.input).sort();

  it('the reference release: exactly the table, and the GPU arguments named with the release that removed them', async () => {
    const facts = await learnt('0.4.87');
    const choices = chooseFlyTools(FLY_TOOLS, facts);
    expect(choices.every((c) => !c.unavailable && FLY_TOOLS.includes(c.def))).toBe(true);
    const run = choices.find((c) => c.def.name === 'fly-machine-run')!;
    expect(run.unsupportedArgs?.['vm-gpus']).toBe(
      'fly-machine-run has no "vm-gpus" argument with the installed flyctl (v0.4.87): flyctl 0.4 removed the GPU flags from the machine commands in 2026 (v0.4.87 has none). Leave it out.',
    );
    expect(toolsSummary(choices, facts)).toBe('60 of 60');
  });

  it('an old release (0.3.45): its GPU arguments too, with their help text, appended to the command line', async () => {
    const facts = await learnt('0.3.45');
    for (const tool of ['fly-machine-clone', 'fly-machine-create', 'fly-machine-run', 'fly-machine-update']) {
      expect(inputOf(facts, tool), tool).toEqual([...baseline(tool), 'vm-gpu-kind', 'vm-gpus'].sort());
    }
    const run = chooseFlyTools(FLY_TOOLS, facts).find((c) => c.def.name === 'fly-machine-run')!;
    expect((run.def.input['vm-gpus'] as z.ZodType).description).toContain('Number of GPUs. Must also choose the GPU model');
    const args = z.object(run.def.input).parse({ app: 'my-app', image: 'nginx:1.27', 'vm-gpus': 1, 'vm-gpu-kind': 'l40s' });
    expect(run.def.argv(args).slice(-4)).toEqual(['--vm-gpu-kind', 'l40s', '--vm-gpus', '1']);
    expect(run.unsupportedArgs ?? {}).toEqual({});
    expect(toolsSummary(chooseFlyTools(FLY_TOOLS, facts), facts)).toBe('60 of 60; arguments only older releases have: vm-gpu-kind, vm-gpus; learnt from its --help');
  });

  it('an old release that lacks a command and a flag: the tool is not offered, the argument is not in the schema, each with one line', async () => {
    const facts = await learnt('0.3.45', { FAKE_FLYCTL_UNKNOWN: 'machine uncordon', FAKE_FLYCTL_UNKNOWN_FLAGS: 'machine update:--use-zstd' });
    const choices = chooseFlyTools(FLY_TOOLS, facts);
    const uncordon = choices.find((c) => c.def.name === 'fly-machine-upcordon')!;
    expect(uncordon.unavailable).toBe(
      'fly-machine-upcordon is not available with the installed flyctl (v0.3.45): it has no "flyctl machine uncordon" command; ' +
        'flyctl v0.4.87 has it: update flyctl (`fly version upgrade`, or `brew upgrade flyctl` for a Homebrew install), and Tarmac offers it again.',
    );
    const update = choices.find((c) => c.def.name === 'fly-machine-update')!;
    expect(Object.keys(update.def.input)).not.toContain('use-zstd');
    expect(update.unsupportedArgs?.['use-zstd']).toBe(
      'fly-machine-update has no "use-zstd" argument with the installed flyctl (v0.3.45): "flyctl machine update --help" lists no --use-zstd; ' +
        'flyctl v0.4.87 has it: update flyctl (`fly version upgrade`, or `brew upgrade flyctl` for a Homebrew install) to use it.',
    );
    expect(update.unsupportedArgs?.['use-zstd']).not.toContain('\n');
    expect(toolsSummary(choices, facts)).toBe('59 of 60; not with this flyctl: fly-machine-upcordon; arguments it lacks: fly-machine-update use-zstd; arguments only older releases have: vm-gpu-kind, vm-gpus; learnt from its --help');
  });

  it('a help text that does not parse takes nothing away and adds nothing', async () => {
    const facts = await learnt('0.3.45', { FAKE_FLYCTL_HELP: 'garbage' });
    expect(Object.values(facts.help).every((h) => h === null)).toBe(true);
    const choices = chooseFlyTools(FLY_TOOLS, facts);
    expect(choices.every((c) => !c.unavailable && FLY_TOOLS.includes(c.def))).toBe(true);
    expect(choices.find((c) => c.def.name === 'fly-machine-run')!.unsupportedArgs?.['vm-gpus']).toContain('lists --vm-gpus');
    expect(toolsSummary(choices, facts)).toBe('60 of 60; its --help could not be read: tools as flyctl v0.4.87');
  });

  it('a newer release (0.4.96): the same tools as the reference one, read from its help; a flag it dropped is left out', async () => {
    const same = await learnt('0.4.96');
    for (const def of FLY_TOOLS) expect(inputOf(same, def.name), def.name).toEqual(baseline(def.name));
    expect(Object.keys(same.help).length).toBeGreaterThan(10);

    const dropped = await learnt('0.4.97', { FAKE_FLYCTL_UNKNOWN_FLAGS: 'machine update:--use-zstd', FAKE_FLYCTL_UNKNOWN: 'machine uncordon' });
    const update = chooseFlyTools(FLY_TOOLS, dropped).find((c) => c.def.name === 'fly-machine-update')!;
    expect(update.unsupportedArgs?.['use-zstd']).toContain('lists no --use-zstd; flyctl v0.4.87 had it; this newer release dropped or renamed it, so leave it out.');
    // Past the newest release the reference saw, a missing command is believed too.
    expect(chooseFlyTools(FLY_TOOLS, dropped).find((c) => c.def.name === 'fly-machine-upcordon')!.unavailable).toContain('this newer release has no such command');
  });

  it('a release the table knows keeps its tools whatever its help says', async () => {
    const facts = await learnt('0.4.90', { FAKE_FLYCTL_UNKNOWN: 'machine uncordon' });
    expect(chooseFlyTools(FLY_TOOLS, facts).find((c) => c.def.name === 'fly-machine-upcordon')!.unavailable).toBeUndefined();
  });
});
