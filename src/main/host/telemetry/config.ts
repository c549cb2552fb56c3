/**
 * What OpenTelemetry export does, from settings.json (with header values from the keychain) and
 * the standard OTEL_* environment variables. Pure: no SDK here, so deciding that export is off
 * loads nothing.
 *
 * Precedence: `telemetry.enabled: false` in settings turns export off whatever the environment
 * says, and so does OTEL_SDK_DISABLED=true; `enabled: true` with an endpoint exports there; with
 * neither chosen, OTEL_EXPORTER_OTLP_ENDPOINT (or a signal's own endpoint) turns it on. Nothing
 * set means nothing is sent, not even to the OTLP default of localhost:4318.
 */
import type { OtlpProtocol } from '../../../shared/telemetry.js';
import type { Settings } from '../settings.js';

export interface SignalTarget {
  url: string;
  protocol: OtlpProtocol;
  headers: Record<string, string>;
}

export interface TelemetryConfig {
  source: 'settings' | 'environment';
  traces: SignalTarget | null;
  metrics: SignalTarget | null;
  serviceName: string;
  resourceAttributes: Record<string, string>;
  includeArguments: boolean;
  exportTimeoutMs: number;
  metricIntervalMs: number;
  metricTimeoutMs: number;
  batchDelayMs: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
}

export type TelemetryResolution =
  | { kind: 'on'; config: TelemetryConfig; warnings: string[] }
  | { kind: 'off'; reason: string }
  | { kind: 'misconfigured'; reason: string };

export const DEFAULT_SERVICE_NAME = 'tarmac';

type Env = Readonly<Record<string, string | undefined>>;

/**
 * `headerValues`: the settings' headers (name -> value) as read from the keychain; only used
 * when the settings are the source.
 */
export function resolveTelemetry(settings: Settings, env: Env, headerValues: Record<string, string> = {}): TelemetryResolution {
  const t = settings.telemetry;
  if (isTrue(env.OTEL_SDK_DISABLED)) return { kind: 'off', reason: 'OTEL_SDK_DISABLED is true in Tarmac’s environment.' };
  if (t?.enabled === false) return { kind: 'off', reason: 'Export is turned off in Tarmac’s settings.' };

  const warnings: string[] = [];
  const tracesOn = exporterOn('OTEL_TRACES_EXPORTER', env, warnings);
  const metricsOn = exporterOn('OTEL_METRICS_EXPORTER', env, warnings);
  const common = {
    exportTimeoutMs: positiveInt(env.OTEL_EXPORTER_OTLP_TIMEOUT, 10_000, 'OTEL_EXPORTER_OTLP_TIMEOUT', warnings),
    metricIntervalMs: positiveInt(env.OTEL_METRIC_EXPORT_INTERVAL, 60_000, 'OTEL_METRIC_EXPORT_INTERVAL', warnings),
    metricTimeoutMs: positiveInt(env.OTEL_METRIC_EXPORT_TIMEOUT, 30_000, 'OTEL_METRIC_EXPORT_TIMEOUT', warnings),
    batchDelayMs: positiveInt(env.OTEL_BSP_SCHEDULE_DELAY, 5_000, 'OTEL_BSP_SCHEDULE_DELAY', warnings),
    maxQueueSize: positiveInt(env.OTEL_BSP_MAX_QUEUE_SIZE, 2_048, 'OTEL_BSP_MAX_QUEUE_SIZE', warnings),
    maxExportBatchSize: positiveInt(env.OTEL_BSP_MAX_EXPORT_BATCH_SIZE, 512, 'OTEL_BSP_MAX_EXPORT_BATCH_SIZE', warnings),
    resourceAttributes: parsePairs(env.OTEL_RESOURCE_ATTRIBUTES),
  };
  // The SDK sends at most one batch at a time; a batch larger than the queue could never fill.
  common.maxExportBatchSize = Math.min(common.maxExportBatchSize, common.maxQueueSize);

  if (t?.enabled === true) {
    const base = (t.endpoint ?? '').trim();
    if (!base) return { kind: 'misconfigured', reason: 'Export is on but no collector endpoint is set: enter its OTLP/HTTP URL (for example http://localhost:4318) in Settings.' };
    const url = httpUrl(base);
    if (!url) return { kind: 'misconfigured', reason: `The collector endpoint “${base}” is not an http:// or https:// URL: correct it in Settings.` };
    const protocol = t.protocol ?? 'http/protobuf';
    const target = (path: string): SignalTarget => ({ url: join(url, path), protocol, headers: { ...headerValues } });
    return {
      kind: 'on',
      warnings,
      config: {
        source: 'settings',
        traces: tracesOn ? target('v1/traces') : null,
        metrics: metricsOn ? target('v1/metrics') : null,
        serviceName: t.serviceName?.trim() || env.OTEL_SERVICE_NAME?.trim() || DEFAULT_SERVICE_NAME,
        includeArguments: t.includeArguments ?? false,
        ...common,
      },
    };
  }

  // The environment decides.
  const base = env.OTEL_EXPORTER_OTLP_ENDPOINT?.trim();
  const signal = (name: 'TRACES' | 'METRICS', path: string, on: boolean): SignalTarget | null | string => {
    if (!on) return null;
    const own = env[`OTEL_EXPORTER_OTLP_${name}_ENDPOINT`]?.trim();
    const raw = own || base;
    if (!raw) return null;
    const url = httpUrl(raw);
    if (!url) return `${own ? `OTEL_EXPORTER_OTLP_${name}_ENDPOINT` : 'OTEL_EXPORTER_OTLP_ENDPOINT'} (“${raw}”) is not an http:// or https:// URL.`;
    const protocolVar = env[`OTEL_EXPORTER_OTLP_${name}_PROTOCOL`]?.trim() || env.OTEL_EXPORTER_OTLP_PROTOCOL?.trim() || 'http/protobuf';
    if (protocolVar !== 'http/protobuf' && protocolVar !== 'http/json') {
      return `OTLP protocol “${protocolVar}” is not supported: Tarmac exports over OTLP/HTTP; set OTEL_EXPORTER_OTLP_PROTOCOL to http/protobuf or http/json (and use the collector’s HTTP port, usually 4318).`;
    }
    return {
      // A signal's own endpoint is used as given; the common one gets the signal's path.
      url: own ? url.href : join(url, path),
      protocol: protocolVar,
      headers: { ...parsePairs(env.OTEL_EXPORTER_OTLP_HEADERS), ...parsePairs(env[`OTEL_EXPORTER_OTLP_${name}_HEADERS`]) },
    };
  };
  const traces = signal('TRACES', 'v1/traces', tracesOn);
  const metrics = signal('METRICS', 'v1/metrics', metricsOn);
  if (typeof traces === 'string') return { kind: 'misconfigured', reason: traces };
  if (typeof metrics === 'string') return { kind: 'misconfigured', reason: metrics };
  if (!traces && !metrics) {
    return { kind: 'off', reason: warnings.length ? warnings.join(' ') : 'No collector is set: turn export on in Settings, or start Tarmac with OTEL_EXPORTER_OTLP_ENDPOINT.' };
  }
  return {
    kind: 'on',
    warnings,
    config: {
      source: 'environment',
      traces,
      metrics,
      serviceName: env.OTEL_SERVICE_NAME?.trim() || common.resourceAttributes['service.name'] || t?.serviceName?.trim() || DEFAULT_SERVICE_NAME,
      includeArguments: t?.includeArguments ?? false,
      ...common,
    },
  };
}

