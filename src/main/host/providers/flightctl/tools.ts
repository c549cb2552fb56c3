import { z } from 'zod';
import type { SettingsStore } from '../../settings.js';
import { defineTool, type AnyToolSpec, type ToolOutput } from '../../tools/catalogue.js';
import * as outputs from './outputs.js';
import { capText, MAX_TEXT_BYTES } from '../../tools/text.js';
import type { FlightctlClient, ListResult } from './client.js';
import { sameUrl } from './config.js';
import { DEFAULT_COMMAND_TIMEOUT_MS, DEFAULT_HANDSHAKE_TIMEOUT_MS, execOnDevice, MAX_COMMAND_TIMEOUT_MS, MAX_OUTPUT_BYTES } from './console.js';
import { FlightctlError, formatSeconds } from './errors.js';
import type { HttpTransport } from './http.js';
import { describeOrg, type OrgResolver } from './orgs.js';
import * as render from './render.js';
import type { TokenManager } from './auth.js';
import { deviceLookup, resourceName } from './names.js';

export const PROVIDER_ID = 'flightctl';
/** Most items one call returns; pages of 1000 are fetched underneath. */
export const MAX_LIMIT = 10_000;
export const DEFAULT_LIMIT = 1000;
/** Most raw objects one detail=full answer carries (each is several KB). */
export const MAX_FULL_ITEMS = 200;

/** What a tool needs from a signed-in connection. */
export interface Live {
  apiUrl: string;
  client: FlightctlClient;
  orgs: OrgResolver;
  tokens: TokenManager;
  transport: HttpTransport;
}

export interface ToolRuntime {
  /** The connection, signed in; throws a clear error when it is not set up or the session expired. */
  live(signal: AbortSignal, account?: string): Promise<Live>;
  /** Settings as the call's account sees them (its own `flightctl` section). */
  settings(account?: string): SettingsStore;
  /** Test hook: shorter console handshake wait. */
  consoleHandshakeTimeoutMs?: number;
}

// Shared wording of the query tools, kept short: every word here is paid in each definition.
const OPERATORS = 'Operators: = != in (a,b) notin (a,b) contains notcontains, > >= < <= (RFC 3339 times), field / !field (exists); commas mean AND.';
const LABELS_HELP = 'e.g. `site=berlin,env in (prod,staging)`; = != in notin; commas mean AND.';

function listShape(example: string, withLabels = true) {
  return {
    ...(withLabels ? { label_selector: z.string().default('').describe(LABELS_HELP) } : {}),
    field_selector: z.string().default('').describe(`Fields: see description; e.g. ${example}.`),
    limit: z
      .number()
      .int()
      .min(1)
      .max(MAX_LIMIT)
      .default(DEFAULT_LIMIT)
      .describe(`Max items in total; pages are followed for you.`),
    detail: z
      .enum(['compact', 'full'])
      .default('compact')
      .describe(`compact: a line per item. full: raw objects (KBs each, max ${MAX_FULL_ITEMS}; use a small limit).`),
  };
}

const COMMON_FIELDS = '`metadata.name`, `metadata.owner`, `metadata.creationTimestamp`';
const DEVICE_FIELDS =
  `Device fields: ${COMMON_FIELDS}, \`metadata.alias\`, \`metadata.nameOrAlias\`, ` +
  '`status.summary.status` (Online, Degraded, Error, Rebooting, PoweredOff, Unknown, AwaitingReconnect, ConflictPaused), ' +
  '`status.updated.status` (UpToDate, OutOfDate, Updating, Unknown), ' +
  '`status.applicationsSummary.status` (Healthy, Degraded, Error, Unknown, NoApplications), ' +
  '`status.lifecycle.status` (Enrolled, Decommissioning, Decommissioned, Unknown), `status.capabilities.osMode` (image, package). ' +
  'Fleet members: `metadata.owner=Fleet/<fleet>`. Last seen is not selectable on current servers.';

