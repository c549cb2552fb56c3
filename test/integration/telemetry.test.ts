/**
 * OpenTelemetry export against an in-test OTLP/HTTP collector: spans and metrics with the MCP
 * semantic conventions' names and attributes, the client's trace context as parent (params._meta
 * in the 2025 era, the HTTP traceparent header in 2026-07-28), child spans for flyctl and Flight
 * Control requests, settings with keychain headers, redaction, and collectors that refuse or hang.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/client';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createHostApi } from '../../src/main/host/api.js';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import type { TarmacEvent } from '../../src/shared/api.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedSpan } from '../fixtures/otlp-receiver.js';
import { testTools } from '../fixtures/test-tools.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { eraClient, startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';
const TRACEPARENT = `00-${TRACE_ID}-${PARENT_ID}-01`;
/** Export quickly so the tests wait little; the batch and metric intervals are the standard variables. */
const FAST = { OTEL_BSP_SCHEDULE_DELAY: '50', OTEL_METRIC_EXPORT_INTERVAL: '200' };
const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 } as const;

let rx: OtlpReceiver;
const hosts: TestHost[] = [];

beforeAll(async () => {
  rx = await startOtlpReceiver();
});
afterAll(async () => {
  await rx?.close();
});
afterEach(async () => {
  await Promise.allSettled(hosts.splice(0).map((h) => h.stop()));
  rx.spans.length = 0;
  rx.metrics.length = 0;
  rx.requests.length = 0;
  rx.setMode('ok');
});

async function host(options: Parameters<typeof startTestHost>[0] = {}): Promise<TestHost> {
  const t = await startTestHost(options);
  hosts.push(t);
  return t;
}

async function spanNamed(name: string, extra: (s: ReceivedSpan) => boolean = () => true): Promise<ReceivedSpan> {
  await expect.poll(() => rx.spans.some((s) => s.name === name && extra(s)), { timeout: 10_000 }).toBe(true);
  return rx.spans.find((s) => s.name === name && extra(s))!;
}

