/**
 * Compact text for a model from flyctl's JSON: the fields that matter, as aligned tables or
 * short "Label: value" blocks. The full JSON travels separately as structuredContent.
 */

type Row = Record<string, unknown>;
export type Renderer = (data: unknown) => string;

const MAX_CELL = 60;

/** Aligned columns with a header line. Cells are single-line and bounded. */
export function table(headers: readonly string[], rows: readonly (readonly unknown[])[]): string {
  const cells = rows.map((r) => headers.map((_, i) => cell(r[i])));
  const widths = headers.map((h, i) => Math.max(h.length, ...cells.map((r) => r[i]!.length)));
  const line = (r: readonly string[]): string =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!)))
      .join('  ')
      .trimEnd();
  return [line(headers), ...cells.map(line)].join('\n');
}

/** "Label: value" lines; empty values are left out. */
export function fields(pairs: ReadonlyArray<readonly [string, unknown]>): string {
  return pairs
    .filter(([, v]) => !isEmpty(v))
    .map(([k, v]) => `${k}: ${cell(v, 200)}`)
    .join('\n');
}

function cell(v: unknown, max = MAX_CELL): string {
  let s: string;
  if (v === null || v === undefined) s = '';
  else if (typeof v === 'boolean') s = v ? 'yes' : 'no';
  else if (Array.isArray(v)) s = v.map((x) => cell(x, max)).join(', ');
  else if (typeof v === 'object') s = JSON.stringify(v);
  else s = String(v);
  s = s.replace(/\s*[\r\n]+\s*/g, ' ');
  return s.length > max ? `${s.slice(0, max - 3)}...` : s;
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

const obj = (v: unknown): Row => (v && typeof v === 'object' && !Array.isArray(v) ? (v as Row) : {});
const arr = (v: unknown): Row[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string => (v === null || v === undefined ? '' : typeof v === 'object' ? JSON.stringify(v) : String(v));
/** Go zero time means "never". */
const time = (v: unknown): string => {
  const s = str(v);
  return s.startsWith('0001-01-01') ? '' : s.replace(/\.\d+(?=Z|[+-]\d\d:?\d\d$)/, '');
};
const count = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

function listOf(noun: string, rows: Row[], headers: readonly string[], pick: (r: Row) => unknown[], plural = `${noun}s`): string {
  if (rows.length === 0) return `No ${plural}.`;
  return `${count(rows.length, noun, plural)}:\n${table(headers, rows.map(pick))}`;
}

// ---- Apps -------------------------------------------------------------------------------

export const renderApps: Renderer = (d) =>
  listOf('app', arr(d), ['NAME', 'ORG', 'STATUS', 'DEPLOYED', 'HOSTNAME', 'LAST DEPLOY'], (a) => [
    a.Name,
    obj(a.Organization).Slug,
    a.Status,
    a.Deployed,
    a.Hostname,
    time(obj(a.CurrentRelease).CreatedAt),
  ]);

export const renderApp: Renderer = (d) => {
  const a = obj(d);
  return fields([
    ['App', a.Name],
    ['Organization', obj(a.Organization).Slug],
    ['Status', a.Status],
    ['Hostname', a.Hostname],
    ['Network', typeof a.Network === 'string' ? a.Network : ''],
    ['Platform', a.PlatformVersion],
  ]);
};

export const renderReleases: Renderer = (d) =>
  listOf('release', arr(d), ['VERSION', 'STATUS', 'STABLE', 'DESCRIPTION', 'USER', 'DATE', 'IMAGE'], (r) => [
    `v${str(r.Version)}`,
    r.Status,
    r.Stable,
    r.Description,
    obj(r.User).Email,
    time(r.CreatedAt),
    r.ImageRef,
  ]);

export const renderAppStatus: Renderer = (d) => {
  const s = obj(d);
  const head = fields([
    ['App', s.Name],
    ['Status', s.Status],
    ['Deployed', s.Deployed],
    ['Hostname', s.Hostname],
    ['Version', s.Version],
    ['Organization', obj(s.Organization).Slug],
    ['Platform', s.PlatformVersion],
  ]);
  const machines = arr(s.Machines);
  const body = machines.length
    ? `${count(machines.length, 'machine')}:\n${table(['ID', 'NAME', 'STATE', 'REGION', 'IMAGE', 'CHECKS', 'UPDATED'], machines.map(machineRow))}`
    : 'No active machines.';
  return `${head}\n${body}`;
};

// ---- Machines ---------------------------------------------------------------------------

function machineRow(m: Row): unknown[] {
  const ref = obj(m.image_ref);
  const image = ref.repository ? `${str(ref.repository)}${ref.tag ? `:${str(ref.tag)}` : ''}` : obj(m.config).image;
  return [m.id, m.name, m.cordoned === true ? `${str(m.state)} (cordoned)` : m.state, m.region, image, checks(m), time(m.updated_at)];
}

function checks(m: Row): string {
  const list = arr(m.checks);
  if (list.length === 0) return '';
  const passing = list.filter((c) => c.status === 'passing').length;
  return `${passing}/${list.length} passing`;
}

function guest(m: Row): string {
  const g = obj(obj(m.config).guest);
  if (!g.cpus) return '';
  return `${str(g.cpu_kind)} ${str(g.cpus)}cpu ${str(g.memory_mb)}MB`;
}

export const renderMachines: Renderer = (d) =>
  listOf('machine', arr(d), ['ID', 'NAME', 'STATE', 'REGION', 'IMAGE', 'SIZE', 'CHECKS', 'UPDATED'], (m) => {
    const [id, name, state, region, image, chk, updated] = machineRow(m);
    return [id, name, state, region, image, guest(m), chk, updated];
  });

export const renderLease: Renderer = (d) => {
  const l = obj(d);
  const data = obj(l.data);
  if (Object.keys(data).length === 0 && !l.status) return fields([['Lease', 'none'], ['Message', l.message]]) || 'No lease is held.';
  return fields([
    ['Status', l.status],
    ['Owner', data.owner],
    ['Expires', typeof data.expires_at === 'number' ? new Date(data.expires_at * 1000).toISOString() : data.expires_at],
    ['Nonce', data.nonce],
    ['Version', data.version],
    ['Message', l.message],
  ]);
};

// ---- Volumes ----------------------------------------------------------------------------

const volumeHeaders = ['ID', 'NAME', 'STATE', 'SIZE', 'REGION', 'ZONE', 'ENCRYPTED', 'ATTACHED TO', 'SNAPSHOTS', 'CREATED'] as const;
function volumeRow(v: Row): unknown[] {
  return [
    v.id,
    v.name,
    v.state,
    v.size_gb === undefined ? '' : `${str(v.size_gb)}GB`,
    v.region,
    v.zone,
    v.encrypted,
    v.attached_machine_id,
    v.snapshot_retention === undefined ? '' : `${v.auto_backup_enabled === false ? 'off' : 'daily'}, keep ${str(v.snapshot_retention)}d`,
    time(v.created_at),
  ];
}

export const renderVolumes: Renderer = (d) => listOf('volume', arr(d), volumeHeaders, volumeRow);

export const renderVolume: Renderer = (d) => {
  const row = volumeRow(obj(d));
  return fields(volumeHeaders.map((h, i) => [label(h), row[i]] as const));
};

export const renderSnapshots: Renderer = (d) =>
  listOf('snapshot', arr(d), ['ID', 'STATUS', 'SIZE', 'VOLUME SIZE', 'CREATED', 'RETENTION'], (s) => [
    s.id,
    s.status,
    bytes(s.size),
    s.volume_size === undefined ? '' : `${str(s.volume_size)}GB`,
    time(s.created_at),
    s.retention_days === undefined ? '' : `${str(s.retention_days)}d`,
  ]);

function bytes(v: unknown): string {
  const n = typeof v === 'number' ? v : Number(v);
  if (!Number.isFinite(n)) return str(v);
  if (n < 1024) return `${n}B`;
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let x = n / 1024;
  let i = 0;
  while (x >= 1024 && i < units.length - 1) {
    x /= 1024;
    i++;
  }
  return `${x.toFixed(1)}${units[i]}`;
}

// ---- Certificates -----------------------------------------------------------------------

export const renderCerts: Renderer = (d) => {
  const rows = arr(d);
  // Before the Machines-API certificates (flyctl < Feb 2026) the list was {Hostname, ClientStatus, CreatedAt}.
  if (rows.some((r) => 'Hostname' in r)) {
    return listOf('certificate', rows, ['HOSTNAME', 'STATUS', 'CREATED'], (c) => [c.Hostname, c.ClientStatus, time(c.CreatedAt)]);
  }
  return listOf('certificate', rows, ['HOSTNAME', 'STATUS', 'CONFIGURED', 'CERT', 'DNS PROVIDER', 'CREATED'], (c) => [
    c.hostname,
    c.status,
    c.configured,
    c.has_custom_certificate ? 'custom' : c.has_fly_certificate ? 'fly' : '',
    c.dns_provider,
    time(c.created_at),
  ]);
};

export const renderCert: Renderer = (d) => {
  const c = obj(d);
  // Pre-2026 flyctl answered with PascalCase GraphQL fields.
  if (!c.hostname && c.Hostname) return renderGeneric(d);
  const parts = [
    fields([
      ['Hostname', c.hostname],
      ['Status', c.status],
      ['Configured', c.configured],
      ['DNS provider', c.dns_provider],
      ['Rate limited until', c.rate_limited_until],
    ]),
  ];
  const certs = arr(c.certificates);
  if (certs.length) {
    parts.push(
      `Certificates:\n${table(
        ['SOURCE', 'STATUS', 'ISSUER', 'EXPIRES', 'TYPES'],
        certs.map((x) => [x.source, x.status, x.issuer, time(x.expires_at), arr(x.issued).map((i) => i.type)]),
      )}`,
    );
  }
  const req = obj(c.dns_requirements);
  if (Object.keys(req).length) {
    const acme = obj(req.acme_challenge);
    const own = obj(req.ownership);
    parts.push(
      `DNS requirements:\n${fields([
        ['A', req.a],
        ['AAAA', req.aaaa],
        ['CNAME', req.cname],
        ['ACME challenge', acme.name ? `CNAME ${str(acme.name)} -> ${str(acme.target)}` : ''],
        ['Ownership', own.name ? `TXT ${str(own.name)} = ${str(own.app_value)}` : ''],
      ])}`,
    );
  }
  const errors = arr(c.validation_errors);
  if (errors.length) parts.push(`Validation errors:\n${errors.map((e) => `- ${str(e.message)}${e.remediation ? ` (${str(e.remediation)})` : ''}`).join('\n')}`);
  return parts.filter(Boolean).join('\n');
};

// ---- IPs --------------------------------------------------------------------------------

export const renderIps: Renderer = (d) =>
  listOf(
    'IP address',
    arr(d),
    ['ADDRESS', 'TYPE', 'REGION', 'NETWORK', 'SERVICE', 'CREATED'],
    (i) => [i.Address, i.Type, i.Region, obj(i.Network).Name, i.ServiceName, time(i.CreatedAt)],
    'IP addresses',
  );

export const renderPrivateIps: Renderer = (d) => {
  const list = Array.isArray(d) ? d.map(str) : [];
  return list.length ? `${count(list.length, 'private IPv6 address', 'private IPv6 addresses')}:\n${list.join('\n')}` : 'No private IP addresses.';
};

// ---- Orgs -------------------------------------------------------------------------------

export const renderOrgs: Renderer = (d) => {
  const entries = Object.entries(obj(d));
  return entries.length ? `${count(entries.length, 'organization')}:\n${table(['SLUG', 'NAME'], entries)}` : 'No organizations.';
};

export const renderOrg: Renderer = (d) => {
  const o = obj(d);
  const head = fields([
    ['Organization', o.Name],
    ['Slug', o.Slug],
    ['Type', o.Type],
    ['Your role', o.ViewerRole],
    ['ID', o.ID],
  ]);
  const members = arr(obj(o.Members).Edges);
  if (!members.length) return head;
  return `${head}\n${count(members.length, 'member')}:\n${table(
    ['NAME', 'EMAIL', 'ROLE', 'JOINED'],
    members.map((m) => [obj(m.Node).Name, obj(m.Node).Email, m.Role, time(m.JoinedAt)]),
  )}`;
};

// ---- Platform ---------------------------------------------------------------------------

export const renderRegions: Renderer = (d) =>
  listOf('region', arr(d), ['CODE', 'NAME', 'GEO', 'GATEWAY', 'PAID ONLY'], (r) => [r.code, r.name, r.geo_region, r.gateway_available, r.requires_paid_plan]);

export const renderVmSizes: Renderer = (d) => {
  const entries = Object.entries(obj(d)).map(([name, v]) => [name, obj(v)] as const);
  // flyctl sorts keys as strings (performance-10x before performance-1x); sort by size instead.
  entries.sort((a, b) => str(a[1].cpu_kind).localeCompare(str(b[1].cpu_kind)) || Number(a[1].cpus) - Number(b[1].cpus) || Number(a[1].memory_mb) - Number(b[1].memory_mb));
  return entries.length
    ? `${count(entries.length, 'VM size')}:\n${table(['NAME', 'CPU KIND', 'CPUS', 'MEMORY MB'], entries.map(([n, v]) => [n, v.cpu_kind, v.cpus, v.memory_mb]))}`
    : 'No VM sizes.';
};

export const renderPlatformStatus: Renderer = (d) => {
  const s = obj(obj(d).status);
  const page = obj(obj(d).page);
  return fields([
    ['Fly.io status', s.description],
    ['Indicator', s.indicator],
    ['Updated', time(page.updated_at)],
    ['Details', page.url],
  ]);
};

// ---- Secrets ----------------------------------------------------------------------------

export const renderSecrets: Renderer = (d) => {
  const rows = arr(d);
  const withStatus = rows.some((r) => r.status !== undefined);
  return withStatus
    ? listOf('secret', rows, ['NAME', 'DIGEST', 'STATUS'], (s) => [s.name, s.digest, s.status])
    : listOf('secret', rows, ['NAME', 'DIGEST'], (s) => [s.name, s.digest]);
};

// ---- Fallback ---------------------------------------------------------------------------

/**
 * Any other JSON: an array of objects becomes a table of its non-empty scalar columns, an
 * object a block of its non-empty scalar fields (one level of nesting, dotted).
 */
export const renderGeneric: Renderer = (d) => {
  if (Array.isArray(d)) {
    if (d.length === 0) return 'No results.';
    if (d.every((x) => typeof x !== 'object' || x === null)) return d.map(str).join('\n');
    const rows = d.map(obj);
    const cols = [...new Set(rows.flatMap((r) => Object.keys(r)))].filter((k) => rows.some((r) => isScalar(r[k]) && !isZero(r[k]))).slice(0, 8);
    return `${count(rows.length, 'item')}:\n${table(cols.map((c) => c.toUpperCase()), rows.map((r) => cols.map((c) => (isScalar(r[c]) ? r[c] : ''))))}`;
  }
  if (d && typeof d === 'object') {
    const pairs: Array<[string, unknown]> = [];
    for (const [k, v] of Object.entries(d as Row)) {
      if (isScalar(v) && !isZero(v)) pairs.push([k, v]);
      else if (v && typeof v === 'object' && !Array.isArray(v)) {
        for (const [k2, v2] of Object.entries(v as Row)) if (isScalar(v2) && !isZero(v2)) pairs.push([`${k}.${k2}`, v2]);
      }
    }
    return fields(pairs) || 'Done.';
  }
  return str(d);
};

function isScalar(v: unknown): boolean {
  return v === null || ['string', 'number', 'boolean'].includes(typeof v);
}

/** GraphQL structs print every zero field; those say nothing. */
function isZero(v: unknown): boolean {
  return v === null || v === '' || v === 0 || v === false || (typeof v === 'string' && v.startsWith('0001-01-01'));
}

function label(header: string): string {
  return header.charAt(0) + header.slice(1).toLowerCase();
}

// ---- Logs -------------------------------------------------------------------------------

export interface LogLine {
  timestamp: string;
  provider: string;
  instance: string;
  region: string;
  level: string;
  message: string;
}

/** `2025-06-01T12:00:01Z app[148ed599b12289] iad [info]Listening on 0.0.0.0:8080` (no space after the level). */
const LOG_LINE = /^(\S+) ([\w-]+)\[([^\]]*)\] (\S+) \[(\w+)\] ?(.*)$/;

export function parseLogLine(line: string): LogLine | null {
  const m = LOG_LINE.exec(line);
  if (!m) return null;
  return { timestamp: m[1]!, provider: m[2]!, instance: m[3]!, region: m[4]!, level: m[5]!, message: m[6]! };
}
