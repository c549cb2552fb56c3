/**
 * The OpenTelemetry SDK behind TelemetryHub, loaded only when export is on. Spans and metrics
 * follow the OpenTelemetry semantic conventions for MCP (span `tools/call {tool}`, kind SERVER,
 * `mcp.method.name`, `gen_ai.tool.name`, ...; `mcp.server.operation.duration` and
 * `mcp.server.session.duration` in seconds), child spans those for processes and HTTP clients.
 *
 * Nothing is registered globally: this is an app, not a library, and another OpenTelemetry user
 * in the same process (Electron's) must not see Tarmac's provider. Parents are passed explicitly.
 */
import { ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, type Attributes, type Context, type Span, type TextMapGetter, type TextMapSetter } from '@opentelemetry/api';
import { ExportResultCode, W3CTraceContextPropagator, type ExportResult } from '@opentelemetry/core';
import { OTLPMetricExporter as JsonMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { OTLPMetricExporter as ProtoMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { OTLPTraceExporter as JsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as ProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { MeterProvider, PeriodicExportingMetricReader, type PushMetricExporter, type ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import type { Redactor } from '../activity/redact.js';
import { TARMAC_VERSION } from '../version.js';
import type { ActiveCall, ChildOutcome, ChildSpan } from './active.js';
import type { TelemetryConfig } from './config.js';
import type { CallInfo, CallTrace, ExportReport, SessionInfo, TelemetrySink } from './hub.js';

const SCOPE = 'tarmac';
/** The conventions' advice for MCP durations (seconds). */
const DURATION_BUCKETS = [0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 30, 60, 120, 300];
const SESSION_BUCKETS = [1, 5, 10, 30, 60, 300, 600, 1800, 3600, 7200, 14400, 28800, 86400];

const propagator = new W3CTraceContextPropagator();
const getter: TextMapGetter<Record<string, string | undefined>> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => carrier[key],
};
const setter: TextMapSetter<Record<string, string>> = {
  set: (carrier, key, value) => {
    carrier[key] = value;
  },
};

export interface OtelSinkOptions {
  redactor: Redactor;
  report: (r: ExportReport) => void;
}

export function createOtelSink(config: TelemetryConfig, options: OtelSinkOptions): TelemetrySink {
  const { redactor, report } = options;
  const resource = resourceFromAttributes({
    ...config.resourceAttributes,
    'service.name': config.serviceName,
    'service.version': TARMAC_VERSION,
  });

  let tracerProvider: TracerProvider | null = null;
  if (config.traces) {
    const { url, headers, protocol } = config.traces;
    const exporterOptions = { url, headers, timeoutMillis: config.exportTimeoutMs };
    const exporter = protocol === 'http/json' ? new JsonTraceExporter(exporterOptions) : new ProtoTraceExporter(exporterOptions);
    tracerProvider = new TracerProvider({
      resource,
      spanProcessors: [
        new BatchSpanProcessor({
          exporter: watchedSpans(exporter, report),
          scheduledDelayMillis: config.batchDelayMs,
          maxQueueSize: config.maxQueueSize,
          maxExportBatchSize: config.maxExportBatchSize,
          exportTimeoutMillis: config.exportTimeoutMs,
        }),
      ],
    });
  }
  let meterProvider: MeterProvider | null = null;
  if (config.metrics) {
    const { url, headers, protocol } = config.metrics;
    const exporterOptions = { url, headers, timeoutMillis: config.exportTimeoutMs };
    const exporter = protocol === 'http/json' ? new JsonMetricExporter(exporterOptions) : new ProtoMetricExporter(exporterOptions);
    meterProvider = new MeterProvider({
      resource,
      readers: [
        new PeriodicExportingMetricReader({
          exporter: watchedMetrics(exporter, report),
          exportIntervalMillis: config.metricIntervalMs,
          exportTimeoutMillis: Math.min(config.metricTimeoutMs, config.metricIntervalMs),
        }),
      ],
    });
  }

  const tracer = tracerProvider?.getTracer(SCOPE, TARMAC_VERSION);
  const meter = meterProvider?.getMeter(SCOPE, TARMAC_VERSION);
  const operationDuration = meter?.createHistogram('mcp.server.operation.duration', {
    unit: 's',
    description: 'MCP request or notification duration as observed on the receiver from the time it was received until the result or ack is sent.',
    advice: { explicitBucketBoundaries: DURATION_BUCKETS },
  });
  const sessionDuration = meter?.createHistogram('mcp.server.session.duration', {
    unit: 's',
    description: 'The duration of the MCP session as observed on the MCP server.',
    advice: { explicitBucketBoundaries: SESSION_BUCKETS },
  });

  const child = (parent: Context, name: string, kind: SpanKind, attributes: Attributes): ChildSpan => {
    if (!tracer) return { headers: () => ({}), end: () => undefined };
    const span = tracer.startSpan(name, { kind, attributes }, parent);
    return {
      headers() {
        const carrier: Record<string, string> = {};
        propagator.inject(trace.setSpan(ROOT_CONTEXT, span), carrier, setter);
        return carrier;
      },
      end(outcome: ChildOutcome) {
        if (outcome.statusCode !== undefined) span.setAttribute('http.response.status_code', outcome.statusCode);
        if (outcome.exitCode !== undefined && outcome.exitCode !== null) span.setAttribute('process.exit.code', outcome.exitCode);
        const errorType = outcome.errorType ?? (outcome.statusCode !== undefined && outcome.statusCode >= 400 ? String(outcome.statusCode) : outcome.exitCode ? 'exit_code' : undefined);
        if (errorType) {
          span.setAttribute('error.type', errorType);
          span.setStatus({ code: SpanStatusCode.ERROR });
        }
        span.end();
      },
    };
  };

  return {
    call(info: CallInfo): CallTrace {
      const started = performance.now();
      const request = info.request;
      const parent = request?.traceparent
        ? propagator.extract(ROOT_CONTEXT, { traceparent: request.traceparent, ...(request.tracestate ? { tracestate: request.tracestate } : {}) }, getter)
        : ROOT_CONTEXT;
      // Attributes shared by the span and the duration metric (low cardinality only).
      const common: Attributes = {
        'mcp.method.name': 'tools/call',
        'gen_ai.tool.name': info.tool,
        'gen_ai.operation.name': 'execute_tool',
        'network.transport': request?.transport ?? 'tcp',
        ...(request?.protocolVersion ? { 'mcp.protocol.version': request.protocolVersion } : {}),
        ...(request?.transport === 'tcp' ? { 'network.protocol.name': 'http' } : {}),
      };
      const span: Span | undefined = tracer?.startSpan(
        `tools/call ${info.tool}`,
        {
          kind: SpanKind.SERVER,
          attributes: {
            ...common,
            ...(request?.id !== undefined ? { 'jsonrpc.request.id': String(request.id) } : {}),
            ...(info.sessionId ? { 'mcp.session.id': info.sessionId } : {}),
            'tarmac.provider': info.provider,
            'tarmac.tool.class': info.class,
            'tarmac.client': info.client,
          },
        },
        parent,
      );
      const spanContext = span ? trace.setSpan(ROOT_CONTEXT, span) : ROOT_CONTEXT;
      const active: ActiveCall = {
        process: ({ program, executable, args }) => {
          // "flyctl apps list": the program and its subcommand, without values (low cardinality).
          const words = args.filter((a) => !a.startsWith('-')).slice(0, 2);
          return child(spanContext, [program, ...words].join(' '), SpanKind.INTERNAL, {
            'process.executable.name': executable,
            'process.command_args': [executable, ...args.map((a) => redactor.text(a))],
          });
        },
        http: ({ method, url }) => {
          const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
          return child(spanContext, method.toUpperCase(), SpanKind.CLIENT, {
            'http.request.method': method.toUpperCase(),
            'url.full': redactor.text(withoutCredentials(url)),
            'server.address': url.hostname,
            'server.port': port,
          });
        },
      };
      let ended = false;
      return {
        active,
        decided(d) {
          span?.setAttributes({
            'tarmac.guardrail.policy': d.policy,
            'tarmac.guardrail.rule': d.rule,
            'tarmac.guardrail.decided_by': d.by,
            ...(d.channel ? { 'tarmac.guardrail.channel': d.channel } : {}),
            ...(d.waitedMs !== null ? { 'tarmac.guardrail.wait_ms': Math.round(d.waitedMs) } : {}),
            ...(d.trustTerminal ? { 'tarmac.trust_terminal': true } : {}),
          });
        },
        account(name) {
          span?.setAttribute('tarmac.account', name);
        },
        arguments(args) {
          if (!config.includeArguments || !span) return;
          // Already redacted by meaning; the known-secret pass catches anything echoed since.
          span.setAttribute('gen_ai.tool.call.arguments', redactor.text(JSON.stringify(args)));
        },
        end(outcome) {
          if (ended) return;
          ended = true;
          const errorType = outcome.isError ? 'tool_error' : undefined;
          operationDuration?.record((performance.now() - started) / 1000, { ...common, ...(errorType ? { 'error.type': errorType } : {}) });
          if (!span) return;
          span.setAttribute('tarmac.call.status', outcome.status);
          if (outcome.activityId) span.setAttribute('tarmac.call.id', outcome.activityId);
          if (errorType) {
            span.setAttribute('error.type', errorType);
            span.setStatus({ code: SpanStatusCode.ERROR });
          }
          span.end();
        },
      };
    },

    sessionEnded(info: SessionInfo) {
      sessionDuration?.record(info.durationMs / 1000, {
        'network.transport': info.transport,
        ...(info.protocolVersion ? { 'mcp.protocol.version': info.protocolVersion } : {}),
        ...(info.transport === 'tcp' ? { 'network.protocol.name': 'http' } : {}),
      });
    },

    async flush() {
      await Promise.all([tracerProvider?.forceFlush(), meterProvider?.forceFlush()]);
    },

    async shutdown() {
      await Promise.allSettled([tracerProvider?.shutdown(), meterProvider?.shutdown()]);
    },
  };
}

function withoutCredentials(url: URL): string {
  if (!url.username && !url.password) return url.href;
  const copy = new URL(url.href);
  copy.username = '';
  copy.password = '';
  return copy.href;
}

function describe(result: ExportResult): string {
  const err = result.error as (Error & { code?: unknown }) | undefined;
  if (!err) return 'the collector did not accept the export';
  const cause = (err as { cause?: { code?: unknown; message?: unknown } }).cause;
  const code = typeof err.code === 'string' ? err.code : typeof cause?.code === 'string' ? cause.code : null;
  return [err.message || err.name, code && !err.message.includes(code) ? `(${code})` : ''].filter(Boolean).join(' ');
}

/** The exporter, with each outcome reported (the hub keeps state and warns once per outage). */
function watchedSpans(inner: SpanExporter, report: (r: ExportReport) => void): SpanExporter {
  return {
    export(spans: ReadableSpan[], done: (result: ExportResult) => void) {
      inner.export(spans, (result) => {
        report(result.code === ExportResultCode.SUCCESS ? { signal: 'traces', ok: true } : { signal: 'traces', ok: false, error: describe(result) });
        done(result);
      });
    },
    shutdown: () => inner.shutdown(),
    ...(inner.forceFlush ? { forceFlush: () => inner.forceFlush!() } : {}),
  };
}

function watchedMetrics(inner: PushMetricExporter, report: (r: ExportReport) => void): PushMetricExporter {
  return {
    export(metrics: ResourceMetrics, done: (result: ExportResult) => void) {
      inner.export(metrics, (result) => {
        report(result.code === ExportResultCode.SUCCESS ? { signal: 'metrics', ok: true } : { signal: 'metrics', ok: false, error: describe(result) });
        done(result);
      });
    },
    forceFlush: () => inner.forceFlush(),
    shutdown: () => inner.shutdown(),
    ...(inner.selectAggregationTemporality ? { selectAggregationTemporality: inner.selectAggregationTemporality.bind(inner) } : {}),
    ...(inner.selectAggregation ? { selectAggregation: inner.selectAggregation.bind(inner) } : {}),
  };
}