interface Kind {
  tool: string;
  path: string;
  plural: string;
  /** Column names of the structured rows, in line order. */
  columns: readonly [string, ...string[]];
  /** Builds the renderer for one answer (it may look at all items first) and the header it matches. */
  renderer: (items: unknown[]) => { header: string; row: (item: unknown) => render.Rendered };
  example: string;
  /** One field selector, for the argument's description. */
  fieldExample: string;
}

function fixed(header: string, row: (item: unknown) => render.Rendered): Kind['renderer'] {
  return () => ({ header, row });
}

/** One rendered item of a compact answer. */
interface Compact {
  line: string;
  cells: ReturnType<typeof render.toCells>;
}

function narrowWith(kind: Kind): string {
  return kind.tool === 'query_events' ? 'field_selector' : 'label_selector or field_selector';
}

function listOutput(
  kind: Kind,
  result: ListResult<unknown> | ListResult<Compact>,
  detail: 'compact' | 'full',
  header: string | undefined,
  limit: number,
  filtered: boolean,
  asked: number,
): ToolOutput {
  const count = result.items.length;
  const notes: string[] = [];
  if (detail === 'full' && asked > limit) {
    notes.push(`detail=full returns at most ${MAX_FULL_ITEMS} raw objects per call, so limit ${asked} was lowered to ${limit}; use detail=compact for up to ${MAX_LIMIT} ${kind.plural}, or narrow with ${narrowWith(kind)}.`);
  }
  if (result.more) {
    const extra = result.remaining !== undefined ? `${result.remaining} more` : 'More';
    const raise = detail === 'full' ? (limit < MAX_FULL_ITEMS ? ` or raise limit (up to ${MAX_FULL_ITEMS} with detail=full).` : '.') : limit < MAX_LIMIT ? ` or raise limit (up to ${MAX_LIMIT}).` : '.';
    notes.push(`${extra} ${kind.plural} exist beyond these ${count}. Narrow with ${narrowWith(kind)} (e.g. ${kind.example})${raise}`);
  }
  if (result.repeatedToken) notes.push(`Stopped after ${result.pages} pages: the server repeated a continue token, so its later pages cannot be trusted; each item is listed once.`);
  else if (result.capped) notes.push(`Stopped after ${result.pages} pages: the server kept sending continue tokens.`);
  const tail = notes.length ? `\n${notes.join(' ')}` : '';
  const hint = `the answer is larger than ${MAX_TEXT_BYTES / (1024 * 1024)} MiB: narrow with ${narrowWith(kind)} or lower limit${detail === 'full' ? ', or use detail=compact' : ''}`;
  // The text for the model stays under 1 MiB, cut after a whole line; the notes (how to ask for more or less) always stay.
  const answer = (head: string, lines: string[]) => {
    const body = `${head}\n${lines.join('\n')}`;
    const capped = capText(body, { maxBytes: MAX_TEXT_BYTES - Buffer.byteLength(tail), atLineBreak: true, hint });
    return { text: capped + tail, truncated: capped !== body };
  };

  const meta = {
    kind: kind.plural,
    count,
    more: result.more,
    ...(result.remaining !== undefined ? { remaining: result.remaining } : {}),
    ...(result.capped ? { pageCapReached: true } : {}),
    ...(notes.length ? { note: notes.join(' ') } : {}),
  };
  if (count === 0) {
    return {
      text: `No ${kind.plural} found${filtered ? ' for these selectors' : ''}.${notes.length ? ` ${notes.join(' ')}` : ''}`,
      structured: { ...meta, columns: kind.columns, rows: [] },
    };
  }
  if (detail === 'full') {
    const items = result.items as unknown[];
    const out = answer(`${count} ${kind.plural} (raw objects, one JSON per line):`, items.map((i) => JSON.stringify(i)));
    return { text: out.text, structured: { ...meta, ...(out.truncated ? { textTruncated: true } : {}), items } };
  }
  const compact = result.items as Compact[];
  const lines = new Array<string>(count);
  const rows = new Array<Compact['cells']>(count);
  for (let i = 0; i < count; i++) {
    const c = compact[i] as Compact;
    lines[i] = c.line;
    rows[i] = c.cells;
  }
  const out = answer(`${count} ${kind.plural} (${header ?? ''}):`, lines);
  // Rows are arrays in `columns` order (a trailing empty cell is omitted), so a large answer repeats no keys.
  return { text: out.text, structured: { ...meta, ...(out.truncated ? { textTruncated: true } : {}), columns: kind.columns, rows } };
}

