import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv, type ValidateFunction } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { FlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { startFlightctlSim, type FlightctlSim, type RecordedResponse } from '../fixtures/flightctl-sim/index.js';
import { callTool, makeContext, toolError, type TestContext } from '../fixtures/flightctl-sim/harness.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';

/**
 * Contract: every JSON answer the simulator gives validates against Flight Control's own
 * OpenAPI document (v1beta1 at HEAD; the v0 auth shape against v0.10.0), with Ajv. If the
 * simulator drifts from the real API, this fails, so the other tests keep meaning something.
 */

const REPO = resolve(fileURLToPath(new URL('../..', import.meta.url)));
const SPEC_DIR = process.env.FLIGHTCTL_OPENAPI_DIR ?? resolve(REPO, '..', 'shared', 'reference', 'flightctl-openapi');
const V1BETA1 = resolve(SPEC_DIR, 'api/core/v1beta1/openapi.yaml');
const V1ALPHA1 = resolve(SPEC_DIR, 'api/core/v1alpha1/openapi.yaml');
const V0 = resolve(SPEC_DIR, 'historical/v0.10.0/api/v1alpha1/openapi.yaml');
const present = existsSync(V1BETA1);

if (!present) {
  console.warn(`\n!!!!!!!! SKIPPING the Flight Control contract test: ${V1BETA1} is missing. CI always has it. !!!!!!!!\n`);
}

// ajv-formats is CommonJS with a default export; under ESM interop it may arrive wrapped.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (ajv: Ajv) => Ajv;

/**
 * OpenAPI's discriminator picks the oneOf branch by a property's value; plain JSON Schema
 * oneOf instead demands exactly one branch match, which overlapping branches (compose vs
 * container apps share every field) never satisfy. Ajv does not support `mapping`, so the
 * mapping is rewritten into the equivalent if/then rules.
 */
function withDiscriminators(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withDiscriminators);
  if (!node || typeof node !== 'object') return node;
  const obj = Object.fromEntries(Object.entries(node as Record<string, unknown>).map(([k, v]) => [k, withDiscriminators(v)]));
  const d = obj.discriminator as { propertyName?: string; mapping?: Record<string, string> } | undefined;
  if (d?.propertyName && d.mapping && Array.isArray(obj.oneOf)) {
    const prop = d.propertyName;
    const { oneOf: _oneOf, discriminator: _d, ...rest } = obj;
    return {
      ...rest,
      allOf: [
        ...((rest.allOf as unknown[] | undefined) ?? []),
        { required: [prop], properties: { [prop]: { enum: Object.keys(d.mapping) } } },
        ...Object.entries(d.mapping).map(([value, ref]) => ({ if: { properties: { [prop]: { const: value } }, required: [prop] }, then: { $ref: ref } })),
      ],
    };
  }
  return obj;
}

type Node = Record<string, unknown>;

/**
 * OpenAPI generators (oapi-codegen, which builds the server) read `allOf` of object schemas as one
 * merged object; plain JSON Schema checks each member alone, so two members that each say
 * `additionalProperties: false` (FleetVulnerabilitySummary in v1alpha1) could never both pass.
 * Such an allOf is merged here the generator's way: properties and required joined, closed when
 * any member is. Members with their own combinators are left alone.
 */
function mergeObjectAllOf(components: Node): Node {
  const schemas = (components.schemas ?? {}) as Record<string, Node>;
  const resolve = (n: Node): Node | undefined => {
    const ref = typeof n.$ref === 'string' ? /^#\/components\/schemas\/(.+)$/.exec(n.$ref)?.[1] : undefined;
    return ref ? schemas[ref] : n;
  };
  const walk = (node: unknown): unknown => {
    if (Array.isArray(node)) return node.map(walk);
    if (!node || typeof node !== 'object') return node;
    const obj = Object.fromEntries(Object.entries(node as Node).map(([k, v]) => [k, walk(v)])) as Node;
    const members = Array.isArray(obj.allOf) ? (obj.allOf as Node[]).map(resolve) : null;
    if (!members || members.some((m) => !m || !m.properties || m.allOf || m.oneOf || m.anyOf || m.if || m.discriminator)) return obj;
    const { allOf: _allOf, ...rest } = obj;
    const closed = members.some((m) => m!.additionalProperties === false);
    return {
      ...rest,
      type: 'object',
      properties: Object.assign({}, ...members.map((m) => m!.properties as Node)),
      required: [...new Set(members.flatMap((m) => (m!.required as string[] | undefined) ?? []))],
      ...(closed ? { additionalProperties: false } : {}),
    };
  };
  return walk(components) as Node;
}

