/**
 * OpenTelemetry export of tool calls, as the rest of the host sees it: a span per call, child
 * spans through activeCall(), and session durations. With export off (the default) a call gets
 * no trace at all and the OpenTelemetry SDK is never loaded; it loads the first time a
 * configuration turns export on (./otel.ts).
 */
import type { CallDecision, ToolClass } from '../../../shared/policy.js';
import type { TelemetryStatus } from '../../../shared/telemetry.js';
import type { Redactor } from '../activity/redact.js';
import type { Logger } from '../log.js';
import type { ActiveCall } from './active.js';
import { resolveTelemetry, type TelemetryConfig, type TelemetryResolution } from './config.js';
import type { Settings } from '../settings.js';

/** How an MCP request reached Tarmac, for the span's attributes and parent. */
export interface RequestTrace {
  /** JSON-RPC id of the tools/call request. */
  id?: string | number;
  protocolVersion?: string | undefined;
  /** tcp: Streamable HTTP or SSE; pipe: stdio. */
  transport: 'tcp' | 'pipe';
  /** W3C trace context from the request's params._meta, or else its HTTP headers. */
  traceparent?: string | undefined;
  tracestate?: string | undefined;
}

export interface CallInfo {
  tool: string;
  provider: string;
  class: ToolClass;
  client: string;
  sessionId: string | null;
  request?: RequestTrace | undefined;
}

export interface CallOutcome {
  /** Tarmac's own status of the call (ok, error, denied, timeout, cancelled, or deferred for a 2026-07-28 approval question). */
  status: string;
  /** The MCP result had isError. */
  isError: boolean;
  /** The activity record, to find the call in Tarmac's history. */
  activityId?: string | undefined;
}

export interface CallTrace {
  /** Set while export is on: the tool's run happens inside it (runWithCall) so child spans attach. */
  readonly active: ActiveCall | undefined;
  decided(decision: CallDecision): void;
  /** The account of the tool's back end the call uses (the one its client's profile binds). */
  account(name: string): void;
  /** The call's arguments as recorded (already redacted); kept only when includeArguments is on. */
  arguments(args: Record<string, unknown>): void;
  end(outcome: CallOutcome): void;
}

export interface SessionInfo {
  transport: 'tcp' | 'pipe';
  protocolVersion?: string | undefined;
  durationMs: number;
}

/** What ./otel.ts builds: the SDK behind the three calls the host makes. */
export interface TelemetrySink {
  call(info: CallInfo): CallTrace;
  sessionEnded(info: SessionInfo): void;
  flush(): Promise<void>;
  shutdown(): Promise<void>;
}

export interface ExportReport {
  signal: 'traces' | 'metrics';
  ok: boolean;
  error?: string;
}

/** How long stopping waits for a last export: a collector that hangs must not hold up quitting. */
const SHUTDOWN_GRACE_MS = 2_000;

export interface TelemetryHubOptions {
  log: Logger;
  redactor: Redactor;
  env: Readonly<Record<string, string | undefined>>;
  /** The settings' header values (keychain); a locked keychain throws and export waits. */
  headerValues: () => Promise<Record<string, string>>;
}

export class TelemetryHub {
  readonly #o: TelemetryHubOptions;
  #sink: TelemetrySink | null = null;
  #key = 'off';
  #resolution: TelemetryResolution = { kind: 'off', reason: 'Not configured yet.' };
  #lastSuccessAt: string | null = null;
  #lastError: string | null = null;
  #lastErrorAt: string | null = null;
  /** One configure at a time: two settings changes in a row end with the second one's sink. */
  #queue: Promise<unknown> = Promise.resolve();
  readonly #listeners = new Set<() => void>();
  #toldAt = 0;

  constructor(options: TelemetryHubOptions) {
    this.#o = options;
  }

  /** True while spans are recorded (export on and the SDK loaded). */
  get enabled(): boolean {
    return this.#sink !== null;
  }

  /** The call's trace; undefined while export is off, so an untraced call does no work for it at all. */
  call(info: CallInfo): CallTrace | undefined {
    return this.#sink?.call(info);
  }

  sessionEnded(info: SessionInfo): void {
    this.#sink?.sessionEnded(info);
  }

  /** Apply the settings and environment as they are now; only a change restarts the exporter. */
  configure(settings: Settings): Promise<void> {
    const run = this.#queue.then(() => this.#configure(settings));
    this.#queue = run.catch(() => undefined);
    return run;
  }

