/**
 * Flight Control's alpha resources (api/core/v1alpha1): vulnerability reports and software
 * catalogs. Not every server has them, so Tarmac asks the server first: a v1alpha1 request
 * carries `Flightctl-API-Version: v1alpha1`, which a server without that version refuses with
 * 406 (older servers, which ignore the header, answer the unknown path with 404). Without them the
 * tools answer one line saying so, and nothing else is requested.
 */
import { z } from 'zod';
import { defineTool, type AnyToolSpec, type ToolContext, type ToolOutput } from '../../tools/catalogue.js';
import { capText } from '../../tools/text.js';
import type { FlightctlClient, ListResult } from './client.js';
import { FlightctlError } from './errors.js';
import { int, list, obj, pathName, resolveDevice, str, type Obj } from './refs.js';
import { PROVIDER_ID, type ToolRuntime } from './tools.js';

export const ALPHA_HEADERS: Readonly<Record<string, string>> = { 'Flightctl-API-Version': 'v1alpha1' };
/** How long a "not offered" answer is believed before the server is asked again (it may be upgraded). */
const ABSENT_TTL_MS = 5 * 60_000;
const MAX_ROWS = 1000;

export interface AlphaSupport {
  available: boolean;
  /** Why not, in words for the one-line answer. */
  detail?: string;
}

const probes = new WeakMap<FlightctlClient, { at: number; result: Promise<AlphaSupport> }>();

/** Does this connection's server offer v1alpha1? Asked once per connection (a refusal again after a few minutes). */
export function alphaSupport(client: FlightctlClient, signal: AbortSignal): Promise<AlphaSupport> {
  const cached = probes.get(client);
  if (cached && Date.now() - cached.at < ABSENT_TTL_MS) return cached.result;
  const result = client
    .get<unknown>('/catalogs', { limit: 1 }, { what: 'asking whether the server offers the v1alpha1 API', signal, headers: ALPHA_HEADERS, accept: [403, 404, 405, 406, 501] })
    .then(({ status }): AlphaSupport => {
      if (status === 406) return { available: false, detail: 'it refuses API version v1alpha1 (HTTP 406)' };
      if (status === 404 || status === 405 || status === 501) return { available: false, detail: `it has no v1alpha1 resources (HTTP ${status} for /api/v1/catalogs)` };
      return { available: true };
    });
  const entry = { at: Date.now(), result };
  probes.set(client, entry);
  // A failed probe (network, sign-in) is not an answer: the next call asks again.
  result.then(
    (r) => {
      // A server that has the API keeps it for the connection's life.
      if (r.available) entry.at = Number.POSITIVE_INFINITY;
    },
    () => probes.delete(client),
  );
  return result;
}

function unavailable(what: string, detail: string | undefined): ToolOutput {
  return {
    text: `This Flight Control server does not offer ${what}: ${detail ?? 'no v1alpha1 API'}. ${what[0]?.toUpperCase()}${what.slice(1)} need a Flight Control server with the v1alpha1 API (catalogs, vulnerabilities); the other Flight Control tools work as usual.`,
    isError: true,
  };
}

function notEnabled(err: unknown): ToolOutput | undefined {
  if (err instanceof FlightctlError && err.status === 501) {
    return { text: 'Vulnerability scanning is not enabled on this Flight Control server (HTTP 501): an administrator turns it on in the server configuration.', isError: true };
  }
  return undefined;
}

const countsShape = z.object({
  total: z.number().int(),
  critical: z.number().int(),
  high: z.number().int(),
  medium: z.number().int(),
  low: z.number().int(),
  none: z.number().int(),
  unknown: z.number().int(),
  uniqueDigests: z.number().int().optional().describe('Fleet: distinct image digests.'),
});
const vulnShape = z.object({
  cveId: z.string(),
  severity: z.string(),
  cvss: z.number().optional(),
  devices: z.number().int().optional().describe('Affected devices in scope.'),
  published: z.string().optional(),
  description: z.string().optional(),
  advisory: z.string().optional(),
});
const impactShape = z.object({ fleet: z.string().describe('Fleet name; "" for devices in no fleet.'), devices: z.number().int(), images: z.array(z.string()) });

type Counts = z.infer<typeof countsShape>;
type Vuln = z.infer<typeof vulnShape>;