function queryTool(rt: ToolRuntime, kind: Kind, title: string, description: string, fieldHelp: string, params?: Record<string, string>) {
  const withLabels = kind.tool !== 'query_events';
  return defineTool({
    name: kind.tool,
    output: outputs.listOutputOf(kind.plural, kind.columns),
    provider: PROVIDER_ID,
    title,
    description: `${description}\n${fieldHelp} ${OPERATORS} Over ${MAX_TEXT_BYTES / (1024 * 1024)} MiB is cut: narrow with selectors.`,
    class: 'read',
    input: listShape(kind.fieldExample, withLabels),
    async run(args, ctx) {
      const live = await rt.live(ctx.signal, ctx.account);
      const a = args as { label_selector?: string; field_selector: string; limit: number; detail: 'compact' | 'full' };
      // Raw objects are several KB each: never more than MAX_FULL_ITEMS of them, fetched or answered.
      const limit = a.detail === 'full' ? Math.min(a.limit, MAX_FULL_ITEMS) : a.limit;
      const base = {
        labelSelector: a.label_selector ?? '',
        fieldSelector: a.field_selector,
        limit,
        what: `listing ${kind.plural}`,
        signal: ctx.signal,
        ...(params ? { params } : {}),
        onPage: (n: number) => ctx.progress(n, limit, `${n} ${kind.plural}`),
      };
      const filtered = Boolean(a.label_selector || a.field_selector);
      if (a.detail === 'full') return listOutput(kind, await live.client.list<unknown>(kind.path, base), 'full', undefined, limit, filtered, a.limit);
      // Rendered page by page: the raw objects of one page are garbage as soon as it is drawn.
      let renderer: ReturnType<Kind['renderer']> | undefined;
      const result = await live.client.list<unknown, Compact>(kind.path, {
        ...base,
        mapPage: (page) => {
          // The first page tells what kind of server this is (e.g. whether lists carry last seen).
          renderer ??= kind.renderer(page);
          const r = renderer;
          return page.map((item) => {
            const x = r.row(item);
            return { line: x.line, cells: render.toCells(x.row, kind.columns) };
          });
        },
      });
      return listOutput(kind, result, 'compact', (renderer ?? kind.renderer([])).header, a.limit, filtered, a.limit);
    },
  });
}

/** Resolves an alias to a device name when the exact name is not found. */
async function deviceByAlias(client: FlightctlClient, alias: string, signal: AbortSignal): Promise<string[]> {
  if (/[,=!()]/.test(alias)) return [];
  const res = await client
    .list<unknown>('/devices', { fieldSelector: `metadata.alias=${alias}`, limit: 3, what: 'looking up a device alias', signal })
    .catch(() => null);
  return (res?.items ?? []).map((d) => render.at(d, 'metadata.name')).filter((n): n is string => typeof n === 'string');
}

