/**
 * The names a tool puts into a Flight Control URL path, checked against the API's own rules
 * before any request: metadata.name of a device or fleet is a DNS-1123 subdomain (the server
 * validates it with Kubernetes' NameIsDNSSubdomain), a device alias is a label value. Anything
 * else (".", "..", a slash, a space) could only name another path, never a resource.
 */

/** Lowercase letters, digits and "-", in dot-separated parts that start and end with a letter or digit; at most 253. */
const SUBDOMAIN = /^[a-z0-9](?:[-a-z0-9]*[a-z0-9])?(?:\.[a-z0-9](?:[-a-z0-9]*[a-z0-9])?)*$/;
const MAX_NAME = 253;
/** A label value (a device's alias): letters, digits, "-", "_" and ".", starting and ending with a letter or digit; at most 63. */
const LABEL_VALUE = /^[A-Za-z0-9](?:[-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const MAX_LABEL_VALUE = 63;

export type ResourceKind = 'device' | 'fleet';

const RULE = 'a name is lowercase letters, digits, "-" and "." (a DNS subdomain of at most 253 characters, each dot-separated part starting and ending with a letter or digit)';

/** A name Flight Control could have given a resource. */
export function isResourceName(value: string): boolean {
  return value.length <= MAX_NAME && SUBDOMAIN.test(value);
}

export function isLabelValue(value: string): boolean {
  return value.length <= MAX_LABEL_VALUE && LABEL_VALUE.test(value);
}

/** The value as a resource name, or an error saying what a name looks like (nothing is requested). */
export function resourceName(kind: ResourceKind, value: string): string {
  if (isResourceName(value)) return value;
  throw new Error(`"${preview(value)}" is not a Flight Control ${kind} name: ${RULE}. Check the name with query_${kind}s.`);
}

/**
 * How a device argument can be looked up: 'name' (as a name, then as an alias), 'alias' (only as
 * an alias: it is a valid label value but no name). Neither: an error, and nothing is requested.
 */
export function deviceLookup(value: string): 'name' | 'alias' {
  if (isResourceName(value)) return 'name';
  if (isLabelValue(value)) return 'alias';
  throw new Error(
    `"${preview(value)}" is neither a Flight Control device name nor an alias: ${RULE}; an alias is at most 63 letters, digits, "-", "_" and ".", ` +
      'starting and ending with a letter or digit. query_devices lists the devices with their aliases.',
  );
}

function preview(value: string): string {
  const shown = JSON.stringify(value).slice(1, -1);
  return shown.length > 60 ? `${shown.slice(0, 60)}...` : shown;
}