function countsOf(v: unknown): Counts | undefined {
  const o = obj(v);
  if (!o || int(o.total) === undefined) return undefined;
  const n = (k: string) => int(o[k]) ?? 0;
  const digests = int(o.uniqueDigests);
  return { total: n('total'), critical: n('critical'), high: n('high'), medium: n('medium'), low: n('low'), none: n('none'), unknown: n('unknown'), ...(digests !== undefined ? { uniqueDigests: digests } : {}) };
}

function countsText(c: Counts): string {
  return `${c.total} (critical ${c.critical}, high ${c.high}, medium ${c.medium}, low ${c.low}, none ${c.none}, unknown ${c.unknown})${c.uniqueDigests !== undefined ? `, ${c.uniqueDigests} image digests` : ''}`;
}

/** A Vulnerability (device) or VulnerabilityGroup (fleet, organization) as one row. */
function vulnRow(v: Obj): Vuln {
  const first = list(v.findings)[0];
  const cvss = typeof v.cvssScore === 'number' ? v.cvssScore : typeof v.maxCvssScore === 'number' ? v.maxCvssScore : undefined;
  const devices = int(v.affectedDevices);
  const published = str(v.publishedAt) ?? str(v.maxPublishedAt);
  const description = str(v.description) ?? str(first?.description);
  const advisory = str(v.advisoryId) ?? str(first?.advisoryId);
  return {
    cveId: str(v.cveId) ?? '?',
    severity: str(v.severity) ?? 'Unknown',
    ...(cvss !== undefined ? { cvss } : {}),
    ...(devices !== undefined ? { devices } : {}),
    ...(published ? { published } : {}),
    ...(description ? { description } : {}),
    ...(advisory ? { advisory } : {}),
  };
}

function vulnLine(v: Vuln): string {
  return [v.cveId, v.severity, v.cvss ?? '-', v.devices ?? '-', v.published?.slice(0, 10) ?? '-', v.advisory ?? '-', v.description ?? '-'].join(' | ');
}

function moreNote(r: ListResult<unknown>, limit: number): string {
  if (!r.more) return '';
  return `\n${r.remaining !== undefined ? `${r.remaining} more` : 'More'} beyond these ${r.items.length}${limit < MAX_ROWS ? `; raise limit (up to ${MAX_ROWS})` : ''}.`;
}

