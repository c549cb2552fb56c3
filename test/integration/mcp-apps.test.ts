/**
 * MCP Apps (io.modelcontextprotocol/ui) as clients negotiate it, in both protocol eras, with the
 * MCP SDK client against a real host: a client that declares the extension sees `_meta.ui` on the
 * tools with a view, the `resources` capability and the views as ui:// resources (HTML of the
 * mcp-app MIME type, its sandbox in `_meta.ui.csp`); any other client sees the tools exactly as
 * before. Tool results are the same for both.
 */
import type { Client } from '@modelcontextprotocol/client';
import { RESOURCE_MIME_TYPE } from '@modelcontextprotocol/ext-apps/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { VIEWS } from '../../src/main/host/mcp/apps/views.js';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { startTestHost, type ConnectOptions, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';

const FLY_TOKEN = 'fm2_apps-test-token-5a4b3c2d1e';
const UI = { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: [RESOURCE_MIME_TYPE] } } };
const VIEW_TOOLS = new Map(VIEWS.flatMap((v) => v.tools.map((t) => [t, v.uri] as const)));

let sim: FlightctlSim;
let t: TestHost;
let secrets: string[] = [];

beforeAll(async () => {
  sim = await startFlightctlSim({ devices: 12, fleets: 3 });
  t = await startTestHost({
    providers: [createFlyProvider, createFlightctlProvider],
    env: { PATH: process.env.PATH, HOME: '/nonexistent-tarmac-test-home' },
    settings: { flyctlPath: FAKE_FLYCTL, flightctl: { apiUrl: sim.url } },
  });
  await t.secrets.set(FLY_TOKEN_ACCOUNT, FLY_TOKEN);
  const s = await signIn(sim, t.secrets);
  secrets = [FLY_TOKEN, s.accessToken, s.idToken, s.refreshToken];
});

afterAll(async () => {
  await t?.stop();
  await sim?.stop();
});

const eras: Array<[string, ConnectOptions]> = [
  ['2026-07-28', { era: 'modern' }],
  ['2025-11-25', {}],
  ['2025-06-18', { protocolVersion: '2025-06-18' }],
];

describe.each(eras)('a %s client', (_version, era) => {
  let plain: Client;
  let apps: Client;
  beforeAll(async () => {
    plain = await t.connect('test', era);
    apps = await t.connect('test', { ...era, capabilities: UI });
  });

  it('that declares the extension sees each view on its tool, and the resources capability', async () => {
    const { tools } = await apps.listTools();
    for (const tool of tools) {
      const uri = VIEW_TOOLS.get(tool.name);
      if (uri) expect(tool._meta, tool.name).toMatchObject({ ui: { resourceUri: uri }, 'ui/resourceUri': uri });
      else expect(tool._meta?.ui, tool.name).toBeUndefined();
    }
    expect(tools.filter((tool) => tool._meta?.ui).map((tool) => tool.name).sort()).toEqual([...VIEW_TOOLS.keys()].sort());
    const capabilities = apps.getServerCapabilities();
    expect(capabilities?.resources).toBeDefined();
    expect(capabilities?.extensions).toHaveProperty(['io.modelcontextprotocol/ui']);
  });

  it('that does not sees the tools as before: no _meta.ui, no resources', async () => {
    const { tools } = await plain.listTools();
    expect(tools.length).toBeGreaterThan(60);
    expect(tools.filter((tool) => tool._meta?.ui !== undefined || tool._meta?.['ui/resourceUri'] !== undefined)).toEqual([]);
    const capabilities = plain.getServerCapabilities();
    expect(capabilities?.resources).toBeUndefined();
    expect(capabilities?.extensions?.['io.modelcontextprotocol/ui']).toBeUndefined();
    expect(capabilities?.tools).toBeDefined();
  });

  it('that declares the extension without the mcp-app MIME type gets no views', async () => {
    const other = await t.connect('test', { ...era, capabilities: { extensions: { 'io.modelcontextprotocol/ui': { mimeTypes: ['text/uri-list'] } } } });
    const { tools } = await other.listTools();
    expect(tools.some((tool) => tool._meta?.ui)).toBe(false);
    expect(other.getServerCapabilities()?.resources).toBeUndefined();
  });

  it('lists the views and reads each as sandboxed HTML of the mcp-app type', async () => {
    const { resources } = await apps.listResources();
    expect(resources.map((r) => r.uri).sort()).toEqual(VIEWS.map((v) => v.uri).sort());
    for (const r of resources) expect(r).toMatchObject({ mimeType: RESOURCE_MIME_TYPE, _meta: { ui: { csp: { connectDomains: [], resourceDomains: [] } } } });
    for (const view of VIEWS) {
      const { contents } = await apps.readResource({ uri: view.uri });
      expect(contents).toHaveLength(1);
      const [content] = contents;
      expect(content).toMatchObject({ uri: view.uri, mimeType: RESOURCE_MIME_TYPE, _meta: { ui: { csp: { connectDomains: [], resourceDomains: [] }, prefersBorder: true } } });
      const html = (content as { text: string }).text;
      expect(html.startsWith('<!doctype html>')).toBe(true);
      expect(html).toContain(`data-view="${view.id}"`);
      const csp = /<meta http-equiv="Content-Security-Policy" content="([^"]+)">/.exec(html)?.[1];
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("connect-src 'none'");
      expect(csp).toContain("img-src data:");
      // Everything inline: nothing for the page to fetch.
      expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=|<img[^>]+src=|<iframe/i);
      // Nothing secret: the page is the same for everyone and holds no credential.
      for (const secret of secrets) expect(html).not.toContain(secret);
      // Hosts refuse large pages (1 MiB seen in the wild); the bundle stays well under it.
      expect(Buffer.byteLength(html)).toBeLessThan(640 * 1024);
    }
  });

  it('answers a tool with a view exactly as it answers a client without views', async () => {
    for (const [name, args] of [
      ['fly-machine-list', { app: 'my-app' }],
      ['query_devices', {}],
    ] as const) {
      const [a, b] = await Promise.all([apps.callTool({ name, arguments: args }), plain.callTool({ name, arguments: args })]);
      expect(a.isError, resultText(a)).toBeFalsy();
      expect(resultText(a)).toBe(resultText(b));
      expect(a.structuredContent).toEqual(b.structuredContent);
      expect(a.structuredContent).toBeDefined();
    }
  });
});