/** OTEL_*_EXPORTER: unset, "otlp" (or a list holding it) exports; "none" does not; others are not supported here. */
function exporterOn(name: string, env: Env, warnings: string[]): boolean {
  const raw = env[name]?.trim();
  if (!raw) return true;
  const values = raw.split(',').map((v) => v.trim().toLowerCase()).filter(Boolean);
  if (values.includes('otlp')) return true;
  if (values.length === 1 && values[0] === 'none') return false;
  warnings.push(`${name}=${raw} is not supported (Tarmac exports OTLP only), so that signal is not exported.`);
  return false;
}

function isTrue(v: string | undefined): boolean {
  return v?.trim().toLowerCase() === 'true';
}

function positiveInt(raw: string | undefined, fallback: number, name: string, warnings: string[]): number {
  if (raw === undefined || raw.trim() === '') return fallback;
  const n = Number(raw.trim());
  if (Number.isInteger(n) && n > 0) return n;
  warnings.push(`${name}=${raw} is not a positive whole number of milliseconds; using ${fallback}.`);
  return fallback;
}

/** `key=value,key2=value2` (W3C baggage style, percent-encoded), as OTEL_EXPORTER_OTLP_HEADERS and OTEL_RESOURCE_ATTRIBUTES use. */
export function parsePairs(raw: string | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (!raw) return out;
  for (const part of raw.split(',')) {
    const at = part.indexOf('=');
    if (at <= 0) continue;
    const key = decode(part.slice(0, at).trim());
    const value = decode(part.slice(at + 1).trim());
    if (key) out[key] = value;
  }
  return out;
}

function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

function httpUrl(raw: string): URL | null {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url : null;
  } catch {
    return null;
  }
}

function join(base: URL, path: string): string {
  const u = new URL(base.href);
  u.pathname = `${u.pathname.replace(/\/+$/, '')}/${path}`;
  return u.href;
}

/** What `tarmac status` says about export, without loading anything (URLs without credentials). */
export function describeTelemetry(r: TelemetryResolution): { state: TelemetryResolution['kind']; summary: string; traces: string | null; metrics: string | null } {
  if (r.kind !== 'on') return { state: r.kind, summary: r.reason, traces: null, metrics: null };
  const bare = (u: string | undefined) => {
    if (!u) return null;
    const url = new URL(u);
    url.username = '';
    url.password = '';
    return url.href;
  };
  const traces = bare(r.config.traces?.url);
  const metrics = bare(r.config.metrics?.url);
  const what = [traces ? `traces to ${traces}` : null, metrics ? `metrics to ${metrics}` : null].filter(Boolean).join(', ');
  return { state: 'on', summary: `${what} (${r.config.source === 'settings' ? 'from settings' : 'from OTEL_* variables'})`, traces, metrics };
}
