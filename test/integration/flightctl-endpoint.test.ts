/**
 * The Flight Control provider served by a real host and called with the MCP SDK client over
 * Streamable HTTP: the tool list and annotations, compact answers with structuredContent,
 * clear isError results, a remote command, and no token in the activity log or the app log.
 */
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { readSession } from '../../src/main/host/providers/flightctl/tokens.js';
import { annotationsFor } from '../../src/shared/policy.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';

let sim: FlightctlSim;
let t: TestHost;
let client: Client;
let tokens: string[] = [];

beforeAll(async () => {
  sim = await startFlightctlSim({ devices: 40 });
  t = await startTestHost({
    providers: [createFlightctlProvider],
    env: { HOME: '/nonexistent-tarmac-test-home' },
    settings: { flightctl: { apiUrl: sim.url } },
  });
  // Expired on purpose: the first call refreshes through the token proxy inside the host.
  const s = await signIn(sim, t.secrets, { expiresAt: Date.now() - 1_000 });
  tokens = [s.accessToken, s.idToken, s.refreshToken];
  client = await t.connect();
});

afterAll(async () => {
  await t?.stop();
  await sim?.stop();
});

const QUERY_TOOLS = ['query_devices', 'query_fleets', 'query_enrollment_requests', 'query_repositories', 'query_resource_syncs', 'query_events'];

describe('flightctl through the MCP endpoint', () => {
  it('lists the seed tool names with the seed argument names, annotated from their class', async () => {
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((x) => [x.name, x]));
    for (const name of QUERY_TOOLS) {
      const tool = byName.get(name);
      expect(tool, name).toBeDefined();
      expect(tool!.annotations).toMatchObject(annotationsFor('read'));
      const props = Object.keys((tool!.inputSchema as { properties: Record<string, unknown> }).properties);
      expect(props).toEqual(expect.arrayContaining(name === 'query_events' ? ['field_selector', 'limit'] : ['label_selector', 'field_selector', 'limit']));
    }
    for (const name of ['get_device', 'get_fleet', 'get_devices_summary', 'list_organizations', 'list_labels']) expect(byName.get(name)?.annotations).toMatchObject(annotationsFor('read'));
    const run = byName.get('run_command_on_device')!;
    expect(run.annotations).toMatchObject(annotationsFor('write'));
    expect(Object.keys((run.inputSchema as { properties: Record<string, unknown> }).properties)).toEqual(expect.arrayContaining(['device_name', 'command']));
    expect(byName.get('query_devices')!.description).toContain('status.summary.status');
  });

  it('answers query_devices compactly with structuredContent, refreshing the token first', async () => {
    const result = await client.callTool({ name: 'query_devices', arguments: { label_selector: 'env=prod', limit: 10 } });
    expect(result.isError).toBeFalsy();
    const text = resultText(result);
    expect(text).toMatch(/^10 devices \(name \(alias\)/);
    const structured = result.structuredContent as { count: number; columns: string[]; rows: unknown[][] };
    expect(structured.count).toBe(10);
    expect(structured.columns[0]).toBe('name');
    expect(structured.rows).toHaveLength(10);
    expect(sim.requests.some((r) => r.path === `/api/v1/auth/${sim.providerName}/token`)).toBe(true);
    const stored = await readSession(t.secrets);
    expect(stored?.tokens.refreshToken).not.toBe(tokens[2]);
    tokens.push(stored!.tokens.refreshToken!, stored!.tokens.idToken!, stored!.tokens.accessToken!);
  });

  it('turns API errors into isError results with the server\'s reason', async () => {
    const result = await client.callTool({ name: 'get_device', arguments: { name: 'no-such-device' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('No device named "no-such-device"');
    const bad = await client.callTool({ name: 'query_events', arguments: { field_selector: 'status.bogus=1' } });
    expect(bad.isError).toBe(true);
    expect(resultText(bad)).toContain('unable to resolve selector name "status.bogus"');
  });

  it('runs a command on a device over the console', async () => {
    const online = sim.data().devices.find((d) => (d as { status: { summary: { status: string } } }).status.summary.status === 'Online') as { metadata: { name: string } };
    const result = await client.callTool({ name: 'run_command_on_device', arguments: { device_name: online.metadata.name, command: 'echo hi\nexit 2' } });
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toMatchObject({ exitCode: 2, stdout: 'hi\n' });
  });

  it('keeps every token out of the activity log and the app log', async () => {
    const calls = t.activity().filter((c) => c.provider === 'flightctl');
    expect(calls.map((c) => c.tool)).toEqual(expect.arrayContaining(['query_devices', 'get_device', 'run_command_on_device']));
    const everything = `${JSON.stringify(calls)}\n${await t.readActivityFiles()}\n${await t.readLogs()}`;
    expect(everything).toContain('flightctl tokens refreshed');
    for (const token of tokens) expect(everything).not.toContain(token);
  });
});
