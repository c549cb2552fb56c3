/**
 * Telemetry settings as the window reads and changes them: the non-secret part in settings.json,
 * the header values (an API key for a hosted collector, say) in the keychain under one entry.
 */
import { OTLP_HEADER_NAME, RESERVED_HEADERS, type TelemetryPatch, type TelemetrySettingsView, type TelemetryView } from '../../../shared/telemetry.js';
import type { SecretStore } from '../secrets.js';
import type { Settings, SettingsStore } from '../settings.js';
import { DEFAULT_SERVICE_NAME } from './config.js';
import type { TelemetryHub } from './hub.js';

export const HEADERS_ACCOUNT = 'telemetry:headers';
const MAX_HEADERS = 32;
const MAX_HEADER_VALUE = 8 * 1024;

export class TelemetryInputError extends Error {
  override readonly name = 'TelemetryInputError';
}

export async function readHeaderValues(secrets: SecretStore): Promise<Record<string, string>> {
  const raw = await secrets.get(HEADERS_ACCOUNT);
  if (!raw) return {};
  try {
    const parsed = JSON.parse(raw) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((e): e is [string, string] => typeof e[1] === 'string'));
  } catch {
    return {};
  }
}

export function settingsView(s: Settings): TelemetrySettingsView {
  const t = s.telemetry;
  return {
    enabled: t?.enabled ?? null,
    endpoint: t?.endpoint ?? '',
    protocol: t?.protocol ?? 'http/protobuf',
    serviceName: t?.serviceName ?? DEFAULT_SERVICE_NAME,
    includeArguments: t?.includeArguments ?? false,
    headerNames: t?.headerNames ?? [],
  };
}

export function telemetryView(hub: TelemetryHub, s: Settings, env: Readonly<Record<string, string | undefined>>): TelemetryView {
  return {
    settings: settingsView(s),
    status: hub.status(),
    environment: Object.keys(env).filter((k) => k.startsWith('OTEL_') && env[k] !== undefined).sort(),
  };
}

/**
 * Check a change before anything is written; then the keychain (header values) first and the
 * settings second, so settings never name a header whose value was not stored.
 */
export async function applyTelemetryPatch(store: SettingsStore, secrets: SecretStore, patch: TelemetryPatch): Promise<Settings> {
  const current = (await store.read()).telemetry ?? {};
  const endpoint = patch.endpoint !== undefined ? patch.endpoint.trim() : current.endpoint;
  const enabled = patch.enabled !== undefined ? patch.enabled : current.enabled;
  if (endpoint) {
    const url = URL.canParse(endpoint) ? new URL(endpoint) : null;
    if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) {
      throw new TelemetryInputError(`“${endpoint}” is not a collector URL: enter its OTLP/HTTP base address, for example http://localhost:4318.`);
    }
    if (url.username || url.password) throw new TelemetryInputError('Put credentials in a header (for example Authorization), not in the endpoint URL: the URL is shown and logged.');
  }
  if (enabled === true && !endpoint) throw new TelemetryInputError('Enter the collector’s endpoint before turning export on.');

  const set = patch.headers?.set ?? {};
  const remove = new Set((patch.headers?.remove ?? []).map((n) => n.toLowerCase()));
  for (const [name, value] of Object.entries(set)) {
    if (!OTLP_HEADER_NAME.test(name)) throw new TelemetryInputError(`“${name}” is not a valid header name: use letters, digits and - only.`);
    if (RESERVED_HEADERS.has(name.toLowerCase())) throw new TelemetryInputError(`The exporter sets “${name}” itself; choose another header.`);
    if (!value.trim()) throw new TelemetryInputError(`The value of “${name}” is empty: enter it, or remove the header.`);
    if (value.length > MAX_HEADER_VALUE || /[\r\n]/.test(value)) throw new TelemetryInputError(`The value of “${name}” must be one line of at most 8 KB.`);
  }

  if (Object.keys(set).length || remove.size) {
    const values = await readHeaderValues(secrets);
    for (const name of Object.keys(values)) if (remove.has(name.toLowerCase())) delete values[name];
    for (const [name, value] of Object.entries(set)) {
      for (const existing of Object.keys(values)) if (existing.toLowerCase() === name.toLowerCase()) delete values[existing];
      values[name] = value.trim();
    }
    if (Object.keys(values).length > MAX_HEADERS) throw new TelemetryInputError(`At most ${MAX_HEADERS} headers.`);
    if (Object.keys(values).length) await secrets.set(HEADERS_ACCOUNT, JSON.stringify(values));
    else await secrets.delete(HEADERS_ACCOUNT);
    patch = { ...patch, headers: { set: {}, remove: [] } };
    return store.update((s) => ({ ...s, telemetry: merged(s.telemetry, patch, endpoint, Object.keys(values).sort()) }));
  }
  return store.update((s) => ({ ...s, telemetry: merged(s.telemetry, patch, endpoint, s.telemetry?.headerNames) }));
}

function merged(t: Settings['telemetry'], patch: TelemetryPatch, endpoint: string | undefined, headerNames: string[] | undefined): NonNullable<Settings['telemetry']> {
  const next: NonNullable<Settings['telemetry']> = { ...t };
  if (patch.enabled !== undefined) {
    if (patch.enabled === null) delete next.enabled;
    else next.enabled = patch.enabled;
  }
  if (endpoint !== undefined) next.endpoint = endpoint;
  if (patch.protocol) next.protocol = patch.protocol;
  if (patch.serviceName !== undefined) next.serviceName = patch.serviceName.trim() || DEFAULT_SERVICE_NAME;
  if (patch.includeArguments !== undefined) next.includeArguments = patch.includeArguments;
  if (headerNames?.length) next.headerNames = headerNames;
  else delete next.headerNames;
  return next;
}
