import { readFile, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, cliCommand, cliEnv } from '../helpers/cli.js';
import { fakeFlyctlRelease, type FlyCall } from '../helpers/fly.js';
import { installation, type Installation } from '../helpers/shipped.js';

/**
 * The installed flyctl decides the Fly tools, through `tarmac` as it ships: `tarmac status`
 * (text and --json) names the flyctl version in use and what it gets; `tarmac stdio` lists that
 * release's tools; what was learnt is kept in the data dir, so the next command asks flyctl nothing.
 */
describe.each(BUILDS)('the installed flyctl decides the Fly tools (%s)', (build) => {
  let inst: Installation;
  let flyctl: string;
  const calls = async (): Promise<FlyCall[]> =>
    (await readFile(inst.env.FAKE_FLYCTL_LOG!, 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FlyCall);

  beforeAll(async () => {
    inst = await installation(build);
    // An old flyctl: before 0.4 (it has the GPU flags), and without `machine uncordon`.
    flyctl = await fakeFlyctlRelease(join(inst.root, 'flyctl'), '0.3.45', { FAKE_FLYCTL_UNKNOWN: 'machine uncordon' });
    await writeFile(join(inst.dataDir, 'settings.json'), JSON.stringify({ flyctlPath: flyctl }));
    expect((await inst.run(['login', 'fly', '--token-stdin'], { input: 'fo1_versions-shipped-token\n' })).code).toBe(0);
  });
  afterAll(async () => {
    await inst?.cleanup();
  });

  it('tarmac status --json and tarmac status show the flyctl version in use and the tools it gets', async () => {
    const json = await inst.run(['status', '--json']);
    expect(json.code, json.stderr).toBe(0);
    const fly = (JSON.parse(json.stdout) as { providers: Array<{ id: string; details: Record<string, string | null> }> }).providers.find((p) => p.id === 'fly')!;
    expect(fly.details).toMatchObject({ flyctlPath: flyctl, flyctlVersion: '0.3.45' });
    expect(fly.details.flyctlTools).toMatch(/^59 of 60; not with this flyctl: fly-machine-upcordon; arguments only older releases have: vm-gpu-kind, vm-gpus; learnt from its --help$/);
    const text = await inst.run(['status']);
    expect(text.stdout).toContain('  flyctlVersion: 0.3.45');
    expect(text.stdout).toContain('  flyctlTools: 59 of 60; not with this flyctl: fly-machine-upcordon');
    // Learnt once (the first command), kept 0600 in the data dir: the second status asked nothing but whoami.
    const seen = await calls();
    expect(seen.filter((c) => c.argv.join(' ') === 'version')).toHaveLength(1);
    expect(seen.filter((c) => c.argv.at(-1) === '--help')).toHaveLength(60);
    expect((await stat(join(inst.dataDir, 'flyctl-capabilities.json'))).mode & 0o777).toBe(0o600);
  });

  it('tarmac stdio lists this release\'s tools: its GPU arguments, not the tool it lacks', async () => {
    const before = (await calls()).length;
    const { command, args } = cliCommand(['stdio', '--client', 'versions-test', '--data-dir', inst.dataDir], undefined, build);
    const client = new Client({ name: 'versions-test', version: '1' });
    await client.connect(new StdioClientTransport({ command, args, env: cliEnv(inst.env) as Record<string, string>, stderr: 'pipe' }));
    try {
      const tools = new Map((await client.listTools()).tools.map((t) => [t.name, t]));
      expect(tools.has('fly-machine-upcordon')).toBe(false);
      expect(Object.keys(tools.get('fly-machine-run')?.inputSchema.properties ?? {})).toEqual(expect.arrayContaining(['vm-gpus', 'vm-gpu-kind']));
      const r = await client.callTool({ name: 'fly-machine-upcordon', arguments: { id: '148ed599b12289', app: 'my-app' } });
      expect(r.isError).toBe(true);
      expect(JSON.stringify(r.content)).toContain('it has no \\"flyctl machine uncordon\\" command');
    } finally {
      await client.close();
    }
    // Nothing was asked of flyctl again: the data dir knew this binary.
    expect((await calls()).slice(before).filter((c) => c.argv[0] === 'version' || c.argv.at(-1) === '--help')).toEqual([]);
  });
});