describe('export configured by OTEL_* variables', () => {
  it('sends a span per tool call with the MCP conventions, parented to params._meta.traceparent, and the duration metrics', async () => {
    const t = await host({
      tools: testTools(),
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json', OTEL_SERVICE_NAME: 'tarmac-under-test', ...FAST },
    });
    const client = await t.connect('otel-client');
    const ok = await client.callTool({ name: 'echo', arguments: { text: 'hi' }, _meta: { traceparent: TRACEPARENT } });
    expect(ok.isError).toBeFalsy();
    const failed = await client.callTool({ name: 'fail', arguments: { message: 'it broke' } });
    expect(failed.isError).toBe(true);

    const echo = await spanNamed('tools/call echo');
    expect(echo.kind).toBe(SPAN_KIND.SERVER);
    expect(echo.traceId).toBe(TRACE_ID);
    expect(echo.parentSpanId).toBe(PARENT_ID);
    expect(echo.resource['service.name']).toBe('tarmac-under-test');
    expect(echo.attributes).toMatchObject({
      'mcp.method.name': 'tools/call',
      'gen_ai.tool.name': 'echo',
      'gen_ai.operation.name': 'execute_tool',
      'network.transport': 'tcp',
      'network.protocol.name': 'http',
      'tarmac.client': 'otel-client',
      'tarmac.provider': 'test',
      'tarmac.tool.class': 'read',
      'tarmac.guardrail.policy': 'allow',
      'tarmac.guardrail.decided_by': 'rule',
      'tarmac.call.status': 'ok',
      'tarmac.account': 'default',
    });
    expect(typeof echo.attributes['jsonrpc.request.id']).toBe('string');
    expect(echo.attributes['mcp.protocol.version']).toMatch(/^2025-/);
    expect(typeof echo.attributes['mcp.session.id']).toBe('string');
    expect(echo.attributes['tarmac.call.id']).toBe(t.activity().find((c) => c.tool === 'echo')?.id);
    // Arguments are opt-in.
    expect(echo.attributes).not.toHaveProperty('gen_ai.tool.call.arguments');
    expect(echo.attributes).not.toHaveProperty('error.type');

    const fail = await spanNamed('tools/call fail');
    expect(fail.attributes['error.type']).toBe('tool_error');
    expect(fail.attributes['tarmac.call.status']).toBe('error');
    expect(fail.statusCode).toBe(2); // STATUS_CODE_ERROR
    // No parent given: a trace of its own.
    expect(fail.parentSpanId).toBe('');
    expect(fail.traceId).not.toBe(TRACE_ID);

    await expect
      .poll(() => rx.metrics.filter((m) => m.name === 'mcp.server.operation.duration').flatMap((m) => m.points.map((p) => p.attributes['gen_ai.tool.name'])), { timeout: 10_000 })
      .toEqual(expect.arrayContaining(['echo', 'fail']));
    const duration = rx.metrics.find((m) => m.name === 'mcp.server.operation.duration')!;
    expect(duration.unit).toBe('s');
    const failPoint = rx.metrics.flatMap((m) => (m.name === 'mcp.server.operation.duration' ? m.points : [])).find((p) => p.attributes['gen_ai.tool.name'] === 'fail')!;
    expect(failPoint.attributes).toMatchObject({ 'mcp.method.name': 'tools/call', 'error.type': 'tool_error', 'network.transport': 'tcp' });

    // A 2025-era session that ends is measured.
    await (client.transport as StreamableHTTPClientTransport).terminateSession();
    await client.close();
    await expect.poll(() => rx.metrics.some((m) => m.name === 'mcp.server.session.duration' && m.points.some((p) => p.count >= 1)), { timeout: 10_000 }).toBe(true);
    expect(rx.metrics.find((m) => m.name === 'mcp.server.session.duration')?.unit).toBe('s');
  });

  it('takes the parent from the HTTP traceparent header of a 2026-07-28 request, over protobuf', async () => {
    const t = await host({ tools: testTools(), env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: `${rx.url}/v1/traces`, ...FAST } });
    const client = eraClient('modern', { era: 'modern' });
    await client.connect(
      new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: { Authorization: `Bearer ${await t.tokenFor('modern')}`, traceparent: TRACEPARENT } } }),
    );
    await client.callTool({ name: 'echo', arguments: { text: 'modern' } });
    // params._meta wins over the header: it belongs to this request, the header to the connection.
    const own = `00-${'ab'.repeat(16)}-${'cd'.repeat(8)}-01`;
    await client.callTool({ name: 'noop', arguments: {}, _meta: { traceparent: own, tracestate: 'vendor=1' } });
    await client.close();
    const noop = await spanNamed('tools/call noop');
    expect(noop).toMatchObject({ traceId: 'ab'.repeat(16), parentSpanId: 'cd'.repeat(8) });
    const span = await spanNamed('tools/call echo');
    expect(rx.requests.every((r) => r.contentType === 'application/x-protobuf')).toBe(true);
    expect(span.traceId).toBe(TRACE_ID);
    expect(span.parentSpanId).toBe(PARENT_ID);
    expect(span.attributes['mcp.protocol.version']).toBe('2026-07-28');
    // Only the traces endpoint was set: no metrics go anywhere.
    await t.host.telemetry.flush();
    expect(rx.requests.some((r) => r.path === '/v1/metrics')).toBe(false);
  });

  it('OTEL_SDK_DISABLED=true and settings that turn export off win over the endpoint variable', async () => {
    const disabled = await host({ tools: testTools(), env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_SDK_DISABLED: 'true', ...FAST } });
    const off = await host({ tools: testTools(), env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, ...FAST }, settings: { telemetry: { enabled: false } } });
    for (const t of [disabled, off]) {
      const client = await t.connect();
      await client.callTool({ name: 'echo', arguments: { text: 'quiet' } });
      expect(t.host.telemetry.enabled).toBe(false);
      expect(t.host.telemetry.status().state).toBe('off');
    }
    await new Promise((r) => setTimeout(r, 300));
    expect(rx.requests).toEqual([]);
  });
});

