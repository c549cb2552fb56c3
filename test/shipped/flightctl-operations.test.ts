import { StreamableHTTPClientTransport, type Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { assertCliBuilt, type ServeProcess } from '../helpers/cli.js';
import { eraClient } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';
import { installation, type Installation } from '../helpers/shipped.js';
import { waitFor } from '../helpers/wait.js';

/**
 * The Flight Control operations as they ship: `bin/tarmac.js serve` (the unattended set-up, with
 * --trust-terminal) signed in to the simulator with `tarmac login flightctl`, an SDK client
 * calling the reads, and the writes held until `tarmac approvals` decides them; read-only mode
 * from the terminal refuses them. A second server without the v1alpha1 API answers in one line.
 */
type Dev = { metadata: { name: string; owner?: string; labels: Record<string, string> }; spec: { decommissioning?: unknown } };

describe('Flight Control operations through the built CLI', () => {
  let sim: FlightctlSim;
  let old: FlightctlSim;
  let inst: Installation;
  let serve: ServeProcess | undefined;
  let client: Client;

  beforeAll(async () => {
    assertCliBuilt();
    [sim, old] = await Promise.all([startFlightctlSim({ devices: 12, fleets: 2 }), startFlightctlSim({ devices: 3, v1alpha1: false })]);
    inst = await installation('build');
    const login = await inst.run(['login', 'flightctl', sim.url, '--token-stdin'], { input: `${(await sim.mintSession()).idToken}\n` });
    expect(login.code, login.stderr).toBe(0);
    const second = await inst.run(['login', 'flightctl', old.url, '--token-stdin', '--name', 'old'], { input: `${(await old.mintSession()).idToken}\n` });
    expect(second.code, second.stderr).toBe(0);
    serve = await inst.serve({}, ['--trust-terminal']);
    client = await inst.connect(serve.url, 'fleet-agent');
  }, 60_000);

  afterAll(async () => {
    await client?.close();
    await serve?.stop();
    await inst?.cleanup();
    await sim?.stop();
    await old?.stop();
  });

  /** The one call waiting in the running server, as `tarmac approvals list --json` shows it. */
  async function waiting(): Promise<{ id: string; tool: string; class: string; args: Record<string, unknown> }> {
    let pending: Array<{ id: string; tool: string; class: string; args: Record<string, unknown> }> = [];
    await waitFor(async () => {
      pending = JSON.parse((await inst.run(['approvals', 'list', '--json'])).stdout || '[]') as typeof pending;
      return pending.length === 1;
    }, 'a call waiting for approval', 20_000);
    return pending[0]!;
  }

  it('reads answer at once: rollout, rendered configuration, vulnerabilities, catalogs', async () => {
    const rollout = await client.callTool({ name: 'get_fleet_rollout', arguments: { name: 'kiosk-fleet' } });
    expect(rollout.isError).toBeFalsy();
    expect(resultText(rollout)).toMatch(/^fleet kiosk-fleet: rollout in progress/);
    const dev = sim.data().devices[0] as unknown as Dev;
    const rendered = await client.callTool({ name: 'get_device_rendered_config', arguments: { name: dev.metadata.labels.alias! } });
    expect(rendered.structuredContent).toMatchObject({ device: dev.metadata.name, rendered: true });
    const vulns = await client.callTool({ name: 'get_vulnerabilities', arguments: { fleet: 'pos-fleet', limit: 3 } });
    expect(vulns.structuredContent).toMatchObject({ scope: 'fleet', name: 'pos-fleet', more: true });
    expect((await client.callTool({ name: 'query_catalogs', arguments: {} })).structuredContent).toMatchObject({ catalogs: [{ name: 'edge-apps' }, { name: 'system' }] });
  });

  it('a decommission waits as destructive until approved in the terminal; a denied stop changes nothing', async () => {
    const dev = (sim.data().devices as unknown as Dev[]).find((d) => d.metadata.owner)!;
    const call = client.callTool({ name: 'decommission_device', arguments: { device_name: dev.metadata.labels.alias!, target: 'Unenroll' } });
    const pending = await waiting();
    expect(pending).toMatchObject({ tool: 'decommission_device', class: 'destructive', args: { device_name: dev.metadata.labels.alias!, target: 'Unenroll' } });
    expect(sim.requests.some((r) => r.path.endsWith('/decommission'))).toBe(false);
    expect((await inst.run(['approvals', 'approve', pending.id])).code).toBe(0);
    const done = await call;
    expect(done.isError, resultText(done)).toBeFalsy();
    expect(resultText(done)).toMatch(/is being decommissioned \(target Unenroll, lifecycle Decommissioning\)/);
    expect((sim.data().deviceByName.get(dev.metadata.name) as unknown as Dev).spec.decommissioning).toEqual({ target: 'Unenroll' });

    const stop = client.callTool({ name: 'fleet_application_action', arguments: { fleet_name: 'pos-fleet', application: 'web', action: 'stop' } });
    const second = await waiting();
    expect(second).toMatchObject({ tool: 'fleet_application_action', class: 'write', args: { fleet_name: 'pos-fleet', application: 'web', action: 'stop' } });
    expect((await inst.run(['approvals', 'deny', second.id])).code).toBe(0);
    expect((await stop).isError).toBe(true);
    expect(sim.requests.some((r) => r.path.includes('/actions/'))).toBe(false);
  });

  it('read-only from the terminal refuses the writes at once; the reads go on', async () => {
    expect((await inst.run(['policy', 'read-only', 'on'])).code).toBe(0);
    try {
      const r = await client.callTool({ name: 'resume_devices', arguments: { label_selector: 'env=prod' } });
      expect(r.isError).toBe(true);
      expect(resultText(r)).toMatch(/read-only/i);
      expect((await client.callTool({ name: 'get_fleet_rollout', arguments: { name: 'pos-fleet' } })).isError).toBeFalsy();
    } finally {
      expect((await inst.run(['policy', 'read-only', 'off'])).code).toBe(0);
    }
    expect(sim.requests.some((r) => r.path === '/api/v1/deviceactions/resume')).toBe(false);
  });

  it('an account on a server without v1alpha1: vulnerabilities answer one line', async () => {
    const made = await inst.run(['profile', 'create', 'old-server', '--toolsets', '*']);
    expect(made.code, made.stderr).toBe(0);
    // Binding a profile to an account is a loosening: the unattended set-up (--trust-terminal) may.
    const bound = await inst.run(['profile', 'account', 'old-server', 'flightctl', 'old']);
    expect(bound.code, bound.stderr).toBe(0);
    const token = await inst.run(['token', 'create', 'old-agent', '--profile', 'old-server']);
    expect(token.code, token.stderr).toBe(0);
    const other = eraClient('old-agent');
    await other.connect(new StreamableHTTPClientTransport(new URL(serve!.url), { requestInit: { headers: { Authorization: `Bearer ${token.stdout.trim().split('\n').at(-1)!}` } } }));
    try {
      const r = await other.callTool({ name: 'get_vulnerabilities', arguments: {} });
      expect(r.isError).toBe(true);
      expect(resultText(r).split('\n')).toHaveLength(1);
      expect(resultText(r)).toMatch(/does not offer vulnerability reports: it refuses API version v1alpha1 \(HTTP 406\)/);
      expect(old.requests.filter((x) => x.path.startsWith('/api/v1/vulnerabilities'))).toHaveLength(0);
    } finally {
      await other.close();
    }
  });
});
