import { describe, expect, it } from 'vitest';
import { parsePairs, resolveTelemetry, type TelemetryConfig } from '../../src/main/host/telemetry/config.js';

function on(r: ReturnType<typeof resolveTelemetry>): TelemetryConfig {
  if (r.kind !== 'on') throw new Error(`expected export on, got ${r.kind}: ${r.reason}`);
  return r.config;
}

describe('what turns telemetry export on', () => {
  it('nothing set sends nothing anywhere, not even to the OTLP default localhost:4318', () => {
    const r = resolveTelemetry({}, {});
    expect(r.kind).toBe('off');
  });

  it('OTEL_EXPORTER_OTLP_ENDPOINT alone exports traces and metrics, over http/protobuf, to the signal paths', () => {
    const c = on(resolveTelemetry({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://collector:4318/' }));
    expect(c.source).toBe('environment');
    expect(c.traces).toEqual({ url: 'http://collector:4318/v1/traces', protocol: 'http/protobuf', headers: {} });
    expect(c.metrics?.url).toBe('http://collector:4318/v1/metrics');
    expect(c.serviceName).toBe('tarmac');
    expect(c.includeArguments).toBe(false);
  });

  it('a signal endpoint is used as given and turns on that signal only', () => {
    const c = on(resolveTelemetry({}, { OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: 'https://otlp.example.com/custom/traces' }));
    expect(c.traces?.url).toBe('https://otlp.example.com/custom/traces');
    expect(c.metrics).toBeNull();
  });

  it('honours the exporter, protocol, header, interval, delay and resource variables', () => {
    const c = on(
      resolveTelemetry(
        {},
        {
          OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318',
          OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
          OTEL_EXPORTER_OTLP_METRICS_PROTOCOL: 'http/protobuf',
          OTEL_EXPORTER_OTLP_HEADERS: 'x-api-key=abc%3D%3D, x-team=infra',
          OTEL_METRIC_EXPORT_INTERVAL: '15000',
          OTEL_BSP_SCHEDULE_DELAY: '250',
          OTEL_SERVICE_NAME: 'tarmac-laptop',
          OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment=dev,host.name=me',
        },
      ),
    );
    expect(c.traces?.protocol).toBe('http/json');
    expect(c.metrics?.protocol).toBe('http/protobuf');
    expect(c.traces?.headers).toEqual({ 'x-api-key': 'abc==', 'x-team': 'infra' });
    expect(c.metricIntervalMs).toBe(15_000);
    expect(c.batchDelayMs).toBe(250);
    expect(c.serviceName).toBe('tarmac-laptop');
    expect(c.resourceAttributes).toEqual({ 'deployment.environment': 'dev', 'host.name': 'me' });
  });

  it('OTEL_TRACES_EXPORTER / OTEL_METRICS_EXPORTER: unset or otlp export, none does not, others are named as unsupported', () => {
    expect(on(resolveTelemetry({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'otlp', OTEL_METRICS_EXPORTER: 'none' })).metrics).toBeNull();
    const r = resolveTelemetry({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_TRACES_EXPORTER: 'console', OTEL_METRICS_EXPORTER: 'none' });
    expect(r).toMatchObject({ kind: 'off' });
    expect(r.kind === 'off' && r.reason).toMatch(/OTEL_TRACES_EXPORTER=console is not supported/);
  });

  it('OTEL_SDK_DISABLED=true and settings enabled:false turn it off whatever else is set', () => {
    expect(resolveTelemetry({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_SDK_DISABLED: 'true' }).kind).toBe('off');
    expect(resolveTelemetry({ telemetry: { enabled: false } }, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318' }).kind).toBe('off');
    expect(resolveTelemetry({ telemetry: { enabled: true, endpoint: 'http://c:4318' } }, { OTEL_SDK_DISABLED: 'TRUE' }).kind).toBe('off');
  });

  it('gRPC, a non-HTTP URL or a bad number is a clear problem, not a silent default', () => {
    const grpc = resolveTelemetry({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4317', OTEL_EXPORTER_OTLP_PROTOCOL: 'grpc' });
    expect(grpc.kind).toBe('misconfigured');
    expect(grpc.kind === 'misconfigured' && grpc.reason).toMatch(/grpc.*not supported.*http\/protobuf/);
    expect(resolveTelemetry({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'collector:4318' }).kind).toBe('misconfigured');
    const r = resolveTelemetry({}, { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://c:4318', OTEL_BSP_SCHEDULE_DELAY: 'soon' });
    expect(r.kind === 'on' && r.config.batchDelayMs).toBe(5_000);
    expect(r.kind === 'on' && r.warnings.join()).toMatch(/OTEL_BSP_SCHEDULE_DELAY=soon/);
  });

  it('settings with an endpoint win over the environment, with the keychain headers', () => {
    const c = on(
      resolveTelemetry(
        { telemetry: { enabled: true, endpoint: 'https://api.honeycomb.io', protocol: 'http/json', serviceName: 'me', includeArguments: true, headerNames: ['x-honeycomb-team'] } },
        { OTEL_EXPORTER_OTLP_ENDPOINT: 'http://elsewhere:4318', OTEL_METRIC_EXPORT_INTERVAL: '5000' },
        { 'x-honeycomb-team': 'k' },
      ),
    );
    expect(c.source).toBe('settings');
    expect(c.traces).toEqual({ url: 'https://api.honeycomb.io/v1/traces', protocol: 'http/json', headers: { 'x-honeycomb-team': 'k' } });
    expect(c.serviceName).toBe('me');
    expect(c.includeArguments).toBe(true);
    // The standard intervals still apply.
    expect(c.metricIntervalMs).toBe(5_000);
  });

  it('settings turned on without a usable endpoint say what to fix', () => {
    expect(resolveTelemetry({ telemetry: { enabled: true } }, {})).toMatchObject({ kind: 'misconfigured', reason: expect.stringMatching(/no collector endpoint/) });
    expect(resolveTelemetry({ telemetry: { enabled: true, endpoint: 'localhost:4318' } }, {})).toMatchObject({ kind: 'misconfigured', reason: expect.stringMatching(/not an http/) });
  });

  it('parses key=value lists as the OTLP variables write them', () => {
    expect(parsePairs('a=1,b = two ,broken,=x,c=%F0%9F%9A%80')).toEqual({ a: '1', b: 'two', c: '🚀' });
    expect(parsePairs(undefined)).toEqual({});
  });
});
