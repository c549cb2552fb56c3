/**
 * Every tool's outputSchema against its real answers: a host with both back ends (the fake
 * flyctl, whose JSON follows the flyctl reference, and the Flight Control simulator) and the
 * discovery tools, called over Streamable HTTP with the MCP SDK client. Each answer's
 * structuredContent is checked twice: by the SDK client itself (callTool validates it against
 * the listed outputSchema and throws when it does not fit) and by a JSON Schema 2020-12 validator
 * (ajv, strict) compiled from the schema as tools/list sent it. Every tool that declares an
 * outputSchema must be called here, and with a non-empty answer: a new tool needs a case below.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { FLY_CASES } from '../helpers/fly-cases.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';

const ORGS = [
  { id: '8b0c5a4e-3d1f-4c2a-9e7b-1f2d3c4b5a60', displayName: 'Default' },
  { id: '5e2d7c1b-9a8f-4e6d-b3c2-a1f0e9d8c7b6', displayName: 'Lab' },
];

let sim: FlightctlSim;
let t: TestHost;
let client: Client;
let discovery: Client;
let dir: string;
const ajv = new Ajv2020({ strict: true, allErrors: true });
const validators = new Map<string, ValidateFunction>();
const listed = new Map<string, { outputSchema?: unknown }>();
/** Tools answered with non-empty structured content that fit the schema. */
const checked = new Set<string>();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-output-schemas-'));
  await writeFile(join(dir, 'rules.json'), '[]');
  sim = await startFlightctlSim({ devices: 12, orgs: ORGS });
  t = await startTestHost({
    providers: [createFlyProvider, createFlightctlProvider],
    env: { PATH: process.env.PATH, HOME: dir, FAKE_FLYCTL_CONTROL: join(dir, 'rules.json') },
    settings: { flyctlPath: FAKE_FLYCTL, flightctl: { apiUrl: sim.url }, profiles: { clients: { disc: 'essentials' } } },
  });
  await t.secrets.set(FLY_TOKEN_ACCOUNT, 'fm2_output-schema-test-token-1a2b3c');
  await signIn(sim, t.secrets);
  client = await t.connect();
  discovery = await t.connect('disc');
  // listTools also fills the SDK client's cache of output validators that callTool uses.
  for (const c of [client, discovery]) {
    for (const tool of (await c.listTools()).tools) {
      listed.set(tool.name, tool);
      if (tool.outputSchema && !validators.has(tool.name)) validators.set(tool.name, ajv.compile(tool.outputSchema));
    }
  }
}, 60_000);

