/**
 * OpenTelemetry export of tool calls, as the window sees and changes it. Header values are
 * secrets (an API key for a hosted collector): they live in the keychain and never come back.
 */
export const OTLP_PROTOCOLS = ['http/protobuf', 'http/json'] as const;
export type OtlpProtocol = (typeof OTLP_PROTOCOLS)[number];

export interface TelemetrySettingsView {
  /** true: export to `endpoint`; false: never export (even when OTEL_* variables say so); null: the environment decides. */
  enabled: boolean | null;
  /** Base URL of the collector's OTLP/HTTP receiver (…/v1/traces and …/v1/metrics are added); '' when unset. */
  endpoint: string;
  protocol: OtlpProtocol;
  serviceName: string;
  /** Each span carries the call's arguments as recorded in the history (redacted). */
  includeArguments: boolean;
  /** Names of the headers sent with every export; their values stay in the keychain. */
  headerNames: string[];
}

export type TelemetryState = 'off' | 'exporting' | 'failing' | 'misconfigured';

export interface TelemetryStatus {
  state: TelemetryState;
  /** Where the configuration in force came from. */
  source: 'settings' | 'environment' | null;
  /** One sentence for a person: what happens now and, when something is wrong, what to do. */
  summary: string;
  tracesUrl: string | null;
  metricsUrl: string | null;
  protocol: OtlpProtocol | null;
  lastSuccessAt: string | null;
  lastError: string | null;
  lastErrorAt: string | null;
}

export interface TelemetryView {
  settings: TelemetrySettingsView;
  status: TelemetryStatus;
  /** OTEL_* variables set in Tarmac's own environment (names only: a header variable holds secrets). */
  environment: string[];
}

export interface TelemetryPatch {
  enabled?: boolean | null;
  endpoint?: string;
  protocol?: OtlpProtocol;
  serviceName?: string;
  includeArguments?: boolean;
  /** Headers to add or replace (name -> value) and names to remove. */
  headers?: { set?: Record<string, string>; remove?: string[] };
}

/** A header name an HTTP request can carry (RFC 9110 token), not one the exporter sets itself. */
export const OTLP_HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,100}$/;
export const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'host', 'connection', 'transfer-encoding', 'user-agent']);
