/**
 * What the operation and detail tools share: turning a device argument (name or alias) into the
 * device's name, checking other names before they go into a URL path, and reading fields of API
 * objects without trusting their shape.
 */
import type { FlightctlClient } from './client.js';
import { FlightctlError } from './errors.js';
import { deviceLookup, isResourceName } from './names.js';

export type Obj = Record<string, unknown>;

export function obj(v: unknown): Obj | undefined {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : undefined;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' && v !== '' ? v : undefined;
}

export function int(v: unknown): number | undefined {
  return typeof v === 'number' && Number.isFinite(v) ? v : typeof v === 'string' && /^\d+$/.test(v) ? Number(v) : undefined;
}

export function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.filter((x): x is Obj => obj(x) !== undefined) : [];
}

export function labels(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, val] of Object.entries(obj(v) ?? {})) if (typeof val === 'string') out[k] = val;
  return out;
}

export function labelText(l: Record<string, string>): string {
  return Object.entries(l).map(([k, v]) => (v === '' ? k : `${k}=${v}`)).join(',') || '-';
}

/** A resource name for a URL path (enrollment request, CSR, fleet, application), or a clear error before any request. */
export function pathName(what: string, value: string, listWith: string): string {
  const v = value.trim();
  if (isResourceName(v)) return v;
  throw new FlightctlError('api', `"${v.slice(0, 60)}" is not a valid ${what} name (lowercase letters, digits, "-" and "."). ${listWith}`);
}

/** An application name: the API allows 1-253 characters without whitespace. */
export function appName(value: string): string {
  const v = value.trim();
  if (v && v.length <= 253 && !/[\s/]/.test(v)) return v;
  throw new FlightctlError('api', `"${v.slice(0, 60)}" is not an application name (1-253 characters, no spaces or "/"). get_device_rendered_config lists a device's applications.`);
}

export interface DeviceRef {
  name: string;
  /** The device object, read while resolving. */
  device: unknown;
}

/**
 * The device an argument means: its name when a device has it, else the one device whose alias
 * it is. Reads the device, so a write that follows acts on something that exists.
 */
export async function resolveDevice(client: FlightctlClient, value: string, signal: AbortSignal): Promise<DeviceRef> {
  const given = value.trim();
  if (deviceLookup(given) === 'name') {
    const res = await client.get<unknown>(`/devices/${encodeURIComponent(given)}`, {}, { what: `reading device "${given}"`, signal, accept: [404] });
    if (res.status !== 404) return { name: given, device: res.body };
  }
  const found = await client.list<unknown>('/devices', { fieldSelector: `metadata.alias=${given}`, limit: 3, what: 'looking up a device alias', signal }).catch(() => null);
  const names = (found?.items ?? []).map((d) => str(obj(obj(d)?.metadata)?.name)).filter((n): n is string => n !== undefined);
  if (names.length !== 1 || !found) {
    throw new FlightctlError(
      'api',
      names.length > 1
        ? `No device is named "${given}", and ${names.length} devices carry that alias (${names.join(', ')}); give one of those names.`
        : `No device named "${given}" (or with that alias) exists. query_devices with field_selector "metadata.nameOrAlias contains ${given}" finds near matches.`,
      { status: 404, reason: 'NotFound' },
    );
  }
  const name = names[0] as string;
  return { name, device: found.items[0] };
}

/** "name (alias)" when the device has an alias. */
export function deviceTitle(name: string, device: unknown): string {
  const alias = str(labels(obj(obj(device)?.metadata)?.labels).alias);
  return alias ? `${name} (${alias})` : name;
}

/**
 * Runs `work` over `items` with at most `width` at a time, results in the order of the items.
 * The first failure stops the lanes from starting more work; it is thrown once those running have
 * finished, so nothing is still being changed when the caller hears of it.
 */
export async function pool<T, R>(items: readonly T[], width: number, work: (item: T, index: number) => Promise<R>, signal: AbortSignal): Promise<R[]> {
  const out = new Array<R>(items.length);
  let next = 0;
  let failure: { error: unknown } | undefined;
  const lane = async () => {
    while (!failure && next < items.length) {
      const i = next++;
      try {
        signal.throwIfAborted();
        out[i] = await work(items[i] as T, i);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(width, items.length) }, lane));
  if (failure) throw failure.error;
  return out;
}
