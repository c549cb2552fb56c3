/**
 * The installed flyctl decides the Fly tool set, through a real host and the MCP SDK client:
 * tools/list per release (old 0.3.45, the reference 0.4.87, newer 0.4.96), the one line a call
 * gets for a tool or an argument this flyctl lacks, and list_changed when flyctl changes while a
 * client is connected (another path in Settings, an upgrade in place).
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createHostApi } from '../../src/main/host/api.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { fakeFlyctlRelease, type FlyCall } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';
import { waitFor } from '../helpers/wait.js';

const TOKEN = 'fm2_versions-test-token-1a2b3c4d';
let t: TestHost | undefined;
let dir: string;

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-fly-versions-'));
});
afterEach(async () => {
  await t?.stop();
  t = undefined;
  await rm(dir, { recursive: true, force: true });
});

async function start(flyctl: string): Promise<TestHost> {
  await writeFile(join(dir, 'rules.json'), '[]');
  t = await startTestHost({
    providers: [createFlyProvider],
    env: { PATH: process.env.PATH, HOME: dir, FAKE_FLYCTL_LOG: join(dir, 'calls.jsonl'), FAKE_FLYCTL_CONTROL: join(dir, 'rules.json') },
    settings: { flyctlPath: flyctl },
  });
  await t.secrets.set(FLY_TOKEN_ACCOUNT, TOKEN);
  return t;
}

async function calls(): Promise<FlyCall[]> {
  return (await readFile(join(dir, 'calls.jsonl'), 'utf8').catch(() => ''))
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FlyCall);
}

const toolsOf = async (c: Client) => new Map((await c.listTools()).tools.map((x) => [x.name, x]));
const propsOf = (tool: { inputSchema: { properties?: Record<string, unknown> } } | undefined) => Object.keys(tool?.inputSchema.properties ?? {});

describe('the Fly tools of the installed flyctl, over MCP', () => {
  it('the reference release (0.4.87): the 60 tools, no GPU arguments; naming one gets one line saying which release removed it', async () => {
    await start(await fakeFlyctlRelease(join(dir, 'flyctl'), '0.4.87'));
    const c = await t!.connect();
    const tools = await toolsOf(c);
    expect([...tools.keys()].filter((n) => n.startsWith('fly-'))).toHaveLength(60);
    expect(propsOf(tools.get('fly-machine-run'))).not.toContain('vm-gpus');

    const before = (await calls()).length;
    const r = await c.callTool({ name: 'fly-machine-run', arguments: { app: 'my-app', image: 'nginx:1.27', 'vm-gpus': 1 } });
    expect(r.isError).toBe(true);
    expect(resultText(r)).toBe(
      'fly-machine-run has no "vm-gpus" argument with the installed flyctl (v0.4.87): flyctl 0.4 removed the GPU flags from the machine commands in 2026 (v0.4.87 has none). Leave it out.',
    );
    expect((await calls()).length).toBe(before);
    expect(t!.activity().find((a) => a.tool === 'fly-machine-run')).toMatchObject({ status: 'invalid' });
  });

  it('an old release (0.3.45) that lacks a command and a flag: its GPU arguments are offered and reach flyctl; the missing tool is not listed and answers one line', async () => {
    await start(await fakeFlyctlRelease(join(dir, 'flyctl'), '0.3.45', { FAKE_FLYCTL_UNKNOWN: 'machine uncordon', FAKE_FLYCTL_UNKNOWN_FLAGS: 'machine update:--use-zstd' }));
    const c = await t!.connect();
    const tools = await toolsOf(c);
    expect(tools.has('fly-machine-upcordon')).toBe(false);
    expect([...tools.keys()].filter((n) => n.startsWith('fly-'))).toHaveLength(59);
    expect(propsOf(tools.get('fly-machine-run'))).toEqual(expect.arrayContaining(['vm-gpus', 'vm-gpu-kind']));
    expect(propsOf(tools.get('fly-machine-update'))).not.toContain('use-zstd');
    expect(propsOf(tools.get('fly-machine-update'))).toContain('vm-gpus');

    const run = await c.callTool({ name: 'fly-machine-run', arguments: { app: 'my-app', image: 'nginx:1.27', 'vm-gpus': 1, 'vm-gpu-kind': 'l40s' } });
    expect(resultText(run), resultText(run)).not.toMatch(/error/i);
    expect((await calls()).at(-1)!.argv).toEqual(['machine', 'run', 'nginx:1.27', '-a', 'my-app', '--vm-gpu-kind', 'l40s', '--vm-gpus', '1']);

    const before = (await calls()).length;
    const missing = await c.callTool({ name: 'fly-machine-upcordon', arguments: { id: '148ed599b12289', app: 'my-app' } });
    expect(missing.isError).toBe(true);
    expect(resultText(missing)).toMatch(/^fly-machine-upcordon is not available with the installed flyctl \(v0\.3\.45\): it has no "flyctl machine uncordon" command; flyctl v0\.4\.87 has it/);
    expect(resultText(missing)).not.toContain('\n');
    const zstd = await c.callTool({ name: 'fly-machine-update', arguments: { app: 'my-app', id: '148ed599b12289', 'use-zstd': true } });
    expect(resultText(zstd)).toMatch(/^fly-machine-update has no "use-zstd" argument with the installed flyctl \(v0\.3\.45\).*flyctl v0\.4\.87 has it/);
    expect((await calls()).length).toBe(before);

    // The window and `tarmac status` say which flyctl decided this.
    const [fly] = await t!.host.status();
    expect(fly!.details).toMatchObject({ flyctlVersion: '0.3.45', flyctlTools: expect.stringMatching(/^59 of 60; not with this flyctl: fly-machine-upcordon/) });
  });

  it('a newer release (0.4.96): the same tools and schemas as the reference one', async () => {
    await start(await fakeFlyctlRelease(join(dir, 'flyctl'), '0.4.87'));
    const reference = await toolsOf(await t!.connect());
    await t!.stop();
    t = undefined;
    await start(await fakeFlyctlRelease(join(dir, 'flyctl-new'), '0.4.96'));
    const newer = await toolsOf(await t!.connect());
    expect([...newer.keys()].sort()).toEqual([...reference.keys()].sort());
    for (const [name, tool] of reference) expect(newer.get(name)?.inputSchema, name).toEqual(tool.inputSchema);
    expect((await calls()).some((x) => x.argv.at(-1) === '--help')).toBe(true);
  });

  it('another flyctl path in Settings: a connected 2025-era client hears list_changed and sees the new tools', async () => {
    await start(await fakeFlyctlRelease(join(dir, 'flyctl'), '0.4.87'));
    const old = await fakeFlyctlRelease(join(dir, 'flyctl-old'), '0.3.45');
    const c = await t!.connect();
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed' as never, (() => void changed++) as never);
    expect(propsOf((await toolsOf(c)).get('fly-machine-clone'))).not.toContain('vm-gpus');

    const api = createHostApi(t!.host, { openBrowser: async () => undefined });
    try {
      expect(await api.call('updateSettings', [{ flyctlPath: old }])).toMatchObject({ ok: true });
      await waitFor(() => changed > 0, 'list_changed after the flyctl path changed');
      expect(changed).toBe(1);
      expect(propsOf((await toolsOf(c)).get('fly-machine-clone'))).toContain('vm-gpus');
      const [fly] = await t!.host.status();
      expect(fly!.details.flyctlVersion).toBe('0.3.45');
    } finally {
      api.close();
    }
  });

  it('flyctl upgraded in place while a client is connected: its next tools/list is the new release\'s, and list_changed arrives', async () => {
    const bin = await fakeFlyctlRelease(join(dir, 'flyctl'), '0.3.45');
    await start(bin);
    const c = await t!.connect();
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed' as never, (() => void changed++) as never);
    expect(propsOf((await toolsOf(c)).get('fly-machine-run'))).toContain('vm-gpus');

    await fakeFlyctlRelease(bin, '0.4.87');
    // A look at the binary is reused for a second; the next tools/list after that looks again.
    await new Promise((r) => setTimeout(r, 1100));
    expect(propsOf((await toolsOf(c)).get('fly-machine-run'))).not.toContain('vm-gpus');
    await waitFor(() => changed > 0, 'list_changed after the upgrade');
    const versions = (await calls()).filter((x) => x.argv.join(' ') === 'version');
    expect(versions).toHaveLength(2);
    // The probes never carry the Fly token.
    expect(versions.every((x) => x.env.FLY_ACCESS_TOKEN === undefined && x.env.FLY_API_TOKEN === undefined)).toBe(true);
  });

  it('a 2026-07-28 client learns a new flyctl on its next request, and hears list_changed on subscriptions/listen', async () => {
    const bin = await fakeFlyctlRelease(join(dir, 'flyctl'), '0.4.87');
    await start(bin);
    const c = await t!.connect('modern-client', { era: 'modern' });
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed' as never, (() => void changed++) as never);
    const subscription = await c.listen({ toolsListChanged: true });
    try {
      expect(propsOf((await toolsOf(c)).get('fly-machine-run'))).not.toContain('vm-gpus');
      await fakeFlyctlRelease(bin, '0.3.45');
      await new Promise((r) => setTimeout(r, 1100));
      expect(propsOf((await toolsOf(c)).get('fly-machine-run'))).toContain('vm-gpus');
      await waitFor(() => changed > 0, 'list_changed on the listen stream');
    } finally {
      await subscription.close();
    }
  });
});