export function flightctlTools(rt: ToolRuntime): AnyToolSpec[] {
  const devices: Kind = {
    tool: 'query_devices',
    path: '/devices',
    plural: 'devices',
    columns: render.DEVICE_COLUMNS,
    renderer: (items) => {
      // Servers ≥ 0.10 leave last seen out of lists; show the column only when some item has it.
      const withLastSeen = items.some((d) => typeof render.at(d, 'status.lastSeen') === 'string');
      return { header: render.deviceHeader(withLastSeen), row: (d) => render.device(d, undefined, withLastSeen) };
    },
    example: 'field_selector "status.summary.status!=Online" or label_selector "site=berlin"',
    fieldExample: '`status.summary.status!=Online` or `metadata.owner=Fleet/pos-fleet`',
  };
  const fleets: Kind = {
    tool: 'query_fleets',
    path: '/fleets',
    plural: 'fleets',
    columns: render.FLEET_COLUMNS,
    renderer: fixed(render.FLEET_HEADER, render.fleet),
    example: 'label_selector "env=prod"',
    fieldExample: '`spec.template.spec.os.image contains rhel`',
  };
  const events: Kind = {
    tool: 'query_events',
    path: '/events',
    plural: 'events',
    columns: render.EVENT_COLUMNS,
    renderer: fixed(render.EVENT_HEADER, render.event),
    example: 'field_selector "type=Warning" or "involvedObject.name=<device>" or "metadata.creationTimestamp>2026-01-01T00:00:00Z"',
    fieldExample: '`type=Warning,involvedObject.kind=Device`',
  };
  const enrollments: Kind = {
    tool: 'query_enrollment_requests',
    path: '/enrollmentrequests',
    plural: 'enrollment requests',
    columns: render.ENROLLMENT_COLUMNS,
    renderer: fixed(render.ENROLLMENT_HEADER, render.enrollmentRequest),
    example: 'field_selector "status.approval.approved!=true"',
    fieldExample: '`status.approval.approved!=true`',
  };
  const repositories: Kind = {
    tool: 'query_repositories',
    path: '/repositories',
    plural: 'repositories',
    columns: render.REPOSITORY_COLUMNS,
    renderer: fixed(render.REPOSITORY_HEADER, render.repository),
    example: 'field_selector "spec.type=git"',
    fieldExample: '`spec.type=git`',
  };
  const resourceSyncs: Kind = {
    tool: 'query_resource_syncs',
    path: '/resourcesyncs',
    plural: 'resource syncs',
    columns: render.RESOURCE_SYNC_COLUMNS,
    renderer: fixed(render.RESOURCE_SYNC_HEADER, render.resourceSync),
    example: 'field_selector "spec.repository=<repo>"',
    fieldExample: '`spec.repository=<repository>`',
  };

  return [
    queryTool(
      rt,
      devices,
      'Query devices',
      'List Flight Control devices, one line each: name (alias) | status | update | apps | fleet | labels, plus an "attention" column for anything abnormal (lifecycle, CPU/memory/disk); ' +
        'last seen appears only on servers that list it. Filter with label_selector and field_selector (fields below). Names are long IDs; `alias` is a label. ' +
        'For counts use get_devices_summary; for one device (with last seen) use get_device.',
      DEVICE_FIELDS,
    ),
    queryTool(
      rt,
      fleets,
      'Query fleets',
      'List Flight Control fleets, one line each: name | OS image | device selector | Valid condition | rollout state | devices | labels. For one fleet with its device counts use get_fleet.',
      `Fleet fields: ${COMMON_FIELDS}, \`spec.template.spec.os.image\`.`,
    ),
    queryTool(
      rt,
      enrollments,
      'Query enrollment requests',
      'List device enrollment requests (devices asking to join), one line each: name | Approved/Pending/Denied | approved by | labels | created.',
      `Enrollment request fields: ${COMMON_FIELDS}, \`status.approval.approved\` (true/false), \`status.certificate\` (existence).`,
    ),
    queryTool(
      rt,
      repositories,
      'Query repositories',
      'List configuration repositories (git, http, OCI), one line each: name | type | URL | Accessible condition.',
      `Repository fields: ${COMMON_FIELDS}, \`spec.type\` (git, http, oci), \`spec.url\`; OCI also \`spec.registry\`, \`spec.accessMode\`.`,
    ),
    queryTool(
      rt,
      resourceSyncs,
      'Query resource syncs',
      'List resource syncs (fleets defined in git), one line each: name | repository | path@revision | Synced condition | observed commit.',
      `Resource sync fields: ${COMMON_FIELDS}, \`spec.repository\`, \`spec.type\` (fleet, catalog).`,
    ),
    queryTool(
      rt,
      events,
      'Query events',
      'List Flight Control events, newest first, one line each: time | Normal/Warning | reason | object | message | actor. ' +
        'Events have no labels; filter with field_selector.',
      `Event fields: ${COMMON_FIELDS}, \`type\` (Normal, Warning), \`reason\` (e.g. DeviceDisconnected, DeviceApplicationError, FleetRolloutFailed, DeviceUpdateFailed), ` +
        '`involvedObject.kind` (Device, Fleet, ...), `involvedObject.name`, `actor` (user:<name> or service:<name>).',
      { order: 'desc' },
    ),

    defineTool({
      name: 'get_device',
      output: outputs.deviceOutput,
      provider: PROVIDER_ID,
      title: 'Get device',
      description:
        'One Flight Control device in detail: status with its reason, last seen, update state, OS image (current and desired), resources, applications, systemd units, conditions, system info, labels. ' +
        'Accepts the device name or its alias. detail="full" returns the raw object.',
      class: 'read',
      input: {
        name: z.string().min(1).describe('Device name (the long ID) or alias.'),
        detail: z.enum(['compact', 'full']).default('compact').describe('compact (default) or full (the raw API object).'),
      },
      async run(args, ctx) {
        const live = await rt.live(ctx.signal, ctx.account);
        let name = args.name.trim();
        // "." or "a/b" would name another path: checked against the API's name rules before any request.
        let res =
          deviceLookup(name) === 'name'
            ? await live.client.get<unknown>(`/devices/${encodeURIComponent(name)}`, {}, { what: `reading device "${name}"`, signal: ctx.signal, accept: [404] })
            : null;
        if (!res || res.status === 404) {
          const matches = await deviceByAlias(live.client, name, ctx.signal);
          if (matches.length !== 1) {
            throw new FlightctlError(
              'api',
              matches.length > 1
                ? `No device is named "${name}", and ${matches.length} devices carry that alias (${matches.join(', ')}); call get_device with one of those names.`
                : `No device named "${name}" (or with that alias) exists. query_devices with field_selector "metadata.nameOrAlias contains ${name}" finds near matches.`,
              { status: 404, reason: 'NotFound' },
            );
          }
          name = matches[0] as string;
          res = await live.client.get<unknown>(`/devices/${encodeURIComponent(name)}`, {}, { what: `reading device "${name}"`, signal: ctx.signal });
        }
        const device = res.body;
        // Current servers only report last seen through this endpoint; older ones (≤ 0.9) lack it and carry status.lastSeen.
        const seen = await live.client.get<{ lastSeen?: string }>(`/devices/${encodeURIComponent(name)}/lastseen`, {}, { what: 'reading last seen', signal: ctx.signal, accept: [204, 404] });
        const lastSeen = seen.status === 200 ? seen.body?.lastSeen : undefined;
        const note = seen.status === 204 ? 'never' : 'unknown';
        if (args.detail === 'full') {
          return { text: capText(JSON.stringify({ ...(device as object), lastSeen: lastSeen ?? null }), { hint: 'use detail=compact' }), structured: { device: device as object, lastSeen: lastSeen ?? null } };
        }
        const detail = render.deviceDetail(device, lastSeen, note);
        return { text: detail.text, structured: { device: detail.row } };
      },
    }),

    defineTool({
      name: 'get_fleet',
      output: outputs.fleetOutput,
      provider: PROVIDER_ID,
      title: 'Get fleet',
      description:
        'One Flight Control fleet: selector, template (OS image, config, applications), rollout policy and state, conditions, and a summary of its devices by status, update state and application health. ' +
        'To list the devices themselves use query_devices with field_selector "metadata.owner=Fleet/<name>".',
      class: 'read',
      input: {
        name: z.string().min(1).describe('Fleet name.'),
        detail: z.enum(['compact', 'full']).default('compact').describe('compact (default) or full (the raw API object).'),
      },
      async run(args, ctx) {
        const live = await rt.live(ctx.signal, ctx.account);
        const name = resourceName('fleet', args.name.trim());
        const fleet = await live.client.getJson<unknown>(`/fleets/${encodeURIComponent(name)}`, { addDevicesSummary: true }, { what: `reading fleet "${name}"`, signal: ctx.signal });
        if (args.detail === 'full') return { text: capText(JSON.stringify(fleet), { hint: 'use detail=compact' }), structured: { fleet: fleet as object } };
        const detail = render.fleetDetail(fleet);
        return { text: detail.text, structured: { fleet: detail.row } };
      },
    }),

    defineTool({
      name: 'get_devices_summary',
      output: outputs.summaryOutput,
      provider: PROVIDER_ID,
      title: 'Devices summary',
      description:
        'Counts of Flight Control devices by status (Online, Degraded, Error, ...), by update state and by application health, without listing them. ' +
        'Optionally for a label_selector, or for one fleet with field_selector "metadata.owner=Fleet/<name>" (the only field selector the server accepts here).',
      class: 'read',
      input: {
        label_selector: z.string().default('').describe(LABELS_HELP),
        field_selector: z.string().default('').describe('Only `metadata.owner` is accepted with a summary, e.g. `metadata.owner=Fleet/pos-fleet`.'),
      },
      async run(args, ctx) {
        const live = await rt.live(ctx.signal, ctx.account);
        const body = await live.client.getJson<{ summary?: unknown }>(
          '/devices',
          { summaryOnly: true, labelSelector: args.label_selector || undefined, fieldSelector: args.field_selector || undefined },
          { what: 'summarising devices', signal: ctx.signal },
        );
        const out = render.devicesSummary(body.summary);
        return { text: out.text, structured: { summary: out.row } };
      },
    }),

    defineTool({
      name: 'list_labels',
      output: outputs.labelsOutput,
      provider: PROVIDER_ID,
      title: 'List device labels',
      description:
        'The label keys and values in use on Flight Control devices, grouped by key: useful before writing a label_selector. ' +
        'field_selector `metadata.labels.keyOrValue contains <text>` narrows it.',
      class: 'read',
      input: {
        label_selector: z.string().default('').describe(LABELS_HELP),
        field_selector: z.string().default('').describe('e.g. `metadata.labels.keyOrValue contains site`.'),
        limit: z.number().int().min(1).max(1000).default(1000).describe('Most labels to return (1-1000).'),
      },
      async run(args, ctx) {
        const live = await rt.live(ctx.signal, ctx.account);
        const labels = await live.client.getJson<unknown>(
          '/labels',
          { kind: 'Device', labelSelector: args.label_selector || undefined, fieldSelector: args.field_selector || undefined, limit: args.limit },
          { what: 'listing labels', signal: ctx.signal },
        );
        const list = Array.isArray(labels) ? labels.filter((l): l is string => typeof l === 'string') : [];
        const byKey = new Map<string, string[]>();
        for (const l of list) {
          const i = l.indexOf('=');
          const key = i < 0 ? l : l.slice(0, i);
          const value = i < 0 ? '' : l.slice(i + 1);
          byKey.set(key, [...(byKey.get(key) ?? []), value]);
        }
        if (list.length === 0) return { text: 'No device labels found.', structured: { count: 0, labels: {} } };
        const text = [`${list.length} labels on devices (key: values):`, ...[...byKey].map(([k, v]) => `${k}: ${v.filter(Boolean).join(', ') || '(no value)'}`)].join('\n');
        return { text, structured: { count: list.length, labels: Object.fromEntries(byKey) } };
      },
    }),

    defineTool({
      name: 'list_organizations',
      output: outputs.organizationsOutput,
      provider: PROVIDER_ID,
      title: 'List organizations',
      description:
        'The Flight Control organizations your account can use, and which one Tarmac sends with every call. If you belong to several and none is chosen, other tools fail until one is chosen with select_organization.',
      class: 'read',
      input: {},
      async run(_args, ctx) {
        const live = await rt.live(ctx.signal, ctx.account);
        const orgs = await live.orgs.list(ctx.signal);
        if (orgs === null) return { text: 'This Flight Control server has no organizations (older API); nothing to choose.', structured: { organizations: [], selected: null } };
        const selected = await live.orgs.orgId(ctx.signal).catch(() => undefined);
        const lines = orgs.map((o) => `${o.id} | ${o.displayName ?? '-'} | ${o.externalId ?? '-'}${o.id === selected ? ' | selected' : ''}`);
        const text = orgs.length
          ? `${orgs.length} organizations (id | display name | external id):\n${lines.join('\n')}${selected ? '' : '\nNone is selected: call select_organization.'}`
          : 'Your account belongs to no organization.';
        return { text, structured: { organizations: orgs.map((o) => ({ ...o, selected: o.id === selected })), selected: selected ?? null } };
      },
    }),

    defineTool({
      name: 'select_organization',
      output: outputs.selectOrganizationOutput,
      provider: PROVIDER_ID,
      title: 'Select organization',
      description:
        "Choose the Flight Control organization every later call uses (saved in Tarmac's settings). Give its id or display name from list_organizations. Changes only Tarmac's own setting.",
      class: 'write',
      input: { organization: z.string().min(1).describe('Organization id (UUID) or display name.') },
      async run(args, ctx) {
        const live = await rt.live(ctx.signal, ctx.account);
        const orgs = await live.orgs.list(ctx.signal);
        if (orgs === null) throw new FlightctlError('organization', 'This Flight Control server has no organizations; nothing to select.');
        const want = args.organization.trim().toLowerCase();
        const match = orgs.filter((o) => o.id.toLowerCase() === want || o.displayName?.toLowerCase() === want);
        if (match.length !== 1) {
          throw new FlightctlError(
            'organization',
            match.length === 0
              ? `"${args.organization}" is not one of your organizations: ${orgs.map(describeOrg).join(', ') || 'none'}.`
              : `"${args.organization}" matches several organizations (${match.map(describeOrg).join(', ')}); give the id.`,
          );
        }
        const org = match[0] as (typeof orgs)[number];
        // The choice belongs to this server: settings name it too (an env or client.yaml connection gets it added).
        const current = (await rt.settings(ctx.account).read()).flightctl;
        if (current?.apiUrl && !sameUrl(current.apiUrl, live.apiUrl)) {
          throw new FlightctlError(
            'organization',
            `Tarmac's settings name another Flight Control server (${current.apiUrl}) than the one in use (${live.apiUrl}), so an organization chosen here would not apply. Sign in to ${live.apiUrl} in Tarmac first.`,
          );
        }
        await rt.settings(ctx.account).update((s) => ({ ...s, flightctl: { ...s.flightctl, apiUrl: s.flightctl?.apiUrl ?? live.apiUrl, organization: org.id } }));
        live.orgs.reset();
        return { text: `Flight Control organization set to ${describeOrg(org)}; later calls use it.`, structured: { selected: org.id, displayName: org.displayName ?? null } };
      },
    }),

    defineTool({
      name: 'run_command_on_device',
      output: outputs.commandOutput,
      provider: PROVIDER_ID,
      title: 'Run a command on a device',
      description:
        'Run a shell command on a Flight Control device through its remote console and return exit code, stdout and stderr. ' +
        'The command is a bash script (pipes, quotes and `&&` work); it runs as an unprivileged console user on current agents, so prefix what needs root with `sudo --non-interactive`. ' +
        `Non-interactive only: no TTY, stdin is closed. Times out after timeout_seconds (default ${DEFAULT_COMMAND_TIMEOUT_MS / 1000}, max ${MAX_COMMAND_TIMEOUT_MS / 1000}); output is capped at 256 KiB. ` +
        'A non-zero exit code is reported, not treated as a failure. The device must be online (see get_device).',
      class: 'write',
      input: {
        device_name: z.string().min(1).describe('Device name (the long ID; an alias is resolved when unique).'),
        command: z.string().min(1).describe('Shell command(s), e.g. `systemctl status flightctl-agent --no-pager`.'),
        timeout_seconds: z
          .number()
          .int()
          .min(1)
          .max(MAX_COMMAND_TIMEOUT_MS / 1000)
          .optional()
          .describe(`Seconds to wait for the command (default ${DEFAULT_COMMAND_TIMEOUT_MS / 1000}, max ${MAX_COMMAND_TIMEOUT_MS / 1000}).`),
      },
      // A command may carry a password (`mysql -pSECRET`, `PGPASSWORD=... psql`): masked wherever it is recorded.
      redactArgs: { command: 'command' },
      timeoutMs: MAX_COMMAND_TIMEOUT_MS + DEFAULT_HANDSHAKE_TIMEOUT_MS + 30_000,
      async run(args, ctx) {
        const live = await rt.live(ctx.signal, ctx.account);
        const timeoutMs = (args.timeout_seconds ?? DEFAULT_COMMAND_TIMEOUT_MS / 1000) * 1000;
        const run = async (device: string) =>
          execOnDevice({
            apiUrl: live.apiUrl,
            device,
            orgId: await live.orgs.orgId(ctx.signal),
            bearer: await live.tokens.bearer(ctx.signal),
            tls: live.transport.wsTlsOptions(),
            command: args.command,
            timeoutMs,
            ...(rt.consoleHandshakeTimeoutMs ? { handshakeTimeoutMs: rt.consoleHandshakeTimeoutMs } : {}),
            signal: ctx.signal,
          });
        let device = args.device_name.trim();
        if (deviceLookup(device) === 'alias') {
          // Not a name Flight Control could have given: only an alias can mean a device.
          const matches = await deviceByAlias(live.client, device, ctx.signal);
          if (matches.length !== 1) throw new FlightctlError('api', `Device "${device}" was not found (no device is named so, and ${matches.length ? 'several devices carry' : 'none carries'} that alias).`, { status: 404, reason: 'NotFound' });
          device = matches[0] as string;
        }
        let result;
        try {
          result = await run(device);
        } catch (err) {
          if (err instanceof FlightctlError && err.status === 401 && live.tokens.canRefresh) {
            await live.tokens.refresh(ctx.signal);
            result = await run(device);
          } else if (err instanceof FlightctlError && err.status === 404) {
            const matches = await deviceByAlias(live.client, device, ctx.signal);
            if (matches.length !== 1) throw err;
            device = matches[0] as string;
            result = await run(device);
          } else throw err;
        }
        return commandOutput(device, result, timeoutMs);
      },
    }),
  ];
}