describe('child spans', () => {
  let dir: string;
  let sim: FlightctlSim;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tarmac-otel-'));
    sim = await startFlightctlSim({ devices: 5 });
  });
  afterAll(async () => {
    await sim?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  it('a flyctl run is a child of its tool call span, with the token kept out', async () => {
    const t = await host({
      providers: [createFlyProvider],
      env: { PATH: process.env.PATH, HOME: join(dir, 'home'), OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, ...FAST },
      settings: { flyctlPath: FAKE_FLYCTL },
    });
    await t.secrets.set(FLY_TOKEN_ACCOUNT, 'fm2_otel-canary-token-5e6f7a');
    const client = await t.connect();
    const result = await client.callTool({ name: 'fly-apps-list', arguments: {}, _meta: { traceparent: TRACEPARENT } });
    expect(result.isError, resultText(result)).toBeFalsy();
    const call = await spanNamed('tools/call fly-apps-list');
    expect(call.traceId).toBe(TRACE_ID);
    const run = await spanNamed('flyctl apps list');
    expect(run.kind).toBe(SPAN_KIND.INTERNAL);
    expect(run.traceId).toBe(TRACE_ID);
    expect(run.parentSpanId).toBe(call.spanId);
    expect(run.attributes).toMatchObject({ 'process.executable.name': 'fake-flyctl.mjs', 'process.exit.code': 0 });
    expect(run.attributes['process.command_args']).toEqual(expect.arrayContaining(['apps', 'list']));
    await t.host.telemetry.flush();
    expect(Buffer.concat(rx.requests.map((r) => r.body)).toString('latin1')).not.toContain('otel-canary-token');
  });

  it('each Flight Control request is an HTTP client span, and the server receives the trace context', async () => {
    const t = await host({
      providers: [createFlightctlProvider],
      env: { HOME: join(dir, 'fc-home'), OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, ...FAST },
      settings: { flightctl: { apiUrl: sim.url } },
    });
    await signIn(sim, t.secrets);
    const client = await t.connect();
    sim.requests.length = 0;
    const result = await client.callTool({ name: 'query_devices', arguments: {}, _meta: { traceparent: TRACEPARENT } });
    expect(result.isError, resultText(result)).toBeFalsy();
    const call = await spanNamed('tools/call query_devices');
    const get = await spanNamed('GET', (s) => s.parentSpanId === call.spanId && String(s.attributes['url.full']).includes('/api/v1/devices'));
    expect(get.kind).toBe(SPAN_KIND.CLIENT);
    expect(get.traceId).toBe(TRACE_ID);
    expect(get.attributes).toMatchObject({ 'http.request.method': 'GET', 'http.response.status_code': 200, 'server.address': '127.0.0.1' });
    expect(String(get.attributes['url.full'])).toContain('/api/v1/devices');
    const sent = sim.requests.find((r) => r.path === '/api/v1/devices');
    expect(sent?.traceparent).toMatch(new RegExp(`^00-${TRACE_ID}-${get.spanId}-01$`));
  });
});

