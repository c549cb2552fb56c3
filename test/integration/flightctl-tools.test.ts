import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { FlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { MAX_PAGES } from '../../src/main/host/providers/flightctl/client.js';
import { HttpTransport } from '../../src/main/host/providers/flightctl/http.js';
import { startFlightctlSim, type FlightctlSim, type SimOptions } from '../fixtures/flightctl-sim/index.js';
import { callTool, makeContext, toolError, type TestContext } from '../fixtures/flightctl-sim/harness.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';

const ORG_A = { id: '11111111-1111-4111-8111-111111111111', displayName: 'Berlin Ops' };
const ORG_B = { id: '22222222-2222-4222-8222-222222222222', displayName: 'Lyon Retail' };

let sim: FlightctlSim | undefined;
let tc: TestContext | undefined;
let provider: FlightctlProvider | undefined;

afterEach(async () => {
  await provider?.close();
  await sim?.stop();
  await tc?.cleanup();
  sim = undefined;
  tc = undefined;
  provider = undefined;
});

async function setup(simOptions: SimOptions = {}, settings: { organization?: string } = {}): Promise<{ sim: FlightctlSim; tc: TestContext; provider: FlightctlProvider }> {
  sim = await startFlightctlSim(simOptions);
  tc = await makeContext({ settings: { flightctl: { apiUrl: sim.url, ...settings } } });
  await signIn(sim, tc.secrets);
  provider = new FlightctlProvider(tc.ctx);
  return { sim, tc, provider };
}

/** The structured rows of a list answer, as objects keyed by its columns. */
function objects(structured: unknown): Array<Record<string, unknown>> {
  const s = structured as { columns: string[]; rows: unknown[][] };
  return s.rows.map((r) => Object.fromEntries(s.columns.map((c, i) => [c, r[i] ?? null])));
}

function apiRequests(s: FlightctlSim, path: string) {
  return s.requests.filter((r) => r.path === `/api/v1${path}`);
}

describe('flightctl query tools against the simulator', () => {
  it('query_devices answers one compact line per device, with structured rows and org_id on every call', async () => {
    const { sim, provider } = await setup({ devices: 12 });
    const out = await callTool(provider, 'query_devices', {});
    const lines = out.text.split('\n');
    expect(lines[0]).toMatch(/^12 devices \(name \(alias\) \| status \| update \| apps \| fleet \| labels/);
    expect(lines).toHaveLength(13);
    const first = sim.data().devices[0] as { metadata: { name: string; labels: Record<string, string> } };
    expect(lines[1]).toContain(first.metadata.name);
    expect(lines[1]).toContain(`(${first.metadata.labels.alias})`);
    expect(lines[1]).toContain(`site=${first.metadata.labels.site}`);
    const structured = out.structured as { count: number; more: boolean };
    expect(structured.count).toBe(12);
    expect(structured.more).toBe(false);
    expect(objects(out.structured)[0]).toMatchObject({ name: first.metadata.name, alias: first.metadata.labels.alias, status: expect.any(String), updated: expect.any(String) });
    const deviceCalls = apiRequests(sim, '/devices');
    expect(deviceCalls.length).toBe(1);
    expect(deviceCalls.every((r) => r.query.org_id === sim.orgs[0]!.id)).toBe(true);
  });

  it('passes label and field selectors through and explains a rejected selector', async () => {
    const { sim, provider } = await setup({ devices: 40 });
    const out = await callTool(provider, 'query_devices', { label_selector: 'site=factory-berlin', field_selector: 'status.summary.status=Online' });
    const expected = sim
      .data()
      .devices.filter((d) => {
        const x = d as { metadata: { labels: Record<string, string> }; status: { summary: { status: string } } };
        return x.metadata.labels.site === 'factory-berlin' && x.status.summary.status === 'Online';
      }).length;
    expect((out.structured as { count: number }).count).toBe(expected);
    const call = apiRequests(sim, '/devices').at(-1)!;
    expect(call.query).toMatchObject({ labelSelector: 'site=factory-berlin', fieldSelector: 'status.summary.status=Online' });

    const message = await toolError(provider, 'query_devices', { field_selector: 'status.lastSeen>2026-01-01T00:00:00Z' });
    expect(message).toContain('Flight Control listing devices failed');
    expect(message).toContain('unable to resolve selector name "status.lastSeen"');
    expect(message).toContain('BadRequest, HTTP 400');
  });

  it('pages through 2,500 devices in pages of at most 1000 and stops at the caller\'s limit', async () => {
    const { sim, provider } = await setup({ devices: 2500 });
    const all = await callTool(provider, 'query_devices', { limit: 2500 });
    const s = all.structured as { count: number; more: boolean };
    expect(s.count).toBe(2500);
    expect(s.more).toBe(false);
    expect(new Set(objects(all.structured).map((i) => i.name)).size).toBe(2500);
    const pages = apiRequests(sim, '/devices');
    expect(pages.map((p) => p.query.limit)).toEqual(['1000', '1000', '500']);
    expect(pages[0]!.query.continue).toBeUndefined();
    expect(pages[1]!.query.continue).toBeTruthy();

    sim.requests.length = 0;
    const some = await callTool(provider, 'query_devices', { limit: 1200 });
    const t = some.structured as { count: number; more: boolean; remaining: number; note: string };
    expect(t.count).toBe(1200);
    expect(t.more).toBe(true);
    expect(t.remaining).toBe(1300);
    expect(some.text).toContain('1300 more devices exist beyond these 1200');
    expect(some.text).toMatch(/Narrow with label_selector or field_selector/);
    expect(apiRequests(sim, '/devices').map((p) => p.query.limit)).toEqual(['1000', '200']);

    // The default limit (1000) leaves the rest on the server and says so.
    const def = await callTool(provider, 'query_devices', {});
    expect((def.structured as { count: number; more: boolean }).count).toBe(1000);
    expect(def.text).toContain('raise limit (up to 10000)');
  });

  it('stops at the page cap when the server keeps sending continue tokens', async () => {
    // More devices than pages, so every page brings a new one.
    const { sim, provider } = await setup({ devices: MAX_PAGES + 10, alwaysContinue: true });
    const out = await callTool(provider, 'query_devices', { limit: 5000 });
    const s = out.structured as { count: number; more: boolean; pageCapReached: boolean };
    expect(apiRequests(sim, '/devices')).toHaveLength(MAX_PAGES);
    expect(s.count).toBe(MAX_PAGES);
    expect(s.more).toBe(true);
    expect(s.pageCapReached).toBe(true);
    expect(out.text).toContain(`Stopped after ${MAX_PAGES} pages`);
  });

  it('treats a nonsense remainingItemCount as unknown', async () => {
    const { provider } = await setup({ devices: 30, remainingItemCount: -9007199254740991 });
    const out = await callTool(provider, 'query_devices', { limit: 10 });
    expect(out.text).not.toContain('-9007199254740991');
    expect(out.text).toContain('More devices exist beyond these 10');
    expect(out.structured).not.toHaveProperty('remaining');
    expect((out.structured as { more: boolean }).more).toBe(true);
  });

  it('lists each item once when the server repeats a continue token', async () => {
    // Pages hold 1000: the second request, with the first page's token, gets the first page again.
    const { sim, provider } = await setup({ devices: 1500, repeatContinue: true });
    const out = await callTool(provider, 'query_devices', { limit: 5000 });
    const names = objects(out.structured).map((o) => o.name);
    expect(names).toHaveLength(1000);
    expect(new Set(names).size).toBe(1000);
    expect(apiRequests(sim, '/devices')).toHaveLength(2);
    expect(out.text).toContain('the server repeated a continue token');
  });

  it('get_device adds last seen from /lastseen and resolves an alias', async () => {
    const { sim, provider } = await setup({ devices: 10 });
    const online = sim.data().devices.find((d) => (d as { status: { summary: { status: string } } }).status.summary.status === 'Online') as {
      metadata: { name: string; labels: Record<string, string> };
    };
    const out = await callTool(provider, 'get_device', { name: online.metadata.name });
    expect(out.text).toMatch(/^device \S+ \(/);
    expect(out.text).toMatch(/last seen: \d{4}-\d\d-\d\dT/);
    expect(out.text).toContain('system: ');
    expect((out.structured as { device: { lastSeen: string } }).device.lastSeen).toMatch(/^\d{4}-/);
    expect(apiRequests(sim, `/devices/${online.metadata.name}/lastseen`)).toHaveLength(1);

    const byAlias = await callTool(provider, 'get_device', { name: online.metadata.labels.alias });
    expect(byAlias.text).toContain(online.metadata.name);

    const full = await callTool(provider, 'get_device', { name: online.metadata.name, detail: 'full' });
    expect(JSON.parse(full.text)).toMatchObject({ kind: 'Device', metadata: { name: online.metadata.name } });

    const missing = await toolError(provider, 'get_device', { name: 'no-such-device' });
    expect(missing).toContain('No device named "no-such-device"');
  });

  it('checks device and fleet names against the API\'s name rules before any request: "." and ".." are no names', async () => {
    const { sim, provider } = await setup({ devices: 5, fleets: 2 });
    const before = sim.requests.length;
    const byName = () => sim.requests.slice(before).filter((r) => /^\/api\/v1\/(?:devices|fleets)\/|^\/ws\//.test(r.path) || r.path === '/api/v1' || r.path === '/api/v1/');
    for (const name of ['.', '..', '../fleets', 'a/b', 'dev 1', '%2e%2e', '-dev', 'dev.']) {
      expect(await toolError(provider, 'get_device', { name }), name).toMatch(/is neither a Flight Control device name nor an alias/);
      expect(await toolError(provider, 'run_command_on_device', { device_name: name, command: 'true' }), name).toMatch(/is neither a Flight Control device name nor an alias/);
    }
    for (const name of ['.', '..', 'a/b', 'Pos-Fleet', 'pos_fleet', 'x'.repeat(254)]) {
      expect(await toolError(provider, 'get_fleet', { name }), name).toMatch(/is not a Flight Control fleet name: a name is lowercase letters, digits, "-" and "."/);
    }
    expect(byName()).toEqual([]);
    // Names with dots are names (DNS subdomains), and work.
    expect(await toolError(provider, 'get_fleet', { name: 'no.such.fleet' })).not.toMatch(/is not a Flight Control fleet name/);
  });

  it('looks a device up by alias alone when the argument can only be an alias', async () => {
    const { sim, provider } = await setup({ devices: 5 });
    const device = sim.data().devices[0] as { metadata: { name: string; labels: Record<string, string> } };
    device.metadata.labels.alias = 'Kiosk_Berlin.01';
    const before = sim.requests.length;
    const out = await callTool(provider, 'get_device', { name: 'Kiosk_Berlin.01' });
    expect(out.text).toContain(device.metadata.name);
    expect(sim.requests.slice(before).some((r) => r.path.includes('Kiosk'))).toBe(false);
  });

  it('get_device falls back to status.lastSeen on servers without /lastseen', async () => {
    const { sim, provider } = await setup({ devices: 3, lastSeenEndpoint: false });
    const name = (sim.data().devices[0] as { metadata: { name: string } }).metadata.name;
    const out = await callTool(provider, 'get_device', { name });
    expect(out.text).toContain('last seen: unknown');
  });

  it('get_fleet, get_devices_summary, list_labels and the other queries', async () => {
    const { sim, provider } = await setup({ devices: 25, fleets: 3 });
    const fleet = await callTool(provider, 'get_fleet', { name: 'pos-fleet' });
    const members = sim.data().devices.filter((d) => (d as { metadata: { owner?: string } }).metadata.owner === 'Fleet/pos-fleet').length;
    expect(fleet.text).toContain('fleet pos-fleet');
    expect(fleet.text).toContain(`devices: ${members} (`);
    expect(apiRequests(sim, '/fleets/pos-fleet')[0]!.query.addDevicesSummary).toBe('true');

    const summary = await callTool(provider, 'get_devices_summary', { field_selector: 'metadata.owner=Fleet/pos-fleet' });
    expect(summary.text).toContain(`devices: ${members}`);
    expect(summary.text).toMatch(/by status: .*Online \d+/);
    expect(apiRequests(sim, '/devices').at(-1)!.query.summaryOnly).toBe('true');

    const labels = await callTool(provider, 'list_labels', {});
    expect(labels.text).toMatch(/^site: /m);
    expect((labels.structured as { labels: Record<string, string[]> }).labels.region).toBeDefined();

    const fleets = await callTool(provider, 'query_fleets', { label_selector: 'env=prod' });
    expect(fleets.text).toContain('pos-fleet | quay.io/flightctl/rhel:9.4 | fleet=pos | True');

    const events = await callTool(provider, 'query_events', { field_selector: 'type=Warning', limit: 5 });
    const ev = objects(events.structured);
    expect(ev.length).toBeGreaterThan(0);
    expect(ev.every((e) => e.type === 'Warning')).toBe(true);
    const times = ev.map((e) => String(e.time));
    expect([...times].sort().reverse()).toEqual(times);
    expect(apiRequests(sim, '/events').at(-1)!.query.order).toBe('desc');

    const ers = await callTool(provider, 'query_enrollment_requests', {});
    expect(ers.text).toMatch(/\| Pending \|/);
    expect(ers.text).toMatch(/\| Approved \| ana \|/);
    const repos = await callTool(provider, 'query_repositories', { field_selector: 'spec.type=git' });
    expect(repos.text).toContain('flightctl-demos | git | https://github.com/flightctl/flightctl-demos | True');
    const syncs = await callTool(provider, 'query_resource_syncs', {});
    expect(syncs.text).toContain('fleets-sync-2 | config-repo-2 | /fleets/site-2@main | False (ResourceParsed: fleet.yaml: unknown field');

    const full = await callTool(provider, 'query_repositories', { detail: 'full', limit: 2 });
    const rawLines = full.text.split('\n').slice(1, 3);
    expect(JSON.parse(rawLines[0]!)).toMatchObject({ kind: 'Repository' });
  });
});

describe('answer size limits', () => {
  it('detail=full returns at most 200 raw objects, fetches no more, and says so', async () => {
    const { sim, provider } = await setup({ devices: 250 });
    const out = await callTool(provider, 'query_devices', { detail: 'full', limit: 10000 });
    const st = out.structured as { count: number; items: unknown[]; more: boolean; note: string };
    expect(st.count).toBe(200);
    expect(st.items).toHaveLength(200);
    expect(st.more).toBe(true);
    expect(st.note).toContain('detail=full returns at most 200 raw objects per call, so limit 10000 was lowered to 200');
    expect(out.text).toContain('use detail=compact for up to 10000 devices');
    expect(out.text.split('\n')).toHaveLength(1 + 200 + 1);
    expect(apiRequests(sim, '/devices').map((r) => r.query.limit)).toEqual(['200']);
    const spec = provider.tools().find((t) => t.name === 'query_devices')!;
    // Said once, where the model picks detail (the tool's description stays short: issue 23's budget).
    expect((spec.input.detail as { description?: string }).description).toContain('full: raw objects (KBs each, max 200; use a small limit)');
  });

  it('cuts a compact answer above 1 MiB after a whole line, keeps the notes and says how to narrow', async () => {
    const { provider } = await setup({ devices: 10_000, events: 0 });
    const out = await callTool(provider, 'query_devices', { limit: 10_000 });
    expect(Buffer.byteLength(out.text)).toBeLessThanOrEqual(1024 * 1024);
    expect(out.text).toMatch(/^10000 devices \(/);
    expect(out.text).toMatch(/\n[^\n]+ \| [^\n]+\n\[output truncated: \d+ more bytes not shown; the answer is larger than 1 MiB: narrow with label_selector or field_selector or lower limit\]$/);
    const st = out.structured as { count: number; textTruncated: boolean };
    expect(st.count).toBe(10_000);
    expect(st.textTruncated).toBe(true);
  });

  it('refuses a REST answer larger than the body limit, as sent and once decompressed', async () => {
    const { tc } = await setup({ devices: 60 });
    const small = new FlightctlProvider(tc.ctx, { maxResponseBytes: 40_000 });
    try {
      expect(await toolError(small, 'query_devices', {})).toMatch(/^Flight Control sent more than 40000 bytes for listing devices \(http:\/\/127\.0\.0\.1:\d+\), so Tarmac stopped reading it\. Ask for less: narrow with label_selector or field_selector, or lower limit\.$/);
      // A small answer still works under the same limit.
      expect((await callTool(small, 'query_devices', { limit: 2 })).structured).toMatchObject({ count: 2 });
    } finally {
      await small.close();
    }
  });

  it('stops reading a streamed (chunked) body as soon as it passes the limit', async () => {
    const server = createServer((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      // No content-length: the size shows only while reading.
      for (let i = 0; i < 10; i++) res.write('x'.repeat(10_000));
      res.end();
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const transport = new HttpTransport({ maxBodyBytes: 40_000 });
    const roomy = new HttpTransport({ maxBodyBytes: 200_000 });
    try {
      const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api/v1/devices`;
      const outcome = await transport.request(url, { what: 'listing devices' }).then(
        (res) => `read ${res.body.length} bytes`,
        (err: unknown) => (err instanceof Error ? err.message : String(err)),
      );
      expect(outcome).toMatch(/^Flight Control sent more than 40000 bytes for listing devices/);
      expect((await roomy.request(url)).body.length).toBe(100_000);
    } finally {
      transport.close();
      roomy.close();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('refuses a gzip answer that decompresses beyond the body limit', async () => {
    const { sim, tc } = await setup({ devices: 60, gzip: true });
    const small = new FlightctlProvider(tc.ctx, { maxResponseBytes: 40_000 });
    try {
      expect(await toolError(small, 'query_devices', {})).toContain('Flight Control sent more than 40000 bytes (once decompressed) for listing devices');
      expect((await callTool(small, 'query_devices', { limit: 2 })).structured).toMatchObject({ count: 2 });
    } finally {
      await small.close();
    }
    // Through the default limit, the same gzip answer reads fine.
    expect((await callTool(provider!, 'query_devices', {})).structured).toMatchObject({ count: 60 });
    expect(sim.requests.length).toBeGreaterThan(0);
  });
});

describe('organizations', () => {
  it('asks the user to choose when they belong to several, and select_organization saves the choice', async () => {
    const { sim, tc, provider } = await setup({ devices: 4, orgs: [ORG_A, ORG_B] });
    const message = await toolError(provider, 'query_devices', {});
    expect(message).toContain('You belong to 2 Flight Control organizations');
    expect(message).toContain('Berlin Ops (11111111-1111-4111-8111-111111111111)');
    expect(message).toContain('select_organization');
    // Nothing reached the device endpoint without an organization.
    expect(apiRequests(sim, '/devices')).toHaveLength(0);
    expect((await provider.status()).warnings.join(' ')).toContain('You belong to 2 Flight Control organizations');

    const orgs = await callTool(provider, 'list_organizations', {});
    expect(orgs.text).toContain('2 organizations');
    expect(orgs.text).toContain('None is selected');

    const sel = await callTool(provider, 'select_organization', { organization: 'lyon retail' });
    expect(sel.text).toContain(`Lyon Retail (${ORG_B.id})`);
    expect((await tc.settings.read()).flightctl?.organization).toBe(ORG_B.id);
    const status = await provider.status();
    expect(status.details.organization).toBe(ORG_B.id);
    expect(status.warnings).toEqual([]);

    const out = await callTool(provider, 'query_devices', {});
    const names = objects(out.structured).map((i) => i.name);
    expect(names).toEqual(sim.data(ORG_B.id).devices.map((d) => (d as { metadata: { name: string } }).metadata.name));
    expect(apiRequests(sim, '/devices').every((r) => r.query.org_id === ORG_B.id)).toBe(true);

    // Switching in settings (as the UI would) takes effect on the next call.
    await tc.settings.update((s) => ({ ...s, flightctl: { ...s.flightctl, organization: ORG_A.id } }));
    const again = await callTool(provider, 'query_devices', { limit: 1 });
    expect(objects(again.structured)[0]!.name).toBe((sim.data(ORG_A.id).devices[0] as { metadata: { name: string } }).metadata.name);
    expect(apiRequests(sim, '/devices').at(-1)!.query.org_id).toBe(ORG_A.id);

    const listed = await callTool(provider, 'list_organizations', {});
    expect(listed.text).toContain(`${ORG_A.id} | Berlin Ops | ext-berlin ops | selected`);
  });

  it('uses the only organization automatically and sends no org_id when organizations are off', async () => {
    const { sim, provider } = await setup({ devices: 2, orgs: [ORG_A, ORG_B], userOrgs: [ORG_A.id] });
    await callTool(provider, 'query_devices', {});
    expect(apiRequests(sim, '/devices')[0]!.query.org_id).toBe(ORG_A.id);
    await provider.close();
    await sim.stop();
    await tc!.cleanup();

    const second = await setup({ devices: 2, organizationsEnabled: false });
    await callTool(second.provider, 'query_devices', {});
    expect(apiRequests(second.sim, '/devices')[0]!.query.org_id).toBeUndefined();
    expect(apiRequests(second.sim, '/organizations')).toHaveLength(0);
  });

  it('reports a chosen organization the user cannot access', async () => {
    const { provider } = await setup({ devices: 2, orgs: [ORG_A, ORG_B], userOrgs: [ORG_A.id] }, { organization: ORG_B.id });
    const message = await toolError(provider, 'query_devices', {});
    expect(message).toContain('HTTP 403');
    expect(message).toContain('list_organizations');
  });
});