afterAll(async () => {
  await t?.stop();
  await sim?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One call through the SDK client (which validates structuredContent itself) and ajv; the answer's structured content. */
async function call(name: string, args: Record<string, unknown>, via: Client = client): Promise<Record<string, unknown>> {
  const result = await via.callTool({ name, arguments: args });
  const text = resultText(result);
  expect(result.isError, `${name}: ${text}`).toBeFalsy();
  const structured = result.structuredContent as Record<string, unknown> | undefined;
  const validate = validators.get(name);
  if (!validate) {
    expect(structured, `${name} declares no outputSchema but sent structured content`).toBeUndefined();
    return {};
  }
  expect(structured, `${name}: no structuredContent`).toBeDefined();
  expect(Object.keys(structured!).length, `${name} answered {} (its structured content was left out): ${text}`).toBeGreaterThan(0);
  expect(validate(structured), `${name}: ${ajv.errorsText(validate.errors)}\n${JSON.stringify(structured).slice(0, 2000)}`).toBe(true);
  checked.add(name);
  return structured!;
}

async function rules(list: unknown[]): Promise<void> {
  await writeFile(join(dir, 'rules.json'), JSON.stringify(list));
}

describe('outputSchema against real answers', () => {
  it('every outputSchema compiles as strict JSON Schema 2020-12', () => {
    expect(validators.size).toBeGreaterThan(40);
    for (const [name, tool] of listed) if (tool.outputSchema) expect(validators.get(name), name).toBeDefined();
  });

  it.each(FLY_CASES.map((c, i) => [`${c.tool} #${i}`, c] as const))('%s: the fake flyctl answer fits', async (_l, c) => {
    await call(c.tool, c.args);
  });

  it('fits the answers of older and edge-case flyctl output too', async () => {
    // flyctl before February 2026 listed certificates in PascalCase.
    await rules([{ match: 'certs list', stdout: `${JSON.stringify([{ CreatedAt: '2025-06-01T12:00:00Z', Hostname: 'www.example.com', ClientStatus: 'Ready' }], null, 4)}\n` }]);
    const old = await call('fly-certs-list', { app: 'my-app' });
    expect(old.certificates).toEqual([expect.objectContaining({ Hostname: 'www.example.com' })]);
    // No lease held; an app never deployed (CurrentRelease null); a machine without egress IPs; lines that did not parse.
    await rules([
      { match: 'machine leases view', stdout: '{\n    "status": "success",\n    "data": {},\n    "message": "no lease"\n}\n' },
      { match: 'logs', stdout: 'not a log line\n2025-06-01T12:00:01Z app[148ed599b12289] iad [info]ok\n' },
    ]);
    await call('fly-machine-leases-view', { id: '148ed599b12289', app: 'my-app' });
    expect((await call('fly-logs', { app: 'my-app', 'max-lines': 1 })).dropped).toBe(1);
    expect((await call('fly-logs', { app: 'my-app' })).lines).toEqual([{ raw: 'not a log line' }, expect.objectContaining({ level: 'info' })]);
    await rules([]);
    const apps = await call('fly-apps-list', {});
    expect((apps.apps as Array<{ CurrentRelease: unknown }>).some((a) => a.CurrentRelease === null)).toBe(true);
    expect(await call('fly-machine-egress-ip-list', { id: 'nope' })).toEqual({ machine: 'nope', rows: [] });
  });

  it('flyctl JSON of a shape Tarmac does not declare: answered as text with {} (not an error), and logged', async () => {
    await rules([{ match: 'volume show', stdout: '{\n    "id": 42,\n    "name": "data"\n}\n' }]);
    const result = await client.callTool({ name: 'fly-volumes-show', arguments: { app: 'my-app', id: 'vol_4y5v1x2w3r6t7s8q' } });
    await rules([]);
    expect(result.isError).toBeFalsy();
    expect(result.structuredContent).toEqual({});
    expect(resultText(result)).toContain('Name: data');
    await expect.poll(() => t.readLogs()).toContain('flyctl printed JSON of a shape this Tarmac does not declare');
  });

  it('Flight Control: every tool, compact and full', async () => {
    // Two organizations and none chosen: selected is null until one is.
    expect((await call('list_organizations', {})).selected).toBeNull();
    expect(await call('select_organization', { organization: 'Lab' })).toEqual({ selected: ORGS[1]!.id, displayName: 'Lab' });
    expect((await call('list_organizations', {})).selected).toBe(ORGS[1]!.id);
    for (const tool of ['query_devices', 'query_fleets', 'query_events', 'query_enrollment_requests', 'query_repositories', 'query_resource_syncs']) {
      const compact = await call(tool, { limit: 5 });
      expect((compact.rows as unknown[]).length, tool).toBeGreaterThan(0);
      expect(((await call(tool, { limit: 2, detail: 'full' })).items as unknown[]).length, tool).toBe(2);
      expect((await call(tool, { field_selector: 'metadata.name=no-such-thing' })).count, tool).toBe(0);
    }
    const device = sim.data(ORGS[1]!.id).devices.find((d) => (d as { status: { summary: { status: string } } }).status.summary.status === 'Online') as { metadata: { name: string } };
    expect((await call('get_device', { name: device.metadata.name })).device).toMatchObject({ name: device.metadata.name });
    expect(await call('get_device', { name: device.metadata.name, detail: 'full' })).toHaveProperty('lastSeen');
    const fleet = (sim.data(ORGS[1]!.id).fleets[0] as { metadata: { name: string } }).metadata.name;
    expect((await call('get_fleet', { name: fleet })).fleet).toMatchObject({ name: fleet });
    expect((await call('get_fleet', { name: fleet, detail: 'full' })).fleet).toMatchObject({ metadata: { name: fleet } });
    expect((await call('get_devices_summary', {})).summary).toMatchObject({ total: 12 });
    expect((await call('list_labels', {})).count).toBeGreaterThan(0);
    expect(await call('run_command_on_device', { device_name: device.metadata.name, command: 'echo hi\nexit 3' })).toMatchObject({ exitCode: 3, stdout: 'hi\n' });

    // The v1beta1 reads and the operations (issue 24, part 3), in the chosen organization.
    const lab = sim.data(ORGS[1]!.id);
    expect(await call('get_device_rendered_config', { name: device.metadata.name })).toMatchObject({ device: device.metadata.name, rendered: true });
    expect(await call('get_fleet_rollout', { name: fleet })).toMatchObject({ fleet });
    expect(await call('device_application_action', { device_name: device.metadata.name, application: 'web', action: 'restart' })).toMatchObject({ action: 'restart' });
    expect(await call('fleet_application_action', { fleet_name: fleet, application: 'web', action: 'stop' })).toMatchObject({ action: 'stop' });
    expect(await call('fleet_application_action', { fleet_name: fleet, application: 'web', action: 'restart' })).toHaveProperty('devices');
    expect(await call('resume_devices', { label_selector: 'env=prod' })).toHaveProperty('resumedDevices');
    const pending = (lab.enrollmentRequests as Array<{ metadata: { name: string }; status: { approval?: unknown } }>).filter((e) => !e.status.approval);
    expect(await call('approve_enrollment_request', { name: pending[0]!.metadata.name, labels: { site: 'lab' } })).toMatchObject({ approved: true, labels: { site: 'lab' } });
    expect(await call('deny_enrollment_request', { name: pending[1]!.metadata.name })).toMatchObject({ approved: false });
    const csrs = (await (await fetch(`${sim.url}/api/v1/certificatesigningrequests?org_id=${ORGS[1]!.id}`, { headers: { authorization: `Bearer ${(await sim.mintSession()).idToken}` } })).json()) as { items: Array<{ metadata: { name: string } }> };
    expect(await call('approve_certificate_signing_request', { name: csrs.items[0]!.metadata.name })).toMatchObject({ certificateIssued: true });
    expect(await call('decommission_device', { device_name: device.metadata.name, target: 'Unenroll' })).toMatchObject({ lifecycle: 'Decommissioning' });
    for (const args of [{}, { fleet }, { device: (lab.devices[1] as { metadata: { name: string } }).metadata.name }, { cve: 'CVE-2026-0001' }]) {
      expect(await call('get_vulnerabilities', args), JSON.stringify(args)).toHaveProperty('scope');
    }
    expect(((await call('query_catalogs', {})).items as unknown[]).length).toBeGreaterThan(0);
  });

  it("Tarmac's discovery tools", async () => {
    expect(((await call('tarmac_list_toolsets', {}, discovery)).toolsets as unknown[]).length).toBeGreaterThan(10);
    expect((await call('tarmac_get_toolset_tools', { toolset: 'fly-apps' }, discovery)).toolset).toBe('fly-apps');
    expect(await call('tarmac_enable_toolset', { toolset: 'fly-apps' }, discovery)).toMatchObject({ name: 'fly-apps', enabled: true });
  });

  it('the SDK client checks structuredContent against the outputSchema itself: a schema the answer does not fit makes callTool throw', async () => {
    const tool = (await client.listTools()).tools.find((x) => x.name === 'get_devices_summary')!;
    const stricter = { ...tool, outputSchema: { ...tool.outputSchema!, required: ['summary', 'no-such-field'] } };
    await expect(client.callTool({ name: 'get_devices_summary', arguments: {} }, { toolDefinition: stricter })).rejects.toThrow(/does not match the tool's output schema/);
  });

  it('every tool that declares an outputSchema was called above and answered with content that fits it', () => {
    const declared = [...listed].filter(([, tool]) => tool.outputSchema).map(([name]) => name);
    expect(declared.filter((name) => !checked.has(name)), 'tools with an outputSchema and no case in this file: add one').toEqual([]);
  });
});
