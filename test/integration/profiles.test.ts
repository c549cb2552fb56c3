import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Client } from '@modelcontextprotocol/client';
import { runCli } from '../../src/main/cli.js';
import { createHostApi } from '../../src/main/host/api.js';
import { LooseningRefusedError } from '../../src/main/host/guardrails/guardrails.js';
import { defaultProviders } from '../../src/main/host/providers/index.js';
import { DISCOVERY_TOOLS } from '../../src/shared/profiles.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';
import { waitFor } from '../helpers/wait.js';

let t: TestHost | undefined;
afterEach(async () => {
  await t?.stop();
  t = undefined;
});

function cli(host: TestHost) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), readStdin: async () => '' };
  return { out, err, run: (...argv: string[]) => runCli([...argv, '--data-dir', host.dataDir], io, { dataDir: host.dataDir }) };
}

const names = async (c: Client) => (await c.listTools()).tools.map((x) => x.name).sort();

async function start(clients: Record<string, string>, extra: Record<string, unknown> = {}): Promise<TestHost> {
  return startTestHost({ providers: defaultProviders(), settings: { policies: {}, profiles: { clients }, ...extra } });
}

describe('profiles over MCP', () => {
  it('tools/list holds exactly the profile’s tools, in both eras', async () => {
    t = await start({ e: 'essentials', f: 'fly', c: 'flightctl', a: 'everything' });
    const all = t.host.catalogue.list();
    const expected: Record<string, string[]> = {
      e: [...all.filter((x) => x.class === 'read').map((x) => x.name), ...DISCOVERY_TOOLS].sort(),
      f: all.filter((x) => x.provider === 'fly').map((x) => x.name).sort(),
      c: all.filter((x) => x.provider === 'flightctl').map((x) => x.name).sort(),
      a: all.map((x) => x.name).sort(),
      // A client with no profile set (one from before profiles) keeps every tool.
      old: all.map((x) => x.name).sort(),
    };
    for (const [client, tools] of Object.entries(expected)) {
      expect(await names(await t.connect(client)), client).toEqual(tools);
      expect(await names(await t.connect(client, { era: 'modern' })), `${client} (2026-07-28)`).toEqual(tools);
    }
  });

  it('a call outside the profile is refused with a message naming the profile, and recorded', async () => {
    t = await start({ f: 'fly' });
    for (const era of ['legacy', 'modern'] as const) {
      const c = await t.connect('f', { era });
      const r = await c.callTool({ name: 'query_devices', arguments: {} });
      expect(r.isError).toBe(true);
      expect(resultText(r)).toMatch(/outside the profile "fly"/);
    }
    const rec = t.activity().filter((a) => a.tool === 'query_devices');
    expect(rec).toHaveLength(2);
    expect(rec[0]?.status).toBe('denied');
    expect(rec[0]?.decision?.rule).toBe('outside profile fly of f');
  });

  it('2025 era: enabling a toolset sends list_changed and its tools appear; it stays for the client in a new session', async () => {
    t = await start({ e: 'essentials' });
    const c = await t.connect('e');
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed' as never, (() => void changed++) as never);
    const listed = await c.callTool({ name: 'tarmac_list_toolsets', arguments: {} });
    const toolsets = (listed.structuredContent as { toolsets: { name: string; description: string; tools: string[]; enabled: boolean }[] }).toolsets;
    expect(toolsets).toHaveLength(18);
    expect(toolsets.find((s) => s.name === 'fly-platform')).toMatchObject({ enabled: true });
    expect(toolsets.find((s) => s.name === 'fly-machines')).toMatchObject({ enabled: false, tools: expect.arrayContaining(['fly-machine-run']) });
    expect(await names(c)).not.toContain('fly-machine-run');
    const peek = await c.callTool({ name: 'tarmac_get_toolset_tools', arguments: { toolset: 'fly-machines' } });
    expect(resultText(peek)).toMatch(/fly-machine-run \(write\)/);
    const enabled = await c.callTool({ name: 'tarmac_enable_toolset', arguments: { toolset: 'fly-machines' } });
    expect(enabled.isError).toBeFalsy();
    await waitFor(() => changed > 0, 'list_changed');
    expect(await names(c)).toContain('fly-machine-run');
    // Across sessions: a new connection of the same client lists it; another client does not.
    expect(await names(await t.connect('e'))).toContain('fly-machine-run');
    expect(JSON.parse(await readFile(join(t.dataDir, 'settings.json'), 'utf8')).toolsetsEnabled).toEqual({ e: ['fly-machines'] });
    // A person resets it in the window: the tools leave the list again.
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      changed = 0;
      expect(await api.call('resetClientToolsets', ['e', null])).toMatchObject({ ok: true });
      await waitFor(() => changed > 0, 'list_changed after the reset');
      expect(await names(c)).not.toContain('fly-machine-run');
    } finally {
      api.close();
    }
  });

  it('2026-07-28: after enabling, the next tools/list shows the toolset and subscriptions/listen hears it', async () => {
    t = await start({ e: 'essentials' });
    const c = await t.connect('e', { era: 'modern' });
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed' as never, (() => void changed++) as never);
    const subscription = await c.listen({ toolsListChanged: true });
    try {
      expect(await names(c)).not.toContain('fly-volumes-create');
      const r = await c.callTool({ name: 'tarmac_enable_toolset', arguments: { toolset: 'fly-volumes' } });
      expect(resultText(r)).toMatch(/Enabled fly-volumes/);
      await waitFor(() => changed > 0, 'list_changed on the listen stream');
      expect(await names(c)).toContain('fly-volumes-create');
    } finally {
      await subscription.close();
    }
  });

  it('discovery cannot leave the bounds, and a profile without discovery has no discovery tools', async () => {
    t = await start({ o: 'ops', f: 'fly' }, {});
    await t.host.guardrails.saveProfile({ name: 'ops', description: 'logs', bounds: { toolsets: ['fly-logs', 'fly-apps'] }, start: { tools: ['fly-logs'], discovery: true } });
    const c = await t.connect('o');
    expect(await names(c)).toEqual(['fly-logs', ...DISCOVERY_TOOLS].sort());
    const out = await c.callTool({ name: 'tarmac_enable_toolset', arguments: { toolset: 'flightctl-devices' } });
    expect(out.isError).toBe(true);
    expect(resultText(out)).toMatch(/outside this client's profile \(ops\)/);
    const f = await t.connect('f');
    expect(await names(f)).not.toContain('tarmac_list_toolsets');
    const refused = await f.callTool({ name: 'tarmac_enable_toolset', arguments: { toolset: 'fly-apps' } });
    expect(refused.isError).toBe(true);
  });

  it('wider bounds from the terminal are refused; narrower apply at once; a hand edit cannot widen them', async () => {
    t = await start({ f: 'fly' });
    const c = await t.connect('f');
    let changed = 0;
    c.setNotificationHandler('notifications/tools/list_changed' as never, (() => void changed++) as never);
    await expect(t.host.guardrails.setClientProfile('f', 'everything', 'terminal')).rejects.toThrow(LooseningRefusedError);
    const term = cli(t);
    expect(await term.run('profile', 'set', 'f', 'everything')).toBe(1);
    expect(term.err.join('\n')).toMatch(/Refused \(f: profile fly -> everything \(24 more tools\)\): loosening protection needs a person/);
    // Narrowing from the terminal applies at once, and the client hears of it.
    await t.host.guardrails.saveProfile({ name: 'logs', description: '', bounds: { toolsets: ['fly-logs'] }, start: { all: true } });
    expect(await term.run('profile', 'set', 'f', 'logs')).toBe(0);
    await waitFor(() => changed > 0, 'list_changed after narrowing');
    expect(await names(c)).toEqual(['fly-logs', 'fly-status']);
    // A hand edit back to everything is not in force: the confirmed copy (keychain) holds the client to logs.
    const path = join(t.dataDir, 'settings.json');
    const s = JSON.parse(await readFile(path, 'utf8'));
    s.profiles.clients.f = 'everything';
    await writeFile(path, JSON.stringify(s));
    t.host.settings.invalidate();
    expect(await names(await t.connect('f'))).toEqual(['fly-logs', 'fly-status']);
    const r = await c.callTool({ name: 'fly-apps-list', arguments: {} });
    expect(resultText(r)).toMatch(/outside the profile "logs"/);
    expect((await t.host.guardrails.unconfirmed()).join('\n')).toMatch(/f: profile logs -> everything/);
    // A person in the window may widen.
    await t.host.guardrails.setClientProfile('f', 'everything', 'person');
    expect(await names(await t.connect('f'))).toHaveLength(84);
  });

  it('with --trust-terminal the terminal may widen', async () => {
    t = await startTestHost({ providers: defaultProviders(), trustTerminal: true, settings: { policies: {}, profiles: { clients: { f: 'fly' } } } });
    expect(await cli(t).run('profile', 'set', 'f', 'everything')).toBe(0);
    expect(await names(await t.connect('f'))).toHaveLength(84);
  });

  it('guardrails still apply inside a profile', async () => {
    t = await start({ f: 'fly' }, { readOnly: true });
    const c = await t.connect('f');
    const r = await c.callTool({ name: 'fly-apps-destroy', arguments: { name: 'x' } });
    expect(resultText(r)).toMatch(/read-only mode/);
  });
});