export function alphaTools(rt: ToolRuntime): AnyToolSpec[] {
  const live = (ctx: ToolContext) => rt.live(ctx.signal, ctx.account);

  return [
    defineTool({
      name: 'get_vulnerabilities',
      provider: PROVIDER_ID,
      title: 'Get vulnerabilities',
      description: 'CVE counts and worst CVEs of a device, a fleet or (no argument) the organization; cve: the fleets it affects. v1alpha1 servers only.',
      class: 'read',
      input: {
        device: z.string().optional(),
        fleet: z.string().optional(),
        cve: z.string().optional().describe('e.g. CVE-2024-1234'),
        limit: z.number().int().min(1).max(MAX_ROWS).default(50),
      },
      output: {
        scope: z.enum(['organization', 'device', 'fleet', 'cve']),
        name: z.string().optional().describe('The device, fleet or CVE asked about.'),
        summary: countsShape.optional().describe('CVE counts by severity.'),
        image: z.string().optional().describe('Device: its OS image.'),
        severity: z.string().optional().describe('CVE: its worst severity.'),
        vulnerabilities: z.array(vulnShape).optional(),
        fleets: z.array(impactShape).optional().describe('CVE: affected fleets.'),
        more: z.boolean(),
      },
      async run(args, ctx) {
        const given = [args.device, args.fleet, args.cve].filter((x) => x !== undefined && x.trim() !== '');
        if (given.length > 1) throw new FlightctlError('api', 'Give at most one of device, fleet and cve.');
        const l = await live(ctx);
        const support = await alphaSupport(l.client, ctx.signal);
        if (!support.available) return unavailable('vulnerability reports', support.detail);
        const opts = (what: string) => ({ what, signal: ctx.signal, headers: ALPHA_HEADERS });
        const listed = (path: string, what: string, params: Record<string, string> = {}) => l.client.list<Obj>(path, { limit: args.limit, params, ...opts(what) });
        try {
          if (args.cve?.trim()) {
            const id = args.cve.trim().toUpperCase();
            if (!/^CVE-\d{4}-\d{4,}$/.test(id)) throw new FlightctlError('api', `"${args.cve.slice(0, 40)}" is not a CVE identifier (CVE-YYYY-NNNN).`);
            const body = await l.client.getJson<Obj>(`/vulnerabilities/cves/${id}/impact`, { limit: args.limit }, opts(`reading the impact of ${id}`));
            const rows = list(body.items).map((r) => ({ fleet: str(r.fleetName) ?? '', devices: int(r.affectedDevices) ?? 0, images: [...new Set(list(r.findings).flatMap((f) => (Array.isArray(f.imageRefs) ? f.imageRefs.filter((x): x is string => typeof x === 'string') : [])))] }));
            const severity = str(body.severity) ?? 'Unknown';
            const more = Boolean(str(obj(body.metadata)?.continue));
            const total = rows.reduce((n, r) => n + r.devices, 0);
            const text = rows.length
              ? [`${id} (${severity}${typeof body.maxCvssScore === 'number' ? `, CVSS ${body.maxCvssScore}` : ''}) affects ${total} devices in ${rows.length} group(s) (fleet | devices | images):`, ...rows.map((r) => `${r.fleet || '(no fleet)'} | ${r.devices} | ${r.images.join(', ') || '-'}`)].join('\n') + (more ? `\nMore fleets beyond these ${rows.length}; raise limit.` : '')
              : `No device of this organization is affected by ${id} (or the server has no data on it).`;
            return { text, structured: { scope: 'cve', name: id, severity, fleets: rows, more } };
          }
          if (args.device?.trim()) {
            const ref = await resolveDevice(l.client, args.device, ctx.signal);
            const base = `/vulnerabilities/devices/${encodeURIComponent(ref.name)}`;
            const [sum, vulns] = await Promise.all([l.client.getJson<Obj>(`${base}/summary`, {}, opts(`summarising vulnerabilities of device "${ref.name}"`)), listed(base, `listing vulnerabilities of device "${ref.name}"`)]);
            return answer('device', ref.name, countsOf(sum.summary), vulns, args.limit, str(sum.image));
          }
          if (args.fleet?.trim()) {
            const name = pathName('fleet', args.fleet, 'query_fleets lists them.');
            const base = `/vulnerabilities/fleets/${encodeURIComponent(name)}`;
            const [sum, vulns] = await Promise.all([l.client.getJson<Obj>(`${base}/summary`, {}, opts(`summarising vulnerabilities of fleet "${name}"`)), listed(base, `listing vulnerabilities of fleet "${name}"`)]);
            return answer('fleet', name, countsOf(sum.summary), vulns, args.limit);
          }
          const [sum, vulns] = await Promise.all([l.client.getJson<Obj>('/vulnerabilities/summary', {}, opts('summarising vulnerabilities')), listed('/vulnerabilities', 'listing vulnerabilities')]);
          return answer('organization', undefined, countsOf(sum.cvesBySeverity), vulns, args.limit);
        } catch (err) {
          const off = notEnabled(err);
          if (off) return off;
          throw err;
        }
      },
    }),

    defineTool({
      name: 'query_catalogs',
      provider: PROVIDER_ID,
      title: 'Query software catalogs',
      description: 'Software catalogs and their items: type, latest version, channels, deprecation. v1alpha1 servers only.',
      class: 'read',
      input: { catalog: z.string().optional() },
      output: {
        catalogs: z.array(z.object({ name: z.string(), displayName: z.string().optional(), provider: z.string().optional() })),
        items: z.array(
          z.object({
            catalog: z.string(),
            name: z.string(),
            category: z.string().optional(),
            type: z.string().optional(),
            latest: z.string().optional().describe('Highest version listed.'),
            versions: z.number().int(),
            channels: z.array(z.string()),
            deprecated: z.string().optional().describe('The deprecation message, when deprecated.'),
          }),
        ),
        more: z.boolean(),
      },
      async run(args, ctx) {
        const l = await live(ctx);
        const support = await alphaSupport(l.client, ctx.signal);
        if (!support.available) return unavailable('software catalogs', support.detail);
        const opts = { signal: ctx.signal, headers: ALPHA_HEADERS };
        const catalog = args.catalog?.trim() ? pathName('catalog', args.catalog, 'query_catalogs without catalog lists them.') : undefined;
        const [cats, items] = await Promise.all([
          catalog
            ? l.client.getJson<Obj>(`/catalogs/${encodeURIComponent(catalog)}`, {}, { what: `reading catalog "${catalog}"`, ...opts }).then((c) => [c])
            : l.client.list<Obj>('/catalogs', { limit: MAX_ROWS, what: 'listing catalogs', ...opts }).then((r) => r.items),
          l.client.list<Obj>(catalog ? `/catalogs/${encodeURIComponent(catalog)}/items` : '/catalogitems', { limit: MAX_ROWS, what: 'listing catalog items', ...opts }),
        ]);
        const catalogs = cats.map((c) => {
          const spec = obj(c.spec) ?? {};
          return { name: str(obj(c.metadata)?.name) ?? '?', ...(str(spec.displayName) ? { displayName: str(spec.displayName) } : {}), ...(str(spec.provider) ? { provider: str(spec.provider) } : {}) };
        });
        const rows = items.items.map((i) => {
          const meta = obj(i.metadata) ?? {};
          const spec = obj(i.spec) ?? {};
          const versions = list(spec.versions);
          const latest = versions.map((v) => str(v.version)).filter((v): v is string => v !== undefined).sort(semverDesc)[0];
          const channels = [...new Set(versions.flatMap((v) => (Array.isArray(v.channels) ? v.channels.filter((x): x is string => typeof x === 'string') : [])))];
          const deprecated = str(obj(spec.deprecation)?.message);
          return {
            catalog: str(meta.catalog) ?? catalog ?? '?',
            name: str(meta.name) ?? '?',
            ...(str(spec.category) ? { category: str(spec.category) } : {}),
            ...(str(spec.type) ? { type: str(spec.type) } : {}),
            ...(latest ? { latest } : {}),
            versions: versions.length,
            channels,
            ...(deprecated ? { deprecated } : {}),
          };
        });
        const text = capText(
          [
            `${catalogs.length} catalog(s): ${catalogs.map((c) => `${c.name}${c.displayName ? ` (${c.displayName})` : ''}`).join(', ') || 'none'}`,
            rows.length ? `${rows.length} item(s) (catalog | name | category/type | latest | versions | channels | deprecated):` : 'No catalog items.',
            ...rows.map((r) => [r.catalog, r.name, `${r.category ?? '-'}/${r.type ?? '-'}`, r.latest ?? '-', r.versions, r.channels.join(',') || '-', r.deprecated ?? '-'].join(' | ')),
          ].join('\n') + moreNote(items, MAX_ROWS),
          { atLineBreak: true, hint: 'name a catalog' },
        );
        return { text, structured: { catalogs, items: rows, more: items.more } };
      },
    }),
  ];
}

