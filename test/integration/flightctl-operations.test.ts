/**
 * The Flight Control operations and the v1beta1/v1alpha1 read tools, served by a real host and
 * called with the MCP SDK client over Streamable HTTP against the simulator: each tool's answer
 * (text and structuredContent, the latter checked against the tool's own outputSchema), the
 * server's errors as clear isError results, the writes asking a person and refused under
 * read-only and pause, decommission destructive, the account a profile binds, and a server
 * without the v1alpha1 API answered in one line.
 */
import type { Client } from '@modelcontextprotocol/client';
import { Ajv2020, type ValidateFunction } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { accountContext } from '../../src/main/host/accounts/scope.js';
import { createHostApi } from '../../src/main/host/api.js';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { annotationsFor } from '../../src/shared/policy.js';
import { toolsetOf } from '../../src/shared/toolsets.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';
import { waitFor } from '../helpers/wait.js';

type Obj = Record<string, unknown>;
type Dev = { metadata: { name: string; owner?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; spec: { applications?: Array<{ name: string }>; decommissioning?: unknown }; status: { summary: { status: string }; lifecycle: { status: string } } };
type Er = { metadata: { name: string }; status: { approval?: { approved: boolean } } };

const WRITES = ['approve_enrollment_request', 'deny_enrollment_request', 'approve_certificate_signing_request', 'resume_devices', 'device_application_action', 'fleet_application_action'];
const READS = ['get_device_rendered_config', 'get_fleet_rollout', 'get_vulnerabilities', 'query_catalogs'];

/** Calls a tool and checks a successful answer's structuredContent against the tool's outputSchema as listed. */
class Caller {
  readonly #validators = new Map<string, ValidateFunction>();
  constructor(readonly client: Client) {}

  async init(): Promise<void> {
    const ajv = new Ajv2020({ strict: false, allErrors: true });
    for (const tool of (await this.client.listTools()).tools) if (tool.outputSchema) this.#validators.set(tool.name, ajv.compile(tool.outputSchema));
  }

  async call(name: string, args: Obj = {}): Promise<{ isError: boolean; text: string; structured: Obj }> {
    const r = await this.client.callTool({ name, arguments: args });
    const structured = (r.structuredContent ?? {}) as Obj;
    if (!r.isError) {
      const validate = this.#validators.get(name);
      expect(validate, `${name} declares an outputSchema`).toBeDefined();
      expect(validate!(structured) ? [] : validate!.errors, `${name} structuredContent fits its outputSchema`).toEqual([]);
      expect(Object.keys(structured).length, `${name} answers with structuredContent`).toBeGreaterThan(0);
    }
    return { isError: r.isError === true, text: resultText(r), structured };
  }
}

function sortOf<T>(x: T[]): T[] {
  return [...x].sort();
}

describe('Flight Control operations through the MCP endpoint', () => {
  let sim: FlightctlSim;
  let t: TestHost;
  let c: Caller;
  const devices = () => sim.data().devices as unknown as Dev[];
  const ers = () => sim.data().enrollmentRequests as unknown as Er[];

  beforeAll(async () => {
    sim = await startFlightctlSim({ devices: 60, fleets: 4 });
    t = await startTestHost({ providers: [createFlightctlProvider], env: { HOME: '/nonexistent-tarmac-test-home' }, settings: { flightctl: { apiUrl: sim.url } } });
    await signIn(sim, t.secrets);
    c = new Caller(await t.connect());
    await c.init();
  });
  afterAll(async () => {
    await t?.stop();
    await sim?.stop();
  });

  it('lists each new tool in its toolset, annotated from its class; decommission is destructive', async () => {
    const { tools } = await c.client.listTools();
    const byName = new Map(tools.map((x) => [x.name, x]));
    for (const name of READS) expect(byName.get(name)?.annotations, name).toMatchObject(annotationsFor('read'));
    for (const name of WRITES) expect(byName.get(name)?.annotations, name).toMatchObject(annotationsFor('write'));
    expect(byName.get('decommission_device')?.annotations).toMatchObject({ ...annotationsFor('destructive'), destructiveHint: true, readOnlyHint: false });
    for (const name of [...READS, ...WRITES, 'decommission_device']) {
      expect(toolsetOf(name), name).toMatch(/^flightctl-/);
      const schema = byName.get(name)!.outputSchema as { type: string; properties: Obj; required?: string[] };
      expect(schema.type, name).toBe('object');
      expect(Object.keys(schema.properties).length, name).toBeGreaterThan(0);
      // Nothing said with an empty schema or a type list (clients with a one-type dialect reject those).
      const text = JSON.stringify([schema, byName.get(name)!.inputSchema]);
      expect(text, name).not.toMatch(/"type":\[/);
      expect(text.replace(/"additionalProperties":\{\}/g, ''), name).not.toMatch(/:\{\}/);
    }
    expect(toolsetOf('get_vulnerabilities')).toBe('flightctl-vulnerabilities');
    expect(toolsetOf('query_catalogs')).toBe('flightctl-catalogs');
    expect((byName.get('decommission_device')!.inputSchema as { required: string[] }).required).toEqual(['device_name', 'target']);
  });

  it('approves and denies enrollment requests; the approval creates the device, a second one is the server\'s 400', async () => {
    const [first, second] = ers().filter((e) => !e.status.approval);
    const ok = await c.call('approve_enrollment_request', { name: first!.metadata.name, labels: { fleet: 'pos', site: 'lab' } });
    expect(ok.isError).toBe(false);
    expect(ok.text).toMatch(new RegExp(`^Enrollment request ${first!.metadata.name} approved by ana at .*with labels fleet=pos,site=lab`));
    expect(ok.structured).toMatchObject({ name: first!.metadata.name, approved: true, approvedBy: 'ana', labels: { fleet: 'pos', site: 'lab' } });
    expect(sim.data().deviceByName.has(first!.metadata.name)).toBe(true);
    // A device just enrolled has no rendered configuration yet: said, not an error.
    const fresh = await c.call('get_device_rendered_config', { name: first!.metadata.name });
    expect(fresh).toMatchObject({ isError: false, structured: { device: first!.metadata.name, rendered: false, config: [], applications: [] } });
    expect(fresh.text).toMatch(/last seen never\nrendered configuration: none yet/);
    const query = await c.call('query_enrollment_requests', { field_selector: `metadata.name=${first!.metadata.name}` });
    expect(query.text).toContain(`${first!.metadata.name} | Approved | ana`);

    const again = await c.call('approve_enrollment_request', { name: first!.metadata.name });
    expect(again.isError).toBe(true);
    expect(again.text).toMatch(/Enrollment request is already approved \(BadRequest, HTTP 400\)/);

    const denied = await c.call('deny_enrollment_request', { name: second!.metadata.name });
    expect(denied).toMatchObject({ isError: false, structured: { name: second!.metadata.name, approved: false } });
    expect(denied.text).toBe(`Enrollment request ${second!.metadata.name} denied: the device is not admitted.`);
    const late = await c.call('deny_enrollment_request', { name: first!.metadata.name });
    expect(late.isError).toBe(true);
    expect(late.text).toMatch(/was already approved by ana, so denying it changed nothing.*decommission_device/);

    const missing = await c.call('approve_enrollment_request', { name: 'no-such-request' });
    expect(missing.isError).toBe(true);
    expect(missing.text).toMatch(/EnrollmentRequest of name "no-such-request" not found.*HTTP 404/);
    const bad = await c.call('approve_enrollment_request', { name: '../devices' });
    expect(bad).toMatchObject({ isError: true, text: expect.stringMatching(/not a valid enrollment request name/) });
  });

  it('approves a certificate signing request as `flightctl approve` does; a denied one is the server\'s 409', async () => {
    const auth = { authorization: `Bearer ${(await sim.mintSession()).idToken}` };
    const list = (await (await fetch(`${sim.url}/api/v1/certificatesigningrequests?org_id=${sim.orgs[0]!.id}`, { headers: auth })).json()) as { items: Array<{ metadata: { name: string } }> };
    const [pending, , , approved, denied] = list.items.map((i) => i.metadata.name);
    const before = sim.requests.length;
    const ok = await c.call('approve_certificate_signing_request', { name: pending! });
    expect(ok).toMatchObject({ isError: false, structured: { name: pending, signerName: 'flightctl.io/device-svc-client', approved: true, certificateIssued: true } });
    expect(sim.requests.slice(before).map((r) => `${r.method} ${r.path}`)).toEqual([`GET /api/v1/certificatesigningrequests/${pending}`, `PUT /api/v1/certificatesigningrequests/${pending}/approval`]);
    const refusal = await c.call('approve_certificate_signing_request', { name: denied! });
    expect(refusal.isError).toBe(true);
    expect(refusal.text).toMatch(/The request has already been denied \(Conflict, HTTP 409\)/);
    expect((await c.call('approve_certificate_signing_request', { name: approved! })).text).toMatch(/already been approved and the certificate issued/);
  });

  it('starts, stops and restarts an application on a device; the rendered configuration shows the desired state', async () => {
    const dev = devices().find((d) => d.status.summary.status === 'Online' && d.spec.applications?.some((a) => a.name === 'web'))!;
    const alias = dev.metadata.labels!.alias!;
    const stop = await c.call('device_application_action', { device_name: alias, application: 'web', action: 'stop' });
    expect(stop).toMatchObject({ isError: false, structured: { device: dev.metadata.name, application: 'web', action: 'stop', status: 'Running' } });
    expect(stop.text).toMatch(new RegExp(`^stop requested for application web on device ${dev.metadata.name} \\(${alias}\\)`));
    await c.call('device_application_action', { device_name: dev.metadata.name, application: 'web', action: 'restart' });
    const shown = await c.call('get_device_rendered_config', { name: alias });
    expect(shown.isError).toBe(false);
    const web = (shown.structured.applications as Obj[]).find((a) => a.name === 'web');
    expect(web).toMatchObject({ type: 'compose', image: 'quay.io/org/web-app:1.2', status: 'Running', ready: '1/1', restarts: 0, desiredState: 'stopped', restartGeneration: 1 });
    expect(shown.structured).toMatchObject({ device: dev.metadata.name, alias, rendered: true, renderedVersion: dev.metadata.annotations!['device-controller/renderedVersion'], osImage: expect.stringMatching(/^quay\.io\/flightctl\/rhel:9\.\d$/), systemd: ['chronyd.service', 'flightctl-agent.service'] });
    expect(shown.structured.config).toEqual([{ name: 'motd', source: 'inline', files: [{ path: '/etc/motd', mode: 420, bytes: expect.any(Number) }] }]);
    expect(shown.structured.lastSeen).toMatch(/^\d{4}-\d\d-\d\dT/);
    expect(shown.text).toMatch(/web compose quay\.io\/org\/web-app:1\.2: Running ready 1\/1 restarts 0 \| desired stopped \| restart #1/);
    expect(shown.text).toContain('config motd (inline): /etc/motd 0644');
    await c.call('device_application_action', { device_name: dev.metadata.name, application: 'web', action: 'start' });
    expect(((await c.call('get_device_rendered_config', { name: dev.metadata.name })).structured.applications as Obj[]).find((a) => a.name === 'web')).toMatchObject({ desiredState: 'running' });

    const unknown = await c.call('device_application_action', { device_name: dev.metadata.name, application: 'nope', action: 'stop' });
    expect(unknown).toMatchObject({ isError: true, text: expect.stringMatching(/Application of name "nope" not found.*HTTP 404/) });
    const none = await c.call('device_application_action', { device_name: 'no-such-alias', application: 'web', action: 'stop' });
    expect(none).toMatchObject({ isError: true, text: expect.stringMatching(/No device named "no-such-alias"/) });
  });

  it('refuses an application action on a conflict-paused device (400), resumes it by selector, then acts', async () => {
    const dev = devices().find((d) => d.status.summary.status === 'Online' && d.spec.applications?.length && d.metadata.owner)!;
    dev.status.summary.status = 'ConflictPaused';
    sim.data().deviceJson.set(dev as unknown as Obj, JSON.stringify(dev));
    const paused = devices().filter((d) => d.status.summary.status === 'ConflictPaused');
    const refused = await c.call('device_application_action', { device_name: dev.metadata.name, application: 'web', action: 'restart' });
    expect(refused).toMatchObject({ isError: true, text: expect.stringMatching(/paused due to a conflict.*HTTP 400/) });

    const before = sim.requests.length;
    const neither = await c.call('resume_devices', {});
    expect(neither).toMatchObject({ isError: true, text: expect.stringMatching(/Give label_selector or field_selector/) });
    expect(sim.requests.length).toBe(before);
    const badSelector = await c.call('resume_devices', { field_selector: 'spec.nope=1' });
    expect(badSelector).toMatchObject({ isError: true, text: expect.stringMatching(/unable to resolve selector name "spec.nope"/) });

    const one = await c.call('resume_devices', { label_selector: `alias=${dev.metadata.labels!.alias!}` });
    expect(one).toMatchObject({ isError: false, structured: { resumedDevices: 1, labelSelector: `alias=${dev.metadata.labels!.alias!}` } });
    expect(one.text).toMatch(/^Resumed 1 conflict-paused device matching label_selector/);
    const rest = await c.call('resume_devices', { field_selector: 'status.summary.status=ConflictPaused' });
    expect(rest.structured.resumedDevices).toBe(paused.length - 1);
    const nothing = await c.call('resume_devices', { label_selector: 'env=prod' });
    expect(nothing).toMatchObject({ isError: false, structured: { resumedDevices: 0 }, text: expect.stringMatching(/No conflict-paused device matches/) });
    expect((await c.call('device_application_action', { device_name: dev.metadata.name, application: 'web', action: 'restart' })).isError).toBe(false);
  });

  it('starts and stops an application across a fleet, and restarts it on each member device (the API has no fleet restart)', async () => {
    const fleet = 'camera-fleet';
    const stop = await c.call('fleet_application_action', { fleet_name: fleet, application: 'web', action: 'stop' });
    expect(stop).toMatchObject({ isError: false, structured: { fleet, application: 'web', action: 'stop' } });
    const member = devices().find((d) => d.metadata.owner === `Fleet/${fleet}` && d.spec.applications?.some((a) => a.name === 'web'))!;
    expect(((await c.call('get_device_rendered_config', { name: member.metadata.name })).structured.applications as Obj[]).find((a) => a.name === 'web')).toMatchObject({ desiredState: 'stopped' });

    const members = devices().filter((d) => d.metadata.owner === `Fleet/${fleet}`);
    // One member without the application: its refusal is reported, the others restart.
    const bare = members.find((d) => d !== member)!;
    bare.spec.applications = [];
    const withWeb = members.filter((d) => d.spec.applications?.some((a) => a.name === 'web') && !['ConflictPaused', 'AwaitingReconnect'].includes(d.status.summary.status) && !d.spec.decommissioning);
    const before = sim.requests.length;
    const restart = await c.call('fleet_application_action', { fleet_name: fleet, application: 'web', action: 'restart' });
    expect(restart.isError).toBe(false);
    expect(restart.structured).toMatchObject({ fleet, action: 'restart', devices: members.length, restarted: withWeb.length });
    const posted = sim.requests.slice(before).filter((r) => r.method === 'POST').map((r) => r.path);
    expect(sortOf(posted)).toEqual(sortOf(members.map((d) => `/api/v1/devices/${d.metadata.name}/applications/web/actions/restart`)));
    expect(restart.structured.failedCount).toBe(members.length - withWeb.length);
    expect(restart.structured.failed).toContainEqual({ device: bare.metadata.name, reason: 'Application of name "web" not found (HTTP 404)' });
    expect(restart.text).toContain(`refused it:\n`);
    expect(restart.text).toContain(`${bare.metadata.name}: Application of name "web" not found (HTTP 404)`);
    expect(restart.text).toMatch(new RegExp(`^Restart of web requested on ${withWeb.length} of ${members.length} devices of fleet ${fleet}`));

    const noApp = await c.call('fleet_application_action', { fleet_name: fleet, application: 'metrics', action: 'restart' });
    expect(noApp).toMatchObject({ isError: true, text: expect.stringMatching(/has no application "metrics" in its template \(it has: web\); nothing was restarted/) });
    const noFleet = await c.call('fleet_application_action', { fleet_name: 'no-such-fleet', application: 'web', action: 'start' });
    expect(noFleet).toMatchObject({ isError: true, text: expect.stringMatching(/Fleet of name "no-such-fleet" not found.*HTTP 404/) });
  });

  it('decommissions a device (it leaves its fleet); a second request is the server\'s 409', async () => {
    const dev = devices().find((d) => d.metadata.owner && d.status.lifecycle.status === 'Enrolled' && !d.spec.decommissioning)!;
    const name = dev.metadata.name;
    const r = await c.call('decommission_device', { device_name: name, target: 'Unenroll' });
    expect(r).toMatchObject({ isError: false, structured: { device: name, target: 'Unenroll', lifecycle: 'Decommissioning' } });
    expect(r.text).toMatch(/is being decommissioned \(target Unenroll, lifecycle Decommissioning\)/);
    const now = sim.data().deviceByName.get(name) as unknown as Dev;
    expect(now.metadata.owner).toBeUndefined();
    expect(now.spec.decommissioning).toEqual({ target: 'Unenroll' });
    const again = await c.call('decommission_device', { device_name: name, target: 'FactoryReset' });
    expect(again).toMatchObject({ isError: true, text: expect.stringMatching(/device already has decommissioning requested \(Conflict, HTTP 409\)/) });
    const bad = await c.call('decommission_device', { device_name: name, target: 'Wipe' });
    expect(bad.isError).toBe(true);
  });

  it('reads a fleet\'s rollout and its template versions', async () => {
    const r = await c.call('get_fleet_rollout', { name: 'kiosk-fleet' });
    expect(r.isError).toBe(false);
    expect(r.structured).toMatchObject({
      fleet: 'kiosk-fleet',
      templateVersion: '2026-05-02T08:00:00.000Z',
      inProgress: true,
      reason: 'Active',
      currentBatch: 1,
      batches: 2,
      approved: true,
      approvalMethod: 'automatic',
      lastBatch: { batchName: 'batch 1', successPercentage: 100, total: 2, successful: 2, failed: 0, timedOut: 0 },
      devices: { total: devices().filter((d) => d.metadata.owner === 'Fleet/kiosk-fleet').length },
    });
    expect((r.structured.templateVersions as Obj[]).map((v) => v.name)).toEqual(['2026-05-02T08:00:00.000Z', '2026-04-20T09:30:00.000Z']);
    expect(r.text).toMatch(/^fleet kiosk-fleet: rollout in progress \(Active\)\ntemplate version: 2026-05-02T08:00:00.000Z\nbatch 1 of 2, approved \(automatic\)\nlast batch batch 1: 100% success/);
    const idle = await c.call('get_fleet_rollout', { name: 'pos-fleet' });
    expect(idle.structured).toMatchObject({ inProgress: false, reason: 'Inactive' });
    expect((await c.call('get_fleet_rollout', { name: 'no-such-fleet' })).text).toMatch(/reading fleet "no-such-fleet" failed: .*not found \(NotFound, HTTP 404\)/);
  });

  it('reads vulnerabilities per organization, device, fleet and CVE, and the software catalogs, asking the server once for v1alpha1', async () => {
    const org = await c.call('get_vulnerabilities', {});
    expect(org.isError).toBe(false);
    const summary = org.structured.summary as { total: number; critical: number };
    expect(summary.total).toBe((org.structured.vulnerabilities as Obj[]).length);
    expect(org.text).toMatch(/^Vulnerabilities of the organization: \d+ \(critical \d+, high \d+/);
    const worst = (org.structured.vulnerabilities as Array<{ cveId: string; severity: string }>)[0]!;
    const rank = ['Unknown', 'None', 'Low', 'Medium', 'High', 'Critical'];
    expect((org.structured.vulnerabilities as Array<{ severity: string }>).every((v) => rank.indexOf(v.severity) <= rank.indexOf(worst.severity))).toBe(true);

    const dev = devices().find((d) => d.metadata.owner === 'Fleet/pos-fleet')!;
    const one = await c.call('get_vulnerabilities', { device: dev.metadata.name, limit: 2 });
    expect(one.structured).toMatchObject({ scope: 'device', name: dev.metadata.name, image: expect.stringMatching(/^quay\.io\/flightctl\/rhel:/) });
    expect((one.structured.vulnerabilities as Obj[]).length).toBeLessThanOrEqual(2);
    expect(one.structured.more).toBe((one.structured.summary as { total: number }).total > 2);
    const fleet = await c.call('get_vulnerabilities', { fleet: 'pos-fleet' });
    expect(fleet.structured).toMatchObject({ scope: 'fleet', name: 'pos-fleet', summary: { uniqueDigests: 1 } });
    const impact = await c.call('get_vulnerabilities', { cve: worst.cveId.toLowerCase() });
    expect(impact.structured).toMatchObject({ scope: 'cve', name: worst.cveId, severity: worst.severity });
    expect((impact.structured.fleets as Array<{ devices: number }>).reduce((n, f) => n + f.devices, 0)).toBeGreaterThan(0);
    expect((await c.call('get_vulnerabilities', { cve: 'CVE-1999-0001' })).text).toMatch(/No device of this organization is affected by CVE-1999-0001/);
    expect((await c.call('get_vulnerabilities', { device: 'x', fleet: 'y' })).text).toMatch(/at most one of device, fleet and cve/);
    expect((await c.call('get_vulnerabilities', { fleet: 'no-such-fleet' })).text).toMatch(/Fleet of name "no-such-fleet" not found.*HTTP 404/);

    const all = await c.call('query_catalogs', {});
    expect(all.structured.catalogs).toEqual([
      { name: 'edge-apps', displayName: 'Edge Applications', provider: 'Example Corp' },
      { name: 'system', displayName: 'System images', provider: 'Red Hat' },
    ]);
    expect(all.structured.items).toContainEqual({ catalog: 'system', name: 'rhel-bootc', category: 'system', type: 'os', latest: '9.6.0', versions: 3, channels: ['stable'] });
    expect(all.structured.items).toContainEqual(expect.objectContaining({ name: 'legacy-agent', deprecated: 'Use prometheus instead.' }));
    expect(all.text).toContain('edge-apps | nginx | application/container | 1.27.1 | 2 | stable,fast | -');
    const edge = await c.call('query_catalogs', { catalog: 'edge-apps' });
    expect((edge.structured.items as Obj[]).every((i) => i.catalog === 'edge-apps')).toBe(true);
    expect((await c.call('query_catalogs', { catalog: 'nope' })).text).toMatch(/Catalog of name "nope" not found.*HTTP 404/);
    // Every v1alpha1 request named its version; the server was asked once whether it has them.
    const alpha = sim.requests.filter((r) => /^\/api\/v1\/(catalogs|catalogitems|vulnerabilities)/.test(r.path));
    expect(alpha.length).toBeGreaterThan(10);
    expect(sim.requests.filter((r) => r.path === '/api/v1/catalogs' && r.query.limit === '1')).toHaveLength(1);
  });
});

describe('several organizations', () => {
  it('a write acts in the organization chosen with select_organization, and says org_id', async () => {
    const orgA = { id: '11111111-1111-4111-8111-111111111111', displayName: 'Berlin' };
    const orgB = { id: '22222222-2222-4222-8222-222222222222', displayName: 'Lyon' };
    const sim = await startFlightctlSim({ devices: 8, fleets: 2, orgs: [orgA, orgB] });
    const t = await startTestHost({ providers: [createFlightctlProvider], env: { HOME: '/nonexistent-tarmac-test-home' }, settings: { flightctl: { apiUrl: sim.url } } });
    try {
      await signIn(sim, t.secrets);
      const client = await t.connect();
      const ambiguous = await client.callTool({ name: 'resume_devices', arguments: { label_selector: 'env=prod' } });
      expect(ambiguous.isError).toBe(true);
      expect(resultText(ambiguous)).toMatch(/organization/i);
      expect((await client.callTool({ name: 'select_organization', arguments: { organization: 'Lyon' } })).isError).toBeFalsy();
      const target = (sim.data(orgB.id).devices as unknown as Dev[])[2]!;
      const r = await client.callTool({ name: 'decommission_device', arguments: { device_name: target.metadata.name, target: 'Unenroll' } });
      expect(r.isError, resultText(r)).toBeFalsy();
      expect((sim.data(orgB.id).deviceByName.get(target.metadata.name) as unknown as Dev).spec.decommissioning).toEqual({ target: 'Unenroll' });
      expect((sim.data(orgA.id).devices as unknown as Dev[]).some((d) => d.spec.decommissioning)).toBe(false);
      const put = sim.requests.find((x) => x.method === 'PUT' && x.path.endsWith('/decommission'))!;
      expect(put.query.org_id).toBe(orgB.id);
    } finally {
      await t.stop();
      await sim.stop();
    }
  });
});

describe('write tools behind the guardrails', () => {
  let sim: FlightctlSim;
  let staging: FlightctlSim;
  let t: TestHost;

  beforeAll(async () => {
    [sim, staging] = await Promise.all([startFlightctlSim({ devices: 20, fleets: 2 }), startFlightctlSim({ devices: 10, fleets: 2 })]);
    t = await startTestHost({
      providers: [createFlightctlProvider],
      env: { HOME: '/nonexistent-tarmac-test-home' },
      settings: {
        // The shipped defaults: reads allowed, writes and destructive calls ask a person.
        policies: {},
        flightctl: { apiUrl: sim.url },
        flightctlAccounts: { staging: { apiUrl: staging.url } },
        accounts: { flightctl: { staging: { name: 'staging' } } },
        profiles: { defs: { ops: { name: 'ops', description: 'Staging', bounds: { toolsets: ['*'] }, start: { all: true } } }, clients: { bob: 'ops' }, accounts: { ops: { flightctl: 'staging' } } },
      },
    });
    await signIn(sim, t.secrets);
    await signIn(staging, accountContext(t.host.context, 'staging').secrets);
  });
  afterAll(async () => {
    await t?.stop();
    await sim?.stop();
    await staging?.stop();
  });

  it('a write waits for a person, who sees what it would do; decommission asks as destructive; the profile\'s account is the one acted on', async () => {
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      const bob = await t.connect('bob');
      const dev = (staging.data().devices as unknown as Dev[])[0]!;
      const pending = bob.callTool({ name: 'decommission_device', arguments: { device_name: dev.metadata.labels!.alias!, target: 'FactoryReset' } });
      let waiting = t.host.guardrails.approvals.list()[0];
      await waitFor(() => (waiting = t.host.guardrails.approvals.list()[0]) !== undefined, 'an approval');
      expect(waiting).toMatchObject({ tool: 'decommission_device', class: 'destructive', client: 'bob', account: 'staging', args: { device_name: dev.metadata.labels!.alias!, target: 'FactoryReset' } });
      expect(waiting!.summary).toMatch(/^Decommission a Flight Control device: it leaves its fleet/);
      expect(staging.requests.some((r) => r.path.endsWith('/decommission'))).toBe(false);
      await api.api.decideApproval(waiting!.id, 'allow-once');
      const done = await pending;
      expect(done.isError).toBeFalsy();
      expect((staging.data().deviceByName.get(dev.metadata.name) as unknown as Dev).spec.decommissioning).toEqual({ target: 'FactoryReset' });
      expect(sim.requests.some((r) => r.path.endsWith('/decommission'))).toBe(false);

      const alice = await t.connect('alice');
      const denied = alice.callTool({ name: 'fleet_application_action', arguments: { fleet_name: 'pos-fleet', application: 'web', action: 'stop' } });
      await waitFor(() => (waiting = t.host.guardrails.approvals.list()[0]) !== undefined, 'an approval');
      expect(waiting).toMatchObject({ tool: 'fleet_application_action', class: 'write', account: 'default', args: { fleet_name: 'pos-fleet', application: 'web', action: 'stop' } });
      await api.api.decideApproval(waiting!.id, 'deny');
      const r = await denied;
      expect(r.isError).toBe(true);
      expect(resultText(r)).toMatch(/declined/);
      expect(sim.requests.some((x) => x.method === 'POST')).toBe(false);
    } finally {
      api.close();
    }
  });

  it('read-only refuses every write and leaves reads working; pause refuses everything', async () => {
    const client = await t.connect('carol');
    await t.host.guardrails.setReadOnly(true, 'terminal');
    try {
      for (const [name, args] of [
        ['approve_enrollment_request', { name: 'x' }],
        ['resume_devices', { label_selector: 'env=prod' }],
        ['decommission_device', { device_name: 'x', target: 'Unenroll' }],
      ] as const) {
        const r = await client.callTool({ name, arguments: args });
        expect(r.isError, name).toBe(true);
        expect(resultText(r), name).toMatch(/read-only/i);
      }
      expect((await client.callTool({ name: 'get_fleet_rollout', arguments: { name: 'pos-fleet' } })).isError).toBeFalsy();
    } finally {
      await t.host.guardrails.setReadOnly(false, 'person');
    }
    await t.host.guardrails.setPaused(true, 'terminal');
    try {
      for (const name of ['device_application_action', 'get_device_rendered_config']) {
        const r = await client.callTool({ name, arguments: name === 'get_device_rendered_config' ? { name: 'x' } : { device_name: 'x', application: 'web', action: 'stop' } });
        expect(r.isError, name).toBe(true);
        expect(resultText(r), name).toMatch(/paused/i);
      }
    } finally {
      await t.host.guardrails.setPaused(false, 'person');
    }
    expect(sim.requests.some((r) => r.method !== 'GET')).toBe(false);
  });
});

describe('a server without the v1alpha1 API', () => {
  for (const negotiation of [true, false]) {
    it(`vulnerabilities and catalogs answer one clear line (${negotiation ? '406 to the version header' : 'an older server: 404'}), asking the server once`, async () => {
      const sim = await startFlightctlSim({ devices: 5, v1alpha1: false, versionNegotiation: negotiation });
      const t = await startTestHost({ providers: [createFlightctlProvider], env: { HOME: '/nonexistent-tarmac-test-home' }, settings: { flightctl: { apiUrl: sim.url } } });
      try {
        await signIn(sim, t.secrets);
        const client = await t.connect();
        for (const [name, args] of [
          ['get_vulnerabilities', { fleet: 'pos-fleet' }],
          ['query_catalogs', {}],
          ['get_vulnerabilities', {}],
        ] as const) {
          const r = await client.callTool({ name, arguments: args });
          expect(r.isError, name).toBe(true);
          const text = resultText(r);
          expect(text.split('\n'), name).toHaveLength(1);
          expect(text, name).toMatch(negotiation ? /does not offer .*: it refuses API version v1alpha1 \(HTTP 406\)/ : /does not offer .*: it has no v1alpha1 resources \(HTTP 404 for \/api\/v1\/catalogs\)/);
        }
        // One probe for the three calls, and nothing else of v1alpha1 requested.
        expect(sim.requests.filter((r) => /^\/api\/v1\/(catalogs|catalogitems|vulnerabilities)/.test(r.path))).toHaveLength(1);
        expect((await client.callTool({ name: 'get_fleet_rollout', arguments: { name: 'pos-fleet' } })).isError).toBeFalsy();
      } finally {
        await t.stop();
        await sim.stop();
      }
    });
  }

  it('with the vulnerability feature off (501), says so in one line; catalogs still answer', async () => {
    const sim = await startFlightctlSim({ devices: 5, vulnerabilities: false });
    const t = await startTestHost({ providers: [createFlightctlProvider], env: { HOME: '/nonexistent-tarmac-test-home' }, settings: { flightctl: { apiUrl: sim.url } } });
    try {
      await signIn(sim, t.secrets);
      const client = await t.connect();
      const r = await client.callTool({ name: 'get_vulnerabilities', arguments: {} });
      expect(r.isError).toBe(true);
      expect(resultText(r)).toBe('Vulnerability scanning is not enabled on this Flight Control server (HTTP 501): an administrator turns it on in the server configuration.');
      expect((await client.callTool({ name: 'query_catalogs', arguments: {} })).isError).toBeFalsy();
    } finally {
      await t.stop();
      await sim.stop();
    }
  });
});