function commandOutput(device: string, r: Awaited<ReturnType<typeof execOnDevice>>, timeoutMs: number): ToolOutput {
  const head = r.timedOut
    ? `Command on ${device} timed out after ${formatSeconds(timeoutMs)} and was stopped; output so far below. Raise timeout_seconds (max ${MAX_COMMAND_TIMEOUT_MS / 1000}) or run something shorter.`
    : `exit code ${r.exitCode ?? '?'} on ${device} (${formatSeconds(Math.round(r.durationMs / 100) * 100)})`;
  const parts = [head];
  if (r.stdout) parts.push(`--- stdout ---\n${r.stdout.replace(/\n$/, '')}`);
  if (r.stderr) parts.push(`--- stderr ---\n${r.stderr.replace(/\n$/, '')}`);
  if (!r.stdout && !r.stderr) parts.push('(no output)');
  if (r.truncated) parts.push(`[output truncated at ${MAX_OUTPUT_BYTES / 1024} KiB]`);
  return {
    text: parts.join('\n'),
    structured: { device, exitCode: r.exitCode, stdout: r.stdout, stderr: r.stderr, truncated: r.truncated, timedOut: r.timedOut, durationMs: r.durationMs },
    ...(r.timedOut ? { isError: true } : {}),
  };
}
