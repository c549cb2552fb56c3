import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { clientListing, DISCOVERY_TOOLS, NO_PROFILES } from '../../src/shared/profiles.js';
import { TOOLSETS } from '../../src/shared/toolsets.js';
import { ESSENTIALS_BUDGET, listCost } from '../../src/shared/tool-cost.js';
import { TOOL_TOKENS } from '../../src/shared/tool-tokens.js';
import { contextHost, definitionTokens, type ListedTool } from '../helpers/context.js';

let ctx: Awaited<ReturnType<typeof contextHost>>;
const lists = new Map<string, ListedTool[]>();

beforeAll(async () => {
  ctx = await contextHost();
  for (const p of ['essentials', 'fly', 'flightctl', 'everything']) lists.set(p, await ctx.list(p));
}, 60_000);
afterAll(() => ctx?.close());

describe('toolsets, profiles and what their definitions cost', () => {
  it('has the toolsets the issue names, and every one of the 84 tools is in exactly one', () => {
    expect(TOOLSETS.map((t) => t.name)).toEqual([
      'fly-apps', 'fly-machines', 'fly-logs', 'fly-certs', 'fly-ips', 'fly-orgs', 'fly-secrets', 'fly-volumes', 'fly-platform',
      'flightctl-devices', 'flightctl-fleets', 'flightctl-events', 'flightctl-enrollment', 'flightctl-repositories', 'flightctl-console', 'flightctl-orgs',
      'flightctl-vulnerabilities', 'flightctl-catalogs',
    ]);
    const tools = ctx.host.catalogue.list();
    expect(tools).toHaveLength(84);
    for (const tool of tools) {
      const holders = TOOLSETS.filter((set) => set.tools.includes(tool.name));
      expect(holders.map((h) => h.name), tool.name).toHaveLength(1);
      expect(holders[0]?.provider, tool.name).toBe(tool.provider);
    }
    // No toolset names a tool that does not exist.
    expect(TOOLSETS.flatMap((t) => t.tools).sort()).toEqual(tools.map((t) => t.name).sort());
  });

  it('each shipped profile lists exactly its tools', () => {
    const names = (p: string) => (lists.get(p) ?? []).map((t) => t.name).sort();
    const all = ctx.host.catalogue.list();
    expect(names('everything')).toEqual(all.map((t) => t.name).sort());
    expect(names('fly')).toEqual(all.filter((t) => t.provider === 'fly').map((t) => t.name).sort());
    expect(names('flightctl')).toEqual(all.filter((t) => t.provider === 'flightctl').map((t) => t.name).sort());
    expect(names('essentials')).toEqual([...all.filter((t) => t.class === 'read').map((t) => t.name), ...DISCOVERY_TOOLS].sort());
  });

  it(`essentials, the default of a new client, costs at most ${ESSENTIALS_BUDGET} tokens; the window's counts are current`, () => {
    const essentials = (lists.get('essentials') ?? []).reduce((n, t) => n + definitionTokens(t), 0);
    expect(essentials).toBeLessThanOrEqual(ESSENTIALS_BUDGET);
    // src/shared/tool-tokens.ts is generated (`npm run bench:context -- --write`): stale counts fail here.
    for (const tool of [...(lists.get('everything') ?? []), ...(lists.get('essentials') ?? [])]) expect(TOOL_TOKENS[tool.name], tool.name).toBe(definitionTokens(tool));
    const names = (lists.get('essentials') ?? []).map((t) => t.name).filter((n) => !(DISCOVERY_TOOLS as readonly string[]).includes(n));
    expect(listCost(names, true)).toBe(essentials);
  });

  it('every tool within the bounds of essentials is reachable in two discovery calls (list, then enable its toolset)', () => {
    const facts = ctx.host.catalogue.facts();
    const state = { ...NO_PROFILES, clients: { c: 'essentials' } };
    const first = clientListing(state, undefined, [], [], 'c', facts);
    expect(first.bounds.size).toBe(84);
    const reached = new Set(first.listed);
    for (const set of first.toolsets) for (const n of clientListing(state, undefined, [set.name], [], 'c', facts).listed) reached.add(n);
    expect([...reached].sort()).toEqual([...first.bounds].sort());
  });

  it('the discovery tools are a few hundred bytes each', () => {
    for (const t of (lists.get('essentials') ?? []).filter((x) => x.name.startsWith('tarmac_'))) {
      expect(Buffer.byteLength(JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema })), t.name).toBeLessThan(600);
    }
  });
});