describe('export configured in the window', () => {
  it('exports with headers kept in the keychain, includes redacted arguments when asked, and pushes its state', async () => {
    const t = await host({ tools: testTools(), env: FAST, settings: { policies: {} } });
    const events: TarmacEvent[] = [];
    const api = createHostApi(t.host, { openBrowser: async () => undefined, emit: (e) => events.push(e), coalesceMs: 1 });
    try {
      expect((await api.api.getTelemetry()).status.state).toBe('off');
      // Bad input changes nothing.
      await expect(api.api.updateTelemetry({ enabled: true })).rejects.toThrow(/endpoint/);
      await expect(api.api.updateTelemetry({ endpoint: 'ftp://collector', enabled: true })).rejects.toThrow(/not a collector URL/);
      await expect(api.api.updateTelemetry({ endpoint: rx.url, headers: { set: { 'bad header': 'x' } } })).rejects.toThrow(/not a valid header name/);
      expect((await t.host.settings.read()).telemetry).toBeUndefined();

      const view = await api.api.updateTelemetry({
        enabled: true,
        endpoint: rx.url,
        protocol: 'http/json',
        serviceName: 'tarmac-window',
        includeArguments: true,
        headers: { set: { Authorization: 'Bearer otel-header-canary-91c2' } },
      });
      expect(view.settings).toMatchObject({ enabled: true, endpoint: rx.url, headerNames: ['Authorization'], includeArguments: true });
      expect(view.status.state).toBe('exporting');
      expect(JSON.stringify(view)).not.toContain('otel-header-canary');
      // The value is in the keychain, not in settings.json.
      expect(JSON.stringify(await t.host.settings.read())).not.toContain('otel-header-canary');
      expect(await t.secrets.get('telemetry:headers')).toContain('otel-header-canary-91c2');
      expect(events.some((e) => e.type === 'telemetry' && e.data.status.state === 'exporting')).toBe(true);

      // A call a person approves in the window: the span says who decided and how long it waited.
      t.host.guardrails.approvals.onChange((change) => {
        if (change.type === 'added') setTimeout(() => void api.api.decideApproval(change.approval.id, 'allow-once'), 30);
      });
      const client = await t.connect('window-client');
      await client.callTool({ name: 'configure', arguments: { name: 'billing', api_key: 'sk_live_otel-arg-canary-77d1' } });
      const span = await spanNamed('tools/call configure');
      expect(span.attributes).toMatchObject({ 'tarmac.guardrail.policy': 'ask', 'tarmac.guardrail.decided_by': 'person', 'tarmac.guardrail.channel': 'window' });
      expect(span.attributes['tarmac.guardrail.wait_ms']).toBeGreaterThan(0);
      expect(String(span.attributes['gen_ai.tool.call.arguments'])).toContain('billing');
      expect(rx.requests.every((r) => r.headers.authorization === 'Bearer otel-header-canary-91c2')).toBe(true);

      const everything = Buffer.concat(rx.requests.map((r) => r.body)).toString('utf8') + (await t.readLogs());
      expect(everything).not.toContain('otel-arg-canary');
      expect(everything).not.toContain('otel-header-canary');

      // Off again, at once, without a restart.
      const off = await api.api.updateTelemetry({ enabled: false });
      expect(off.status.state).toBe('off');
      expect(t.host.telemetry.enabled).toBe(false);
      const before = rx.requests.length;
      await client.callTool({ name: 'echo', arguments: { text: 'after' } });
      await new Promise((r) => setTimeout(r, 300));
      expect(rx.requests.length).toBe(before);
    } finally {
      api.close();
    }
  });
});

describe('a collector that fails', () => {
  it('one that hangs never delays a call: calls finish while its exports wait unanswered', async () => {
    rx.setMode('hang');
    const t = await host({ tools: testTools(), env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_EXPORTER_OTLP_TIMEOUT: '60000', ...FAST } });
    const client = await t.connect();
    await client.callTool({ name: 'echo', arguments: { text: 'first' } });
    // The first batch went out and the collector holds it.
    await expect.poll(() => rx.hanging, { timeout: 10_000 }).toBeGreaterThan(0);
    for (let i = 0; i < 20; i++) {
      const r = await client.callTool({ name: 'echo', arguments: { text: `call ${i}` } });
      expect(r.isError).toBeFalsy();
    }
    // Every call answered while not a single export had been.
    expect(rx.spans).toEqual([]);
    expect(rx.hanging).toBeGreaterThan(0);
  });

  it('one that refuses costs one warning per outage and shows as failing until it works again', async () => {
    rx.setMode('refuse');
    const t = await host({ tools: testTools(), env: { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_METRICS_EXPORTER: 'none', ...FAST } });
    const client = await t.connect();
    for (let round = 0; round < 3; round++) {
      const before = rx.requests.length;
      await client.callTool({ name: 'echo', arguments: { text: `round ${round}` } });
      await expect.poll(() => rx.requests.length, { timeout: 10_000 }).toBeGreaterThan(before);
    }
    await expect.poll(() => t.host.telemetry.status().state, { timeout: 10_000 }).toBe('failing');
    expect(t.host.telemetry.status().summary).toMatch(/cannot reach http:\/\/127\.0\.0\.1:\d+/);
    const warnings = (await t.readLogs()).split('\n').filter((l) => l.includes('telemetry export failing'));
    expect(warnings).toHaveLength(1);

    rx.setMode('ok');
    await client.callTool({ name: 'echo', arguments: { text: 'recovered' } });
    await expect.poll(() => t.host.telemetry.status().state, { timeout: 10_000 }).toBe('exporting');
    await spanNamed('tools/call echo');
    await expect.poll(() => t.readLogs(), { timeout: 5_000 }).toContain('telemetry export works again');
  });
});