interface Operation {
  responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
}

/** One OpenAPI document: path templates to matchers, and response schemas compiled on demand. */
class Contract {
  readonly #ajv: Ajv;
  readonly #id: string;
  readonly #paths: Array<{ re: RegExp; template: string; ops: Record<string, Operation> }>;
  readonly #prefix: string;
  readonly #compiled = new Map<string, ValidateFunction>();

  /** `imports`: documents this one refers to by relative path (v1alpha1 uses v1beta1's ObjectMeta, ListMeta, Condition). */
  constructor(file: string, id: string, prefix: string, imports: Array<{ ref: string; file: string; id: string }> = []) {
    const doc = parseYaml(readFileSync(file, 'utf8')) as { paths: Record<string, Record<string, Operation>>; components: unknown };
    this.#ajv = new Ajv({ strict: false, allErrors: true });
    addFormats(this.#ajv);
    for (const f of ['int32', 'int64', 'float', 'double', 'byte', 'binary', 'password']) this.#ajv.addFormat(f, true);
    for (const i of imports) {
      const other = parseYaml(readFileSync(i.file, 'utf8')) as { components: unknown };
      this.#ajv.addSchema({ $id: i.id, components: withDiscriminators(other.components) });
    }
    let components = JSON.stringify(doc.components);
    for (const i of imports) components = components.replaceAll(`"${i.ref}#/components/`, `"${i.id}#/components/`);
    this.#ajv.addSchema({ $id: id, components: withDiscriminators(mergeObjectAllOf(JSON.parse(components) as Node)) });
    this.#id = id;
    this.#prefix = prefix;
    this.#paths = Object.entries(doc.paths).map(([template, ops]) => ({
      template,
      ops,
      re: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
    }));
  }

  /** Errors for one recorded response; empty when it conforms. */
  check(r: RecordedResponse): string[] {
    const path = r.path.startsWith(this.#prefix) ? r.path.slice(this.#prefix.length) : r.path;
    // Prefer a literal template over a parameterised one (/devices/x/lastseen vs /devices/{name}).
    const matches = this.#paths.filter((p) => p.re.test(path)).sort((a, b) => (a.template.match(/\{/g)?.length ?? 0) - (b.template.match(/\{/g)?.length ?? 0));
    const entry = matches[0];
    if (!entry) return [`${r.method} ${r.path}: no such path in the spec`];
    const op = entry.ops[r.method.toLowerCase()];
    if (!op) return [`${r.method} ${entry.template}: method not in the spec`];
    const response = op.responses[String(r.status)] ?? op.responses.default;
    if (!response) return [`${r.method} ${entry.template}: status ${r.status} is not a declared response`];
    const schema = response.content?.['application/json']?.schema;
    if (!schema) return r.body === null || r.body === undefined ? [] : [`${r.method} ${entry.template} ${r.status}: spec declares no body`];
    const key = `${entry.template} ${r.method} ${r.status}`;
    let validate = this.#compiled.get(key);
    if (!validate) {
      // Inline schemas refer to components with local refs; point them at the loaded document.
      const rewritten = JSON.parse(JSON.stringify(schema).replaceAll('"#/components/', `"${this.#id}#/components/`)) as object;
      validate = this.#ajv.compile(rewritten);
      this.#compiled.set(key, validate);
    }
    if (validate(r.body)) return [];
    return (validate.errors ?? []).slice(0, 5).map((e) => `${r.method} ${r.path} ${r.status}: ${e.instancePath || '/'} ${e.message ?? ''} ${JSON.stringify(e.params)}`);
  }
}