  async #configure(settings: Settings): Promise<void> {
    let headers: Record<string, string> = {};
    const wantsHeaders = settings.telemetry?.enabled === true && (settings.telemetry.headerNames?.length ?? 0) > 0;
    if (wantsHeaders) {
      try {
        headers = await this.#o.headerValues();
      } catch (err) {
        this.#set({ kind: 'misconfigured', reason: `The collector’s headers are in the keychain, which cannot be read now (${(err as Error).message}). Unlock it; export starts when it can be read.` }, 'keychain');
        return;
      }
      for (const value of Object.values(headers)) this.#o.redactor.addSecret(value);
    }
    const resolution = resolveTelemetry(settings, this.#o.env, headers);
    const key = resolution.kind === 'on' ? JSON.stringify(resolution.config) : resolution.kind;
    if (key === this.#key) {
      this.#resolution = resolution;
      return;
    }
    const previous = this.#sink;
    this.#sink = null;
    if (previous) await bounded(previous.shutdown());
    if (resolution.kind !== 'on') {
      if (previous) this.#o.log.info('telemetry export stopped');
      this.#set(resolution, key);
      return;
    }
    try {
      const { createOtelSink } = await import('./otel.js');
      this.#sink = createOtelSink(resolution.config, { redactor: this.#o.redactor, report: (r) => this.#report(r) });
    } catch (err) {
      this.#set({ kind: 'misconfigured', reason: `Telemetry could not start: ${this.#o.redactor.text((err as Error).message)}` }, 'failed');
      this.#o.log.warn({ err: (err as Error).message }, 'telemetry export could not start');
      return;
    }
    for (const warning of resolution.warnings) this.#o.log.warn(warning);
    this.#o.log.info({ traces: resolution.config.traces?.url ?? null, metrics: resolution.config.metrics?.url ?? null, source: resolution.config.source }, 'telemetry export on');
    this.#set(resolution, key);
  }

  #set(resolution: TelemetryResolution, key: string): void {
    this.#resolution = resolution;
    this.#key = key;
    this.#lastError = null;
    this.#lastErrorAt = null;
    this.#lastSuccessAt = null;
    this.#changed();
  }

  #report(r: ExportReport): void {
    const now = new Date().toISOString();
    if (r.ok) {
      const recovered = this.#lastError !== null;
      const first = this.#lastSuccessAt === null;
      this.#lastSuccessAt = now;
      this.#lastError = null;
      this.#lastErrorAt = null;
      if (recovered) this.#o.log.info({ signal: r.signal }, 'telemetry export works again');
      // News is told at once; a steady stream of successful exports at most once a minute.
      if (recovered || first || Date.now() - this.#toldAt > 60_000) this.#changed();
      return;
    }
    const error = this.#o.redactor.text(r.error ?? 'the collector did not accept the export');
    // One warning per outage, not one per batch.
    if (this.#lastError === null) this.#o.log.warn({ signal: r.signal, err: error }, 'telemetry export failing; calls are unaffected, spans queue up to a limit and the oldest are dropped');
    this.#lastError = error;
    this.#lastErrorAt = now;
    this.#changed();
  }

  status(): TelemetryStatus {
    const r = this.#resolution;
    if (r.kind !== 'on') {
      return { state: r.kind, source: null, summary: r.reason, tracesUrl: null, metricsUrl: null, protocol: null, lastSuccessAt: null, lastError: null, lastErrorAt: null };
    }
    const { traces, metrics, source } = r.config;
    const where = (traces ?? metrics)!.url;
    const failing = this.#lastError !== null;
    const what = traces && metrics ? 'Traces and metrics' : traces ? 'Traces' : 'Metrics';
    const from = source === 'environment' ? ' (set by OTEL_* variables in Tarmac’s environment)' : '';
    const summary = failing
      ? `${what} cannot reach ${new URL(where).origin}: ${this.#lastError}. Tool calls are not affected; check that the collector runs and accepts OTLP/HTTP there.`
      : `${what} of every tool call go to ${new URL(where).origin}${from}.`;
    return {
      state: failing ? 'failing' : 'exporting',
      source,
      summary,
      tracesUrl: traces?.url ?? null,
      metricsUrl: metrics?.url ?? null,
      protocol: (traces ?? metrics)!.protocol,
      lastSuccessAt: this.#lastSuccessAt,
      lastError: this.#lastError,
      lastErrorAt: this.#lastErrorAt,
    };
  }

  /** The configuration in force (tests, status). */
  get config(): TelemetryConfig | null {
    return this.#resolution.kind === 'on' ? this.#resolution.config : null;
  }

  onChange(listener: () => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  #changed(): void {
    this.#toldAt = Date.now();
    for (const listener of this.#listeners) {
      try {
        listener();
      } catch {
        // A listener's failure is its own.
      }
    }
  }

  /** Send what is queued now (tests; a CLI run about to exit). */
  async flush(): Promise<void> {
    await this.#queue;
    if (this.#sink) await bounded(this.#sink.flush());
  }

  async shutdown(): Promise<void> {
    await this.#queue;
    const sink = this.#sink;
    this.#sink = null;
    this.#listeners.clear();
    if (sink) await bounded(sink.shutdown());
  }
}

function bounded(p: Promise<void>): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([p.catch(() => undefined), new Promise<void>((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS).unref()))]).finally(() => clearTimeout(timer));
}
