import { Client } from '@modelcontextprotocol/client';
import { StdioClientTransport } from '@modelcontextprotocol/client/stdio';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startOtlpReceiver, type OtlpReceiver } from '../fixtures/otlp-receiver.js';
import { BUILDS, cliCommand, cliEnv } from '../helpers/cli.js';
import { resultText } from '../helpers/mcp.js';
import { installation, type Installation } from '../helpers/shipped.js';

const TRACE_ID = '0af7651916cd43dd8448eb211c80319c';
const PARENT_ID = 'b7ad6b7169203331';

/**
 * OpenTelemetry export as it ships (bin/tarmac.js) and from source: `tarmac serve` and
 * `tarmac stdio` started with the standard OTEL_* variables export each call's span with its
 * flyctl child, the stdio protocol stream stays clean, and spans still queued at exit go out.
 */
describe.each(BUILDS)('telemetry export (%s)', (build) => {
  let inst: Installation;
  let rx: OtlpReceiver;
  let otel: Record<string, string>;

  beforeAll(async () => {
    inst = await installation(build);
    rx = await startOtlpReceiver();
    // Signed in to Fly.io as a person would be, so flyctl runs.
    const login = await inst.run(['login', 'fly', '--token-stdin'], { input: 'fm2_otel-shipped-token-3c4d\n' });
    expect(login.code, login.stderr).toBe(0);
    // A long batch delay: the stdio span can only arrive through the flush at exit.
    otel = { OTEL_EXPORTER_OTLP_ENDPOINT: rx.url, OTEL_BSP_SCHEDULE_DELAY: '60000', OTEL_METRIC_EXPORT_INTERVAL: '60000', OTEL_SERVICE_NAME: `tarmac-${build}` };
  });
  afterAll(async () => {
    await rx?.close();
    await inst?.cleanup();
  });

  it('status says where export goes, or why it is off, without credentials', async () => {
    const off = await inst.run(['status']);
    expect(off.stdout).toMatch(/^OpenTelemetry export: off: No collector is set/m);
    const on = await inst.run(['status', '--json'], { env: { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://user:pw-canary-1@otlp.example.com/v1/traces', OTEL_METRICS_EXPORTER: 'none' } });
    expect(JSON.parse(on.stdout).telemetry).toEqual({ state: 'on', summary: 'traces to https://otlp.example.com/v1/traces (from OTEL_* variables)', traces: 'https://otlp.example.com/v1/traces', metrics: null });
    expect(on.stdout + on.stderr).not.toContain('pw-canary');
  });

  it('serve: a span per call, parented to the client’s traceparent, with the flyctl run as its child', async () => {
    const serve = await inst.serve({ ...otel, OTEL_BSP_SCHEDULE_DELAY: '50' });
    try {
      const client = await inst.connect(serve.url, 'otel-serve');
      const result = await client.callTool({ name: 'fly-apps-list', arguments: {}, _meta: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } });
      expect(result.isError, resultText(result)).toBeFalsy();
      await client.close();
      await expect.poll(() => rx.spans.map((s) => s.name), { timeout: 10_000 }).toEqual(expect.arrayContaining(['tools/call fly-apps-list', 'flyctl apps list']));
      const call = rx.spans.find((s) => s.name === 'tools/call fly-apps-list')!;
      const run = rx.spans.find((s) => s.name === 'flyctl apps list')!;
      expect(call).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_ID });
      expect(call.resource['service.name']).toBe(`tarmac-${build}`);
      expect(call.attributes).toMatchObject({ 'network.transport': 'tcp', 'tarmac.client': 'otel-serve' });
      expect(run).toMatchObject({ traceId: TRACE_ID, parentSpanId: call.spanId });
    } finally {
      await serve.stop();
    }
  });

  it('stdio: the protocol stream stays clean and the span (network.transport pipe) is flushed at exit', async () => {
    rx.spans.length = 0;
    const { command, args } = cliCommand(['stdio', '--client', 'otel-stdio', '--data-dir', inst.dataDir], undefined, build);
    const client = new Client({ name: 'otel-stdio', version: '1' });
    await client.connect(new StdioClientTransport({ command, args, env: cliEnv({ ...inst.env, ...otel }) as Record<string, string>, stderr: 'pipe' }));
    const result = await client.callTool({ name: 'fly-apps-list', arguments: {}, _meta: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } });
    expect(result.isError, resultText(result)).toBeFalsy();
    // Nothing sent yet (a minute's batch delay); closing stdin ends the process, which flushes.
    expect(rx.spans).toEqual([]);
    await client.close();
    await expect.poll(() => rx.spans.map((s) => s.name), { timeout: 10_000 }).toContain('tools/call fly-apps-list');
    const call = rx.spans.find((s) => s.name === 'tools/call fly-apps-list')!;
    expect(call).toMatchObject({ traceId: TRACE_ID, parentSpanId: PARENT_ID });
    expect(call.attributes).toMatchObject({ 'network.transport': 'pipe', 'tarmac.client': 'stdio:otel-stdio' });
    expect(call.attributes).not.toHaveProperty('network.protocol.name');
    expect(Buffer.concat(rx.requests.map((r) => r.body)).toString('latin1')).not.toContain('otel-shipped-token');
  });
});