describe.skipIf(!present)('simulator responses conform to the Flight Control OpenAPI', () => {
  let v1: Contract;
  const sims: FlightctlSim[] = [];
  const contexts: TestContext[] = [];

  beforeAll(() => {
    v1 = new Contract(V1BETA1, 'flightctl-v1beta1.json', '/api/v1');
  });
  afterAll(async () => {
    for (const s of sims) await s.stop();
    for (const c of contexts) await c.cleanup();
  });

  it('v1beta1: everything the tools call, plus errors, summaries and the token proxy', async () => {
    const orgA = { id: '55555555-5555-4555-8555-555555555555', displayName: 'A' };
    const orgB = { id: '66666666-6666-4666-8666-666666666666', displayName: 'B' };
    const sim = await startFlightctlSim({ devices: 60, fleets: 4, events: 30, record: true, orgs: [orgA, orgB] });
    sims.push(sim);
    const tc = await makeContext({ settings: { flightctl: { apiUrl: sim.url } } });
    contexts.push(tc);
    const session = await signIn(sim, tc.secrets, { expiresAt: Date.now() - 1 });
    const p = new FlightctlProvider(tc.ctx);

    // Ambiguous organization (400), then every tool.
    expect(await toolError(p, 'query_devices', {})).toContain('organizations');
    await callTool(p, 'select_organization', { organization: orgA.id });
    const devices = sim.data(orgA.id).devices as Array<{ metadata: { name: string } }>;
    for (const [tool, args] of [
      ['query_devices', { limit: 25 }],
      ['query_devices', { label_selector: 'env=prod', field_selector: 'status.summary.status!=Online' }],
      ['query_fleets', {}],
      ['query_events', { limit: 10 }],
      ['query_enrollment_requests', {}],
      ['query_repositories', {}],
      ['query_resource_syncs', {}],
      ['get_device', { name: devices[0]!.metadata.name }],
      ['get_fleet', { name: 'pos-fleet' }],
      ['get_devices_summary', { field_selector: 'metadata.owner=Fleet/pos-fleet' }],
      ['list_labels', {}],
      ['list_organizations', {}],
    ] as const) {
      await callTool(p, tool, args);
    }
    await toolError(p, 'get_device', { name: 'missing-device' });
    await toolError(p, 'query_devices', { field_selector: 'spec.nope=1' });

    // Direct calls for the answers the tools do not provoke.
    const auth = { authorization: `Bearer ${(await sim.mintSession()).idToken}` };
    const q = `org_id=${orgA.id}`;
    await fetch(`${sim.url}/api/v1/fleets?addDevicesSummary=true&${q}`, { headers: auth });
    await fetch(`${sim.url}/api/v1/devices?limit=2000&${q}`, { headers: auth });
    await fetch(`${sim.url}/api/v1/devices?${q}`, { headers: { authorization: 'Bearer nope' } });
    await fetch(`${sim.url}/api/v1/devices?org_id=00000000-0000-4000-8000-000000000000`, { headers: auth });
    const unknown = (sim.data(orgA.id).devices as Array<{ metadata: { name: string }; status: { summary: { status: string } } }>).find((d) => d.status.summary.status === 'Unknown');
    if (unknown) await fetch(`${sim.url}/api/v1/devices/${unknown.metadata.name}/lastseen?${q}`, { headers: auth });
    await fetch(`${sim.url}/api/v1/version`, { headers: auth });
    const form = (body: Record<string, string>) => ({ method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(body) });
    await fetch(`${sim.url}/api/v1/auth/${sim.providerName}/token`, form({ grant_type: 'refresh_token', refresh_token: 'bogus', client_id: sim.clientId }));
    await fetch(`${sim.url}/api/v1/auth/${sim.providerName}/token`, form({ grant_type: 'refresh_token', refresh_token: session.refreshToken, client_id: 'wrong' }));

    const seen = new Set(sim.responses.map((r) => `${r.method} ${r.path.replace(/\/devices\/[^/]+/, '/devices/{name}')} ${r.status}`));
    for (const must of [
      'GET /api/v1/auth/config 200',
      'POST /api/v1/auth/sim-oidc/token 200',
      'POST /api/v1/auth/sim-oidc/token 400',
      'GET /api/v1/organizations 200',
      'GET /api/v1/devices 200',
      'GET /api/v1/devices 400',
      'GET /api/v1/devices 401',
      'GET /api/v1/devices 403',
      'GET /api/v1/devices/{name} 200',
      'GET /api/v1/devices/{name} 404',
      'GET /api/v1/devices/{name}/lastseen 200',
      'GET /api/v1/fleets 200',
      'GET /api/v1/fleets/pos-fleet 200',
      'GET /api/v1/events 200',
      'GET /api/v1/labels 200',
    ]) {
      expect(seen, `expected a recorded "${must}"`).toContain(must);
    }
    const errors = sim.responses.flatMap((r) => v1.check(r));
    expect(errors).toEqual([]);

    // Negative controls: the checker is not vacuous.
    const device = sim.data(orgA.id).devices[0];
    expect(v1.check({ method: 'GET', path: '/api/v1/devices/x', query: {}, status: 200, body: { ...device, unexpected: true } })).not.toEqual([]);
    expect(v1.check({ method: 'GET', path: '/api/v1/devices', query: {}, status: 404, body: { apiVersion: 'v1beta1', kind: 'Status', code: 404 } })).not.toEqual([]);
    const badApp = structuredClone(device) as { spec: { applications: Array<Record<string, unknown>> } };
    badApp.spec.applications[0] = { name: 'web', appType: 'banana', image: 'x' };
    expect(v1.check({ method: 'GET', path: '/api/v1/devices/x', query: {}, status: 200, body: badApp })).not.toEqual([]);
    expect(sim.responses.length).toBeGreaterThan(25);
  });

  it('the operations, the v1beta1 detail reads and the v1alpha1 resources (against the v1alpha1 spec), with their errors', async () => {
    const alpha = new Contract(V1ALPHA1, 'flightctl-v1alpha1.json', '/api/v1', [{ ref: '../v1beta1/openapi.yaml', file: V1BETA1, id: 'flightctl-v1beta1.json' }]);
    const sim = await startFlightctlSim({ devices: 40, fleets: 4, record: true });
    sims.push(sim);
    const tc = await makeContext({ settings: { flightctl: { apiUrl: sim.url } } });
    contexts.push(tc);
    await signIn(sim, tc.secrets);
    const p = new FlightctlProvider(tc.ctx);
    type Dev = { metadata: { name: string; owner?: string; labels?: Record<string, string>; annotations?: Record<string, string> }; status: { summary: { status: string } }; spec: { applications?: unknown[] } };
    const devices = sim.data().devices as Dev[];
    const online = devices.find((d) => d.status.summary.status === 'Online' && d.metadata.owner && d.spec.applications?.length)!;
    const paused = devices.find((d) => d.status.summary.status === 'ConflictPaused');
    const pending = (sim.data().enrollmentRequests as Array<{ metadata: { name: string }; status: { approval?: unknown } }>).filter((e) => !e.status.approval);
    const fleet = online.metadata.owner!.slice('Fleet/'.length);
    const csrs = await csrNames(sim);
    for (const [tool, args] of [
      ['get_device_rendered_config', { name: online.metadata.name }],
      ['get_fleet_rollout', { name: fleet }],
      ['device_application_action', { device_name: online.metadata.name, application: 'web', action: 'stop' }],
      ['device_application_action', { device_name: online.metadata.name, application: 'nope', action: 'restart' }],
      ['fleet_application_action', { fleet_name: fleet, application: 'web', action: 'start' }],
      ['fleet_application_action', { fleet_name: fleet, application: 'web', action: 'restart' }],
      ['fleet_application_action', { fleet_name: 'no-such-fleet', application: 'web', action: 'stop' }],
      ['approve_enrollment_request', { name: pending[0]!.metadata.name, labels: { site: 'lab' } }],
      ['approve_enrollment_request', { name: pending[0]!.metadata.name }],
      ['deny_enrollment_request', { name: pending[1]!.metadata.name }],
      ['approve_certificate_signing_request', { name: csrs[0]! }],
      ['approve_certificate_signing_request', { name: csrs[4]! }],
      ['resume_devices', { label_selector: paused ? `alias=${paused.metadata.labels!.alias}` : 'env=none' }],
      ['resume_devices', { field_selector: 'spec.nope=1' }],
      ['decommission_device', { device_name: devices[1]!.metadata.name, target: 'Unenroll' }],
      ['decommission_device', { device_name: devices[1]!.metadata.name, target: 'Unenroll' }],
      ['get_vulnerabilities', {}],
      ['get_vulnerabilities', { device: online.metadata.name, limit: 3 }],
      ['get_vulnerabilities', { fleet }],
      ['get_vulnerabilities', { cve: 'CVE-2026-0001' }],
      ['get_vulnerabilities', { fleet: 'no-such-fleet' }],
      ['query_catalogs', {}],
      ['query_catalogs', { catalog: 'edge-apps' }],
      ['query_catalogs', { catalog: 'nope' }],
    ] as const) {
      await toolError(p, tool, args);
    }
    // Answers no tool provokes: a CVE's impact where the data has it, a device not rendered yet (the one
    // just enrolled), an unchanged rendered version (204), an unknown template version, a bad sortBy.
    const org = sim.orgs[0]!.id;
    const auth = { authorization: `Bearer ${(await sim.mintSession()).idToken}` };
    const get = async (path: string) => fetch(`${sim.url}/api/v1${path}${path.includes('?') ? '&' : '?'}org_id=${org}`, { headers: auth });
    const cve = ((await (await get('/vulnerabilities?limit=1')).json()) as { items: Array<{ cveId: string }> }).items[0]!.cveId;
    await get(`/vulnerabilities/cves/${cve}/impact`);
    await get(`/devices/${pending[0]!.metadata.name}/rendered`);
    await get(`/devices/${online.metadata.name}/rendered?knownRenderedVersion=${online.metadata.annotations!['device-controller/renderedVersion']!}`);
    await get(`/fleets/${fleet}/templateversions/nope`);
    await get('/vulnerabilities?sortBy=banana');

    const isAlpha = (path: string) => /^\/api\/v1\/(catalogs|catalogitems|vulnerabilities)(\/|$)/.test(path);
    const errors = sim.responses.flatMap((r) => (isAlpha(r.path) ? alpha.check(r) : v1.check(r)));
    expect(errors).toEqual([]);
    const seen = new Set(
      sim.responses.map(
        (r) =>
          `${r.method} ${r.path
            .replace(/\/devices\/[^/]+/, '/devices/{name}')
            .replace(/\/fleets\/[^/]+/, '/fleets/{name}')
            .replace(/\/(enrollmentrequests|certificatesigningrequests)\/[^/]+/, '/$1/{name}')
            .replace(/CVE-[0-9-]+/, '{cve}')} ${r.status}`,
      ),
    );
    for (const must of [
      'PUT /api/v1/enrollmentrequests/{name}/approval 200',
      'PUT /api/v1/enrollmentrequests/{name}/approval 400',
      'GET /api/v1/certificatesigningrequests/{name} 200',
      'PUT /api/v1/certificatesigningrequests/{name}/approval 200',
      'PUT /api/v1/certificatesigningrequests/{name}/approval 409',
      'PUT /api/v1/devices/{name}/decommission 200',
      'PUT /api/v1/devices/{name}/decommission 409',
      'POST /api/v1/devices/{name}/applications/web/actions/stop 200',
      'POST /api/v1/devices/{name}/applications/nope/actions/restart 404',
      'POST /api/v1/devices/{name}/applications/web/actions/restart 200',
      'POST /api/v1/fleets/{name}/applications/web/actions/start 200',
      'POST /api/v1/fleets/{name}/applications/web/actions/stop 404',
      'POST /api/v1/deviceactions/resume 200',
      'POST /api/v1/deviceactions/resume 400',
      'GET /api/v1/devices/{name}/rendered 200',
      'GET /api/v1/devices/{name}/rendered 204',
      'GET /api/v1/devices/{name}/rendered 409',
      'GET /api/v1/fleets/{name}/templateversions 200',
      'GET /api/v1/fleets/{name}/templateversions/nope 404',
      'GET /api/v1/catalogs 200',
      'GET /api/v1/catalogs/edge-apps 200',
      'GET /api/v1/catalogs/nope 404',
      'GET /api/v1/catalogitems 200',
      'GET /api/v1/catalogs/edge-apps/items 200',
      'GET /api/v1/vulnerabilities 200',
      'GET /api/v1/vulnerabilities 400',
      'GET /api/v1/vulnerabilities/summary 200',
      'GET /api/v1/vulnerabilities/devices/{name} 200',
      'GET /api/v1/vulnerabilities/devices/{name}/summary 200',
      'GET /api/v1/vulnerabilities/fleets/{name} 200',
      'GET /api/v1/vulnerabilities/fleets/{name}/summary 200',
      'GET /api/v1/vulnerabilities/fleets/{name}/summary 404',
      'GET /api/v1/vulnerabilities/cves/{cve}/impact 200',
    ]) {
      expect(seen, `expected a recorded "${must}"`).toContain(must);
    }
    // Negative control for the second document: a v1alpha1 answer missing what the spec requires.
    expect(alpha.check({ method: 'GET', path: '/api/v1/vulnerabilities/summary', query: {}, status: 200, body: { apiVersion: 'v1alpha1', kind: 'VulnerabilitySummary', cvesBySeverity: { total: 1 } } })).not.toEqual([]);

    // v1alpha1 off: 406 for a request naming the version (with the supported list), 404 without it; 501 with vulnerabilities off.
    const without = await startFlightctlSim({ v1alpha1: false, record: true });
    sims.push(without);
    const a2 = { authorization: `Bearer ${(await without.mintSession()).idToken}` };
    const refused = await fetch(`${without.url}/api/v1/catalogs?limit=1`, { headers: { ...a2, 'flightctl-api-version': 'v1alpha1' } });
    expect(refused.status).toBe(406);
    expect(refused.headers.get('flightctl-api-versions-supported')).toBe('v1beta1');
    expect((await fetch(`${without.url}/api/v1/catalogs?limit=1`, { headers: a2 })).status).toBe(404);
    const off = await startFlightctlSim({ vulnerabilities: false, record: true });
    sims.push(off);
    await fetch(`${off.url}/api/v1/vulnerabilities/summary`, { headers: { authorization: `Bearer ${(await off.mintSession()).idToken}` } });
    expect(off.responses.at(-1)!.status).toBe(501);
    expect(off.responses.flatMap((r) => alpha.check(r))).toEqual([]);
  });

  it('418 when auth is off, and the v0 /auth/config shape against the v0.10.0 spec', async () => {
    const off = await startFlightctlSim({ auth: 'none', record: true });
    sims.push(off);
    await fetch(`${off.url}/api/v1/auth/config`);
    expect(off.responses.flatMap((r) => v1.check(r))).toEqual([]);
    expect(off.responses[0]!.status).toBe(418);

    const old = await startFlightctlSim({ auth: 'v0', record: true });
    sims.push(old);
    await fetch(`${old.url}/api/v1/auth/config`);
    const v0 = new Contract(V0, 'flightctl-v0.json', '');
    expect(old.responses.flatMap((r) => v0.check(r))).toEqual([]);
  });
});

/** The names of the simulator's certificate signing requests (the API lists them; no tool does). */
async function csrNames(sim: FlightctlSim): Promise<string[]> {
  const auth = { authorization: `Bearer ${(await sim.mintSession()).idToken}` };
  const body = (await (await fetch(`${sim.url}/api/v1/certificatesigningrequests?org_id=${sim.orgs[0]!.id}`, { headers: auth })).json()) as { items: Array<{ metadata: { name: string } }> };
  return body.items.map((i) => i.metadata.name);
}