function answer(scope: 'organization' | 'device' | 'fleet', name: string | undefined, summary: Counts | undefined, vulns: ListResult<Obj>, limit: number, image?: string): ToolOutput {
  const rows = vulns.items.map(vulnRow);
  const who = scope === 'organization' ? 'the organization' : `${scope} ${name}`;
  const head = `Vulnerabilities of ${who}${image ? ` (image ${image})` : ''}: ${summary ? countsText(summary) : 'no summary'}.`;
  const text = rows.length ? `${head}\n${rows.length} CVEs, worst first (cve | severity | cvss | devices | published | advisory | description):\n${rows.map(vulnLine).join('\n')}${moreNote(vulns, limit)}` : `${head}\nNo CVEs found.`;
  return {
    text: capText(text, { atLineBreak: true, hint: 'lower limit' }),
    structured: { scope, ...(name ? { name } : {}), ...(summary ? { summary } : {}), ...(image ? { image } : {}), vulnerabilities: rows, more: vulns.more },
  };
}

/** Newest semantic version first; versions that do not parse sort last. */
function semverDesc(a: string, b: string): number {
  const parse = (v: string) => /^(\d+)\.(\d+)\.(\d+)(?:-(.*))?/.exec(v);
  const pa = parse(a);
  const pb = parse(b);
  if (!pa || !pb) return pa ? -1 : pb ? 1 : b.localeCompare(a);
  for (let i = 1; i <= 3; i++) {
    const d = Number(pb[i]) - Number(pa[i]);
    if (d) return d;
  }
  // A release sorts above its pre-releases.
  return pa[4] === undefined ? (pb[4] === undefined ? 0 : -1) : pb[4] === undefined ? 1 : pb[4].localeCompare(pa[4]);
}
