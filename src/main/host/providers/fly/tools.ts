/**
 * The 60 Fly.io tools as data: upstream name and arguments (so prompts written for
 * `fly mcp server` keep working), our description, class, and a function from arguments to a
 * flyctl argv. Upstream defects are fixed here (see the reference's D-numbers in comments).
 */
import { z } from 'zod';
import type { ToolClass } from '../../../../shared/policy.js';
import type { ArgRedaction } from '../../activity/redact.js';
import type { ToolOutputSchema } from '../../tools/catalogue.js';
import { ArgvBuilder, checkRequired, secretLines } from './argv.js';
import { extractJson } from './json.js';
import * as o from './outputs.js';
import * as r from './render.js';
import type { Renderer } from './render.js';

export interface TextAnswer {
  text: string;
  structured?: Record<string, unknown>;
}

/** One Fly tool. Method syntax on purpose: it lets specs of different shapes share one list. */
export interface FlyToolDef<S extends z.ZodRawShape = z.ZodRawShape> {
  name: string;
  title: string;
  class: ToolClass;
  description: string;
  input: S;
  argv(args: z.infer<z.ZodObject<S>>): string[];
  /** Present when the command prints JSON (`--json`): renders the parsed value for the model. */
  render?: Renderer;
  /** structuredContent must be an object: a JSON array answer is wrapped under this key. */
  listKey?: string;
  /**
   * Shape of the structured answer (see outputs.ts): every JSON command and every text command
   * that returns one declares it. Top-level fields are optional: an answer over 1 MiB goes out as
   * text alone.
   */
  output?: ToolOutputSchema;
  /** Text commands: turn flyctl's (already cleaned) stdout into the answer. */
  text?(stdout: string, args: z.infer<z.ZodObject<S>>): TextAnswer;
  /** Argument names whose values are secret. */
  secretArgs?: readonly string[];
  /** What other arguments mean, for redaction (see ArgRedaction): env entries, secrets to set, command lines. */
  redactArgs?: Readonly<Record<string, ArgRedaction>>;
  /** Text for flyctl's stdin: how secret values reach flyctl without showing in the process list. */
  stdin?(args: z.infer<z.ZodObject<S>>): string;
  /** Per-call timeout (the gateway's and flyctl's). Defaults to 60 s. */
  timeoutMs?: number;
  /** A shorter, argument-dependent bound after which the output so far is the answer (fly-logs). */
  softDeadlineMs?(args: z.infer<z.ZodObject<S>>): number;
}

function tool<S extends z.ZodRawShape>(def: FlyToolDef<S>): FlyToolDef<S> {
  return def;
}

export const DEFAULT_TIMEOUT_MS = 60_000;

// ---- Argument schemas -------------------------------------------------------------------
// Types and defaults follow upstream. Numbers stay JSON "number" (upstream type) and are checked
// to be whole and non-negative, because every one of them is an integer flag in flyctl.

const whole = (d: string) =>
  z
    .number()
    .min(0)
    .refine((n) => Number.isInteger(n), { message: 'must be a whole number' })
    .describe(d);
const list = (d: string) => z.array(z.string()).describe(d);

const APP_REQUIRED = z.string().describe('Fly app name, e.g. "my-app". Call fly-apps-list to find it.');
const APP_FOR_MACHINE = z
  .string()
  .optional()
  .describe('App that owns the machine. Pass it: Tarmac runs flyctl outside any project folder, so there is no fly.toml to infer it from.');
const MACHINE_ID = z.string().describe('Machine ID, e.g. "148ed599b12289". Call fly-machine-list to find it.');
const VOLUME_ID = z.string().describe('Volume ID, e.g. "vol_4y5v1x2w3r6t7s8q". Call fly-volumes-list to find it.');
const HOSTNAME = z.string().describe('Custom domain name, e.g. "www.example.com".');
const ORG_SLUG = z.string().describe('Organization slug, e.g. "personal" or "acme-corp". Call fly-orgs-list to find it.');
const REGION = z.string().describe('Three-letter region code, e.g. "iad" or "ams". Call fly-platform-regions for the list.');
const SIGNAL = z.string().describe('Signal to send, e.g. "SIGINT" or "SIGTERM" (default: the one in the machine config).');

const AUTOSTOP = ['off', 'stop', 'suspend'] as const;
const RESTART = ['no', 'always', 'on-failure'] as const;
const SCHEDULE = ['hourly', 'daily', 'weekly', 'monthly'] as const;
/** D6: flyctl accepts shared|performance; upstream advertised shared|dedicated. */
const CPU_KIND = ['shared', 'performance'] as const;

/** Flags shared by machine create / run / update (update leaves out the create-only ones). */
function machineConfigShape(mode: 'create' | 'update') {
  const keep = mode === 'update' ? ' Leave out to keep the current value.' : '';
  return {
    autostart:
      mode === 'update'
        ? z.boolean().optional().describe('Start the machine when a request arrives for one of its services. Leave out to keep the current setting.')
        : // D7: the upstream default is advertised (it is flyctl's own) but never injected.
          z.boolean().optional().meta({ default: true }).describe('Start the machine when a request arrives for one of its services. flyctl default: true.'),
    autostop:
      mode === 'update'
        ? z.enum(AUTOSTOP).optional().describe('What to do when its services go idle: off, stop or suspend. Leave out to keep the current setting.')
        : z.enum(AUTOSTOP).optional().meta({ default: 'off' }).describe('What to do when its services go idle: off (keep running), stop, or suspend. flyctl default: off.'),
    entrypoint: z.string().optional().describe(`Replace the image ENTRYPOINT, e.g. "/bin/sh".${keep}`),
    env: list(`Environment variables, one "NAME=VALUE" per element. Not for secrets: use fly-secrets-set.${keep}`).optional(),
    'host-dedication-id': z.string().optional().describe('Dedicated host group to place the machine on.'),
    metadata: list('Machine metadata, one "NAME=VALUE" per element.').optional(),
    port: list(
      'Public services, one per element: port[:machinePort][/protocol[:handler[:handler...]]], e.g. "443:8080/tcp:tls:http". No commas inside an element.',
    ).optional(),
    restart: z.enum(RESTART).optional().describe('Restart policy when the process exits: no, always, or on-failure.'),
    schedule: z.enum(SCHEDULE).optional().describe('Run the machine on a schedule instead of continuously: hourly, daily, weekly or monthly.'),
    'skip-dns-registration': z.boolean().optional().describe("Do not register the machine's private address in the app's internal DNS."),
    'standby-for': list('Machine IDs this machine stands by for: it starts only when one of them fails.').optional(),
    'use-zstd': z.boolean().optional().describe('Use zstd compression for the image (faster pulls of large images).'),
    'vm-cpu-kind': z.enum(CPU_KIND).optional().describe('CPU kind: "shared" or "performance" (dedicated cores, billed higher).'),
    'vm-cpus': whole('Number of vCPUs.').optional(),
    'vm-memory': whole('Memory in MB, e.g. 512.').optional(),
    'vm-size': z.string().optional().describe('Preset size such as "shared-cpu-1x" or "performance-2x". Call fly-platform-vm-sizes for the list and prices.'),
  };
}

/** Machine create / run / update: env values are configuration that often holds secrets; commands may carry passwords. */
const MACHINE_REDACT = { env: 'env', entrypoint: 'command', command: 'command' } as const satisfies Record<string, ArgRedaction>;

const createOnlyShape = {
  id: z.string().optional().describe('ID of an existing machine to replace with this configuration (rarely needed; normally leave out).'),
  name: z.string().optional().describe('Machine name; a random one when left out.'),
  region: REGION.optional().describe('Region code, e.g. "iad" (fly-platform-regions lists them). Default: the app\'s primary region.'),
  rm: z.boolean().optional().describe('Destroy the machine automatically when its process exits.'),
  volume: list('Volumes to mount, one per element: "<volume_id_or_name>:/path/in/machine". Create one first with fly-volumes-create.').optional(),
};

type MachineConfigArgs = {
  autostart?: boolean | undefined;
  autostop?: (typeof AUTOSTOP)[number] | undefined;
  entrypoint?: string | undefined;
  env?: string[] | undefined;
  'host-dedication-id'?: string | undefined;
  id?: string | undefined;
  metadata?: string[] | undefined;
  name?: string | undefined;
  port?: string[] | undefined;
  region?: string | undefined;
  restart?: (typeof RESTART)[number] | undefined;
  rm?: boolean | undefined;
  schedule?: (typeof SCHEDULE)[number] | undefined;
  'skip-dns-registration'?: boolean | undefined;
  'standby-for'?: string[] | undefined;
  'use-zstd'?: boolean | undefined;
  'vm-cpu-kind'?: (typeof CPU_KIND)[number] | undefined;
  'vm-cpus'?: number | undefined;
  'vm-memory'?: number | undefined;
  'vm-size'?: string | undefined;
  volume?: string[] | undefined;
};

/**
 * D7: --autostart=<bool> and --autostop=<v> in attached form and only when given (`--autostop off`
 * would parse as autostop=stop plus a stray positional). D8: --env/--metadata repeat per element.
 */
function machineConfigFlags(b: ArgvBuilder, a: MachineConfigArgs, mode: 'create' | 'update'): ArgvBuilder {
  b.explicitBool('--autostart', a.autostart)
    .attached('--autostop', 'autostop', a.autostop)
    .flag('--entrypoint', 'entrypoint', a.entrypoint)
    .repeated('--env', 'env', a.env)
    .flag('--host-dedication-id', 'host-dedication-id', a['host-dedication-id']);
  if (mode === 'create') b.flag('--id', 'id', a.id);
  b.repeated('--metadata', 'metadata', a.metadata);
  if (mode === 'create') b.flag('--name', 'name', a.name);
  b.joined('--port', 'port', a.port);
  if (mode === 'create') b.flag('--region', 'region', a.region);
  b.flag('--restart', 'restart', a.restart);
  if (mode === 'create') b.switch('--rm', a.rm);
  b.flag('--schedule', 'schedule', a.schedule)
    .switch('--skip-dns-registration', a['skip-dns-registration'])
    .joined('--standby-for', 'standby-for', a['standby-for'])
    .switch('--use-zstd', a['use-zstd'])
    .flag('--vm-cpu-kind', 'vm-cpu-kind', a['vm-cpu-kind'])
    .flag('--vm-cpus', 'vm-cpus', a['vm-cpus'])
    .flag('--vm-memory', 'vm-memory', a['vm-memory'])
    .flag('--vm-size', 'vm-size', a['vm-size']);
  if (mode === 'create') b.joined('--volume', 'volume', a.volume);
  return b;
}

/** `machine <verb> <id> [-a <app>]`: the shape of most machine tools. */
const machineCmd = (verb: string[], a: { id: string; app?: string | undefined }): ArgvBuilder =>
  new ArgvBuilder('machine', ...verb).positional('id', a.id).flag('-a', 'app', a.app);

const idApp = { id: MACHINE_ID, app: APP_FOR_MACHINE };

function done(what: string): (stdout: string) => TextAnswer {
  return (stdout) => ({ text: stdout.trim() || `${what}.` });
}

// ---- The table --------------------------------------------------------------------------

export const FLY_TOOLS: readonly FlyToolDef[] = [
  // Apps -----------------------------------------------------------------------------------
  tool({
    name: 'fly-apps-create',
    title: 'Create app',
    class: 'write',
    description:
      'Create a new, empty Fly app (no machines, nothing billed until you run machines or allocate a dedicated IPv4). ' +
      'Needs an organization slug: call fly-orgs-list first. Leave out the name to get a generated one. Returns the new app.',
    input: {
      name: z.string().optional().describe('App name (globally unique, lowercase letters, digits and dashes). Left out: flyctl generates one.'),
      org: ORG_SLUG,
      network: z.string().optional().describe('Custom private network to put the app on (default: the organization network).'),
    },
    argv: (a) => {
      const b = new ArgvBuilder('apps', 'create');
      if (a.name) b.positional('name', a.name);
      else b.word('--generate-name');
      return b.requiredFlag('--org', 'org', a.org).flag('--network', 'network', a.network).word('--json').build();
    },
    render: r.renderApp,
    output: o.createdApp,
  }),
  tool({
    name: 'fly-apps-destroy',
    title: 'Destroy app',
    class: 'destructive',
    description:
      'Permanently delete a Fly app with all its machines, volumes (and their data), IPs, certificates and secrets. Cannot be undone. ' +
      'Check the name with fly-apps-list and fly-status first.',
    input: { name: z.string().describe('Name of the app to destroy. Call fly-apps-list to find it.') },
    argv: (a) => new ArgvBuilder('apps', 'destroy').positional('name', a.name).word('--yes').build(),
    text: done('App destroyed'),
    timeoutMs: 120_000,
  }),
  tool({
    name: 'fly-apps-list',
    title: 'List apps',
    class: 'read',
    description: 'List the Fly apps you can access, with organization, status, hostname and last deploy time. Read-only.',
    input: { org: ORG_SLUG.optional().describe('Only apps in this organization (slug from fly-orgs-list). Default: all organizations.') },
    argv: (a) => new ArgvBuilder('apps', 'list').flag('--org', 'org', a.org).word('--json').build(),
    render: r.renderApps,
    output: o.apps,
    listKey: 'apps',
  }),
  tool({
    name: 'fly-apps-move',
    title: 'Move app to another organization',
    class: 'write',
    description:
      "Move an app to another organization. Its machines are restarted (brief downtime) and billing moves to the target organization. " +
      'Needs the target org slug: call fly-orgs-list first.',
    input: {
      name: z.string().describe('Name of the app to move. Call fly-apps-list to find it.'),
      org: ORG_SLUG.describe('Slug of the target organization. Call fly-orgs-list to find it.'),
      'skip-health-checks': z.boolean().optional().describe('Do not wait for health checks while restarting machines.'),
    },
    // D4: `apps move` prompts; --yes makes it work without a terminal.
    argv: (a) =>
      new ArgvBuilder('apps', 'move')
        .positional('name', a.name)
        .requiredFlag('--org', 'org', a.org)
        .switch('--skip-health-checks', a['skip-health-checks'])
        .word('--yes')
        .build(),
    text: done('App moved'),
    timeoutMs: 300_000,
  }),
  tool({
    name: 'fly-apps-releases',
    title: 'List app releases',
    class: 'read',
    description: "List an app's releases (deploys), newest first: version, status, description, who deployed and the image. Read-only.",
    input: { name: z.string().describe('App name. Call fly-apps-list to find it.') },
    argv: (a) => new ArgvBuilder('apps', 'releases').requiredFlag('--app', 'name', a.name).word('--json').build(),
    render: r.renderReleases,
    output: o.releases,
    listKey: 'releases',
  }),
  tool({
    name: 'fly-apps-restart',
    title: 'Restart app',
    class: 'write',
    description:
      'Restart every machine of an app, one after another (requests may fail briefly). Use fly-machine-restart for a single machine.',
    input: {
      name: z.string().describe('App name. Call fly-apps-list to find it.'),
      'force-stop': z.boolean().optional().describe('Kill machines instead of stopping them gracefully.'),
      'skip-health-checks': z.boolean().optional().describe('Do not wait for health checks between machines.'),
    },
    argv: (a) =>
      new ArgvBuilder('apps', 'restart')
        .positional('name', a.name)
        .switch('--force-stop', a['force-stop'])
        .switch('--skip-health-checks', a['skip-health-checks'])
        .build(),
    text: done('App restarted'),
    timeoutMs: 300_000,
  }),

  // Certificates ---------------------------------------------------------------------------
  tool({
    name: 'fly-certs-add',
    title: 'Add certificate',
    class: 'write',
    description:
      "Add a custom domain to an app and start issuing a TLS certificate for it. Returns the DNS records you must create; " +
      'then call fly-certs-check until the status is active.',
    input: { app: APP_REQUIRED, hostname: HOSTNAME },
    argv: (a) => new ArgvBuilder('certs', 'add', '--json').requiredFlag('-a', 'app', a.app).positional('hostname', a.hostname).build(),
    render: r.renderCert,
    output: o.certificate,
  }),
  tool({
    name: 'fly-certs-check',
    title: 'Check certificate',
    class: 'read',
    description: "Check a custom domain's DNS and certificate status and say what DNS records are still missing. Read-only.",
    input: { app: APP_REQUIRED, hostname: HOSTNAME.describe('Custom domain to check. Call fly-certs-list to find it.') },
    argv: (a) => new ArgvBuilder('certs', 'check', '--json').requiredFlag('-a', 'app', a.app).positional('hostname', a.hostname).build(),
    render: r.renderCert,
    output: o.certificate,
  }),
  tool({
    name: 'fly-certs-list',
    title: 'List certificates',
    class: 'read',
    description: "List an app's custom domains and the status of their certificates. Read-only.",
    input: { app: APP_REQUIRED },
    argv: (a) => new ArgvBuilder('certs', 'list', '--json').requiredFlag('-a', 'app', a.app).build(),
    render: r.renderCerts,
    output: o.certificates,
    listKey: 'certificates',
  }),
  tool({
    name: 'fly-certs-remove',
    title: 'Remove certificate',
    class: 'destructive',
    description:
      'Remove a custom domain and its certificate from an app; HTTPS for that domain stops working. Call fly-certs-list first to get the exact hostname.',
    input: { app: APP_REQUIRED, hostname: HOSTNAME.describe('Custom domain to remove. Call fly-certs-list to find it.') },
    // D3: no --json exists for certs remove, and it prompts without --yes.
    argv: (a) => new ArgvBuilder('certs', 'remove').requiredFlag('-a', 'app', a.app).positional('hostname', a.hostname).word('--yes').build(),
    text: done('Certificate removed'),
  }),
  tool({
    name: 'fly-certs-show',
    title: 'Show certificate',
    class: 'read',
    description: "Show a custom domain's certificate details, validation state and required DNS records. Read-only.",
    input: { app: APP_REQUIRED, hostname: HOSTNAME.describe('Custom domain. Call fly-certs-list to find it.') },
    argv: (a) => new ArgvBuilder('certs', 'show', '--json').requiredFlag('-a', 'app', a.app).positional('hostname', a.hostname).build(),
    render: r.renderCert,
    output: o.certificate,
  }),

  // IP addresses ---------------------------------------------------------------------------
  tool({
    name: 'fly-ips-allocate-v4',
    title: 'Allocate IPv4',
    class: 'write',
    description:
      'Give an app a public IPv4 address. A dedicated IPv4 is billed monthly; shared=true allocates a free shared IPv4 instead. ' +
      'Call fly-ips-list first: most apps need at most one.',
    input: {
      app: APP_REQUIRED,
      shared: z.boolean().default(false).describe('Allocate a free shared IPv4 instead of a billed dedicated one.'),
      region: REGION.optional().describe('Region for a regional address (default: global anycast).'),
    },
    // --yes accepts the cost prompt flyctl shows for a dedicated address.
    argv: (a) =>
      new ArgvBuilder('ips', 'allocate-v4').requiredFlag('--app', 'app', a.app).switch('--shared', a.shared).flag('--region', 'region', a.region).word('--yes').build(),
    text: done('IPv4 address allocated'),
  }),
  tool({
    name: 'fly-ips-allocate-v6',
    title: 'Allocate IPv6',
    class: 'write',
    description:
      'Give an app an IPv6 address (free): public by default, or private (Flycast, reachable only inside the organization network) with private=true.',
    input: {
      app: APP_REQUIRED,
      private: z.boolean().default(false).describe('Allocate a private Flycast address instead of a public one.'),
      region: REGION.optional().describe('Region for a regional address (default: global).'),
      org: ORG_SLUG.optional().describe('Organization whose network a private address belongs to (slug from fly-orgs-list).'),
      network: z.string().optional().describe('Custom private network for a private address.'),
    },
    argv: (a) =>
      new ArgvBuilder('ips', 'allocate-v6')
        .requiredFlag('--app', 'app', a.app)
        .switch('--private', a.private)
        .flag('--region', 'region', a.region)
        .flag('--org', 'org', a.org)
        .flag('--network', 'network', a.network)
        .build(),
    text: done('IPv6 address allocated'),
  }),
  tool({
    name: 'fly-ips-list',
    title: 'List IP addresses',
    class: 'read',
    description: "List an app's public and private IP addresses with type and region. Read-only.",
    input: { app: APP_REQUIRED },
    argv: (a) => new ArgvBuilder('ips', 'list').requiredFlag('--app', 'app', a.app).word('--json').build(),
    render: r.renderIps,
    output: o.ips,
    listKey: 'ips',
  }),
  tool({
    name: 'fly-ips-release',
    title: 'Release IP addresses',
    class: 'destructive',
    description:
      'Release IP addresses from an app. Traffic to them stops at once and a released dedicated address cannot be recovered. ' +
      'Call fly-ips-list first to get the exact addresses.',
    input: {
      app: APP_REQUIRED,
      addresses: list('IP addresses to release, one per element, exactly as fly-ips-list shows them.'),
    },
    argv: (a) => new ArgvBuilder('ips', 'release').requiredFlag('--app', 'app', a.app).positionals('addresses', a.addresses).build(),
    text: done('IP addresses released'),
  }),
  tool({
    name: 'fly-ips-private',
    title: 'List private IPs',
    class: 'read',
    description: "List the private (6PN) IPv6 addresses of an app's machines. Read-only.",
    input: { app: APP_REQUIRED },
    argv: (a) => new ArgvBuilder('ips', 'private').requiredFlag('--app', 'app', a.app).word('--json').build(),
    render: r.renderPrivateIps,
    output: o.privateIps,
    listKey: 'addresses',
  }),

  // Logs -----------------------------------------------------------------------------------
  tool({
    name: 'fly-logs',
    title: 'Recent app logs',
    class: 'read',
    description:
      "Fetch an app's recent log lines (not a live tail). Bounded: waits at most wait-seconds and returns at most max-lines " +
      '(the newest). An app with no recent logs returns an empty answer, not an error. Read-only.',
    input: {
      app: APP_REQUIRED,
      machine: z.string().optional().describe('Only this machine (ID from fly-machine-list).'),
      region: REGION.optional().describe('Only this region.'),
      'max-lines': whole('Return at most this many of the newest lines (1-1000).').max(1000).default(100),
      'wait-seconds': whole('Wait at most this long for log lines (1-60 s).').max(60).default(15),
    },
    // D11: flyctl `logs --no-tail` blocks forever when the buffer is empty; softDeadlineMs bounds it.
    argv: (a) =>
      new ArgvBuilder('logs', '--no-tail').requiredFlag('-a', 'app', a.app).flag('--machine', 'machine', a.machine).flag('--region', 'region', a.region).build(),
    text: (stdout, a) => logsAnswer(stdout, a['max-lines']),
    output: o.logs,
    softDeadlineMs: (a) => Math.max(1, a['wait-seconds']) * 1000,
    timeoutMs: 75_000,
  }),

  // Machines -------------------------------------------------------------------------------
  tool({
    name: 'fly-machine-clone',
    title: 'Clone machine',
    class: 'write',
    description:
      'Create a new machine from the configuration of an existing one (same image, size and services unless overridden). ' +
      'Adds a billed machine that starts running. Call fly-machine-list first for the source ID.',
    input: {
      id: MACHINE_ID.describe('ID of the machine to clone. Call fly-machine-list to find it.'),
      app: APP_FOR_MACHINE,
      'attach-volume': z.string().optional().describe('Existing volume to attach: "<volume_id>:/mount/path" (fly-volumes-list lists volumes).'),
      'clear-auto-destroy': z.boolean().optional().describe('Do not auto-destroy the clone when it exits, even if the source does.'),
      'clear-cmd': z.boolean().optional().describe("Use the image's default CMD instead of the source machine's command."),
      'from-snapshot': z.string().optional().describe('Create the clone\'s volume from this snapshot ID, or "last" for the newest one.'),
      'host-dedication-id': z.string().optional().describe('Dedicated host group to place the clone on.'),
      name: z.string().optional().describe('Name of the new machine.'),
      'override-cmd': z.string().optional().describe('Command for the clone instead of the source machine\'s command.'),
      region: REGION.optional().describe('Region for the clone (default: the source machine\'s region).'),
      'standby-for': list('Machine IDs the clone stands by for.').optional(),
      'vm-cpu-kind': z.enum(CPU_KIND).optional().describe('CPU kind: "shared" or "performance".'),
      'vm-cpus': whole('Number of vCPUs.').optional(),
      'vm-memory': whole('Memory in MB.').optional(),
      'vm-size': z.string().optional().describe('Preset size, e.g. "shared-cpu-1x" (fly-platform-vm-sizes lists them).'),
      'volume-requires-unique-zone': z
        .boolean()
        .default(true)
        .describe("Put the clone's new volume in a different hardware zone than the source's (default true)."),
    },
    redactArgs: { 'override-cmd': 'command' },
    argv: (a) =>
      machineCmd(['clone'], a)
        .flag('--attach-volume', 'attach-volume', a['attach-volume'])
        .switch('--clear-auto-destroy', a['clear-auto-destroy'])
        .switch('--clear-cmd', a['clear-cmd'])
        .flag('--from-snapshot', 'from-snapshot', a['from-snapshot'])
        .flag('--host-dedication-id', 'host-dedication-id', a['host-dedication-id'])
        .flag('--name', 'name', a.name)
        .flag('--override-cmd', 'override-cmd', a['override-cmd'])
        .flag('--region', 'region', a.region)
        .joined('--standby-for', 'standby-for', a['standby-for'])
        .flag('--vm-cpu-kind', 'vm-cpu-kind', a['vm-cpu-kind'])
        .flag('--vm-cpus', 'vm-cpus', a['vm-cpus'])
        .flag('--vm-memory', 'vm-memory', a['vm-memory'])
        .flag('--vm-size', 'vm-size', a['vm-size'])
        .word(...(a['volume-requires-unique-zone'] === false ? ['--volume-requires-unique-zone=false'] : []))
        .build(),
    text: done('Machine cloned'),
    timeoutMs: 180_000,
  }),
  tool({
    name: 'fly-machine-cordon',
    title: 'Cordon machine',
    class: 'write',
    description:
      'Take a machine out of load balancing: the Fly proxy stops sending it new requests, but it keeps running. Undo with fly-machine-upcordon.',
    input: idApp,
    argv: (a) => machineCmd(['cordon'], a).word('--verbose').build(),
    text: done('Machine cordoned'),
  }),
  tool({
    name: 'fly-machine-create',
    title: 'Create machine',
    class: 'write',
    description:
      'Create a new machine for an app from an image without starting it. Adds a billed resource (stopped machines bill only for storage). ' +
      'Use fly-machine-run to create and start in one step, fly-machine-start to start this one.',
    input: {
      app: APP_REQUIRED,
      image: z.string().describe('Container image in a registry, e.g. "nginx:1.27" or "registry.fly.io/my-app:deployment-01J..." (local folders are refused).'),
      ...machineConfigShape('create'),
      ...createOnlyShape,
    },
    argv: (a) => machineConfigFlags(new ArgvBuilder('machine', 'create').image('image', a.image).requiredFlag('-a', 'app', a.app), a, 'create').build(),
    text: done('Machine created'),
    redactArgs: MACHINE_REDACT,
    timeoutMs: 180_000,
  }),
  tool({
    name: 'fly-machine-destroy',
    title: 'Destroy machine',
    class: 'destructive',
    description:
      'Permanently delete a machine. Its root filesystem is lost; attached volumes survive (remove them with fly-volumes-destroy). ' +
      'A running machine needs force=true. Call fly-machine-list first.',
    input: { ...idApp, force: z.boolean().optional().describe('Destroy even if the machine is running (it is killed first).') },
    argv: (a) => machineCmd(['destroy'], a).switch('--force', a.force).build(),
    text: done('Machine destroyed'),
  }),
  tool({
    name: 'fly-machine-egress-ip-allocate',
    title: 'Allocate machine egress IP',
    class: 'write',
    description:
      'Give a machine a static egress IP pair (IPv4 and IPv6) for its outbound traffic. Billed monthly. Deprecated by Fly in favour of app-level egress IPs.',
    input: idApp,
    argv: (a) => machineCmd(['egress-ip', 'allocate'], a).word('--yes').build(),
    text: done('Egress IP allocated'),
  }),
  tool({
    name: 'fly-machine-egress-ip-list',
    title: 'List machine egress IPs',
    class: 'read',
    description: "Show the static egress IPs of one machine (Tarmac filters the app's list down to the machine). Read-only.",
    input: idApp,
    // D5: the command takes no positional; it lists the whole app, filtered by id afterwards.
    argv: (a) => {
      checkRequired('id', a.id);
      return new ArgvBuilder('machine', 'egress-ip', 'list').flag('-a', 'app', a.app).word('--verbose').build();
    },
    text: (stdout, a) => egressForMachine(stdout, a.id),
    output: o.egressIps,
  }),
  tool({
    name: 'fly-machine-egress-ip-release',
    title: 'Release machine egress IP',
    class: 'destructive',
    description:
      "Release a machine's static egress IPs; its outbound traffic then uses shared addresses and the old IPs cannot be recovered.",
    input: idApp,
    argv: (a) => machineCmd(['egress-ip', 'release'], a).word('--yes').build(),
    text: done('Egress IP released'),
  }),
  tool({
    name: 'fly-machine-exec',
    title: 'Run command in machine',
    class: 'write',
    description:
      'Run one command inside a running machine and return its output. It runs as root with full access to the machine, so it can change or delete anything there. ' +
      'Call fly-machine-list first for the ID.',
    input: {
      id: MACHINE_ID,
      command: z.string().describe('Command line to run, e.g. "ls -la /data". Runs without a TTY; interactive programs will not work.'),
      app: APP_FOR_MACHINE,
    },
    redactArgs: { command: 'command' },
    argv: (a) => new ArgvBuilder('machine', 'exec').positional('id', a.id).positional('command', a.command).flag('-a', 'app', a.app).build(),
    text: (stdout) => ({ text: stdout.trimEnd() || '(the command printed nothing)' }),
  }),
  tool({
    name: 'fly-machine-leases-clear',
    title: 'Clear machine lease',
    class: 'write',
    description:
      'Clear the lease on a machine, which a deploy or another flyctl holds while changing it. Only do this when the holder is known to be stuck (fly-machine-leases-view shows it).',
    input: idApp,
    argv: (a) => machineCmd(['leases', 'clear'], a).build(),
    text: done('Lease cleared'),
  }),
  tool({
    name: 'fly-machine-kill',
    title: 'Kill machine',
    class: 'destructive',
    description:
      "Send SIGKILL to a machine's process: it stops at once without cleanup and in-flight work is lost. Prefer fly-machine-stop.",
    input: idApp,
    argv: (a) => machineCmd(['kill'], a).build(),
    text: done('Machine killed'),
  }),
  tool({
    name: 'fly-machine-leases-view',
    title: 'View machine lease',
    class: 'read',
    description: 'Show who holds the lease on a machine (a deploy or a flyctl in progress) and when it expires. Read-only.',
    input: idApp,
    argv: (a) => machineCmd(['leases', 'view'], a).word('--json').build(),
    render: r.renderLease,
    output: o.lease,
  }),
  tool({
    name: 'fly-machine-list',
    title: 'List machines',
    class: 'read',
    description: "List an app's machines with ID, state, region, image, size and health checks. Read-only; the source of machine IDs for other tools.",
    input: { app: APP_REQUIRED },
    argv: (a) => new ArgvBuilder('machine', 'list').requiredFlag('-a', 'app', a.app).word('--json').build(),
    render: r.renderMachines,
    output: o.machines,
    listKey: 'machines',
  }),
  tool({
    name: 'fly-machine-restart',
    title: 'Restart machine',
    class: 'write',
    description: 'Restart one machine (brief downtime for it). Call fly-machine-list first for the ID.',
    input: {
      ...idApp,
      force: z.boolean().optional().describe('Kill the machine instead of stopping it gracefully.'),
      signal: SIGNAL.optional(),
      'skip-health-checks': z.boolean().optional().describe('Do not wait for health checks after the restart.'),
      time: whole('Seconds to wait for a graceful stop before killing.').optional(),
    },
    argv: (a) =>
      machineCmd(['restart'], a)
        .switch('--force', a.force)
        .flag('--signal', 'signal', a.signal)
        .switch('--skip-health-checks', a['skip-health-checks'])
        .flag('--time', 'time', a.time)
        .build(),
    text: done('Machine restarted'),
    timeoutMs: 120_000,
  }),
  tool({
    name: 'fly-machine-run',
    title: 'Run machine',
    class: 'write',
    description:
      'Create a machine from an image and start it: a new billed machine that runs until it exits or is stopped. ' +
      'Use fly-machine-create to create without starting.',
    input: {
      app: APP_REQUIRED,
      image: z.string().describe('Container image in a registry, e.g. "nginx:1.27" (local folders are refused).'),
      command: z.string().optional().describe("Command to run instead of the image's CMD, as one string."),
      user: z.string().optional().describe('User to run the command as.'),
      ...machineConfigShape('create'),
      ...createOnlyShape,
    },
    // D9: command is optional, as in flyctl.
    argv: (a) =>
      machineConfigFlags(
        new ArgvBuilder('machine', 'run').image('image', a.image).optionalPositional('command', a.command).requiredFlag('-a', 'app', a.app),
        a,
        'create',
      )
        .flag('--user', 'user', a.user)
        .build(),
    text: done('Machine started'),
    redactArgs: MACHINE_REDACT,
    timeoutMs: 180_000,
  }),
  tool({
    name: 'fly-machine-start',
    title: 'Start machine',
    class: 'write',
    description: 'Start a stopped or suspended machine (it is billed while running). Call fly-machine-list first for the ID.',
    input: idApp,
    argv: (a) => machineCmd(['start'], a).build(),
    text: done('Machine started'),
    timeoutMs: 120_000,
  }),
  tool({
    name: 'fly-machine-status',
    title: 'Machine status',
    class: 'read',
    description:
      "Show one machine's state, image, size, health checks and recent events; display-config=true adds its full configuration as JSON. Read-only.",
    input: { ...idApp, 'display-config': z.boolean().optional().describe("Also print the machine's full configuration.") },
    argv: (a) => machineCmd(['status'], a).switch('--display-config', a['display-config']).build(),
    text: (stdout) => machineStatusAnswer(stdout),
    output: o.machineStatus,
  }),
  tool({
    name: 'fly-machine-stop',
    title: 'Stop machine',
    class: 'write',
    description: 'Stop a running machine gracefully (it stops being billed for CPU and memory). Start it again with fly-machine-start.',
    input: {
      ...idApp,
      signal: SIGNAL.optional(),
      timeout: whole('Seconds to wait for a graceful stop before the machine is killed.').optional(),
      'wait-timeout': whole('Seconds to wait for the machine to reach the stopped state.').optional(),
    },
    argv: (a) =>
      machineCmd(['stop'], a)
        .flag('--signal', 'signal', a.signal)
        .flag('--timeout', 'timeout', a.timeout)
        .flag('--wait-timeout', 'wait-timeout', a['wait-timeout'])
        .build(),
    text: done('Machine stopped'),
    timeoutMs: 120_000,
  }),
  tool({
    name: 'fly-machine-suspend',
    title: 'Suspend machine',
    class: 'write',
    description: 'Suspend a running machine, keeping its memory snapshot so fly-machine-start resumes it quickly. Not billed for CPU while suspended.',
    input: { ...idApp, 'wait-timeout': whole('Seconds to wait for the machine to reach the suspended state.').optional() },
    argv: (a) => machineCmd(['suspend'], a).flag('--wait-timeout', 'wait-timeout', a['wait-timeout']).build(),
    text: done('Machine suspended'),
    timeoutMs: 120_000,
  }),
  tool({
    name: 'fly-machine-upcordon',
    title: 'Uncordon machine',
    class: 'write',
    description: 'Put a cordoned machine back into load balancing so it receives requests again (the opposite of fly-machine-cordon).',
    input: idApp,
    // D1: the tool keeps the upstream spelling; flyctl's subcommand is `uncordon`.
    argv: (a) => machineCmd(['uncordon'], a).build(),
    text: done('Machine uncordoned'),
  }),
  tool({
    name: 'fly-machine-update',
    title: 'Update machine',
    class: 'write',
    description:
      "Change a machine's configuration (image, command, env, size, services...) and restart it with the new configuration. " +
      'Only the arguments you give change. A bigger size costs more. Call fly-machine-list first for the ID.',
    input: {
      app: APP_REQUIRED,
      id: MACHINE_ID,
      ...machineConfigShape('update'),
      command: z.string().optional().describe("New command to run instead of the image's CMD, as one string."),
      image: z.string().optional().describe('New container image in a registry, e.g. "nginx:1.27" (local folders are refused).'),
      'wait-timeout': whole('Seconds to wait for the machine to be updated and started.').optional(),
    },
    // D2: really `machine update <id>` (upstream ran `machine create`), with --command, and --yes to skip the prompt.
    argv: (a) =>
      machineConfigFlags(
        new ArgvBuilder('machine', 'update').positional('id', a.id).requiredFlag('-a', 'app', a.app).image('image', a.image, '--image').flag('--command', 'command', a.command),
        a,
        'update',
      )
        .flag('--wait-timeout', 'wait-timeout', a['wait-timeout'])
        .word('--yes')
        .build(),
    text: done('Machine updated'),
    redactArgs: MACHINE_REDACT,
    timeoutMs: 180_000,
  }),

  // Organizations --------------------------------------------------------------------------
  tool({
    name: 'fly-orgs-create',
    title: 'Create organization',
    class: 'write',
    description: 'Create a new organization (a separate billing account you are admin of). Returns its slug.',
    input: { name: z.string().describe('Organization name.') },
    argv: (a) => new ArgvBuilder('orgs', 'create').positional('name', a.name).word('--json').build(),
    render: r.renderGeneric,
    output: o.createdOrg,
  }),
  tool({
    name: 'fly-orgs-delete',
    title: 'Delete organization',
    class: 'destructive',
    description:
      'Permanently delete an organization. It must have no apps left. Cannot be undone. Call fly-orgs-show first to check it is the right one.',
    input: { slug: ORG_SLUG.describe('Slug of the organization to delete. Call fly-orgs-list to find it.') },
    argv: (a) => new ArgvBuilder('orgs', 'delete').positional('slug', a.slug).word('--yes').build(),
    text: done('Organization deleted'),
  }),
  tool({
    name: 'fly-orgs-invite',
    title: 'Invite to organization',
    class: 'write',
    description: 'Email an invitation to join an organization. Once accepted, that person can manage every app in it.',
    input: { slug: ORG_SLUG, email: z.string().describe('Email address to invite.') },
    argv: (a) => new ArgvBuilder('orgs', 'invite').positional('slug', a.slug).positional('email', a.email).word('--json').build(),
    render: r.renderGeneric,
    output: o.invitation,
  }),
  tool({
    name: 'fly-orgs-list',
    title: 'List organizations',
    class: 'read',
    description:
      'List the organizations you belong to. The answer maps each slug (what other tools take as org or slug) to its display name. Read-only.',
    input: {},
    argv: () => ['orgs', 'list', '--json'],
    render: r.renderOrgs,
    output: o.orgs,
  }),
  tool({
    name: 'fly-orgs-remove',
    title: 'Remove organization member',
    class: 'destructive',
    description: "Remove a member from an organization; they lose access to all its apps at once. Call fly-orgs-show first to see members' emails.",
    input: { slug: ORG_SLUG, email: z.string().describe("Member's email, as fly-orgs-show lists it.") },
    argv: (a) => new ArgvBuilder('orgs', 'remove').positional('slug', a.slug).positional('email', a.email).build(),
    text: done('Member removed'),
  }),
  tool({
    name: 'fly-orgs-show',
    title: 'Show organization',
    class: 'read',
    description: 'Show an organization: name, type, your role and its members. Read-only.',
    input: { slug: ORG_SLUG },
    argv: (a) => new ArgvBuilder('orgs', 'show').positional('slug', a.slug).word('--json').build(),
    render: r.renderOrg,
    output: o.org,
  }),

  // Platform -------------------------------------------------------------------------------
  tool({
    name: 'fly-platform-regions',
    title: 'List regions',
    class: 'read',
    description: 'List the Fly.io regions (codes such as "iad" used by region arguments), with location and whether they need a paid plan. Read-only.',
    input: {},
    argv: () => ['platform', 'regions', '--json'],
    render: r.renderRegions,
    output: o.regions,
    listKey: 'regions',
  }),
  tool({
    name: 'fly-platform-status',
    title: 'Fly.io platform status',
    class: 'read',
    description: "Show Fly.io's public status page summary (incidents and outages). Read-only; needs no sign-in.",
    input: {},
    argv: () => ['platform', 'status', '--json'],
    render: r.renderPlatformStatus,
    output: o.platformStatus,
  }),
  tool({
    name: 'fly-platform-vm-sizes',
    title: 'List VM sizes',
    class: 'read',
    description: 'List the machine size presets (vm-size values) with CPU kind, CPU count and memory. Read-only.',
    input: {},
    argv: () => ['platform', 'vm-sizes', '--json'],
    render: r.renderVmSizes,
    output: o.vmSizes,
  }),

  // Secrets --------------------------------------------------------------------------------
  tool({
    name: 'fly-secrets-deploy',
    title: 'Deploy staged secrets',
    class: 'write',
    description:
      "Apply staged secret changes (from fly-secrets-set or fly-secrets-unset) by restarting the app's machines with the new values.",
    input: { app: APP_REQUIRED },
    argv: (a) => new ArgvBuilder('secrets', 'deploy').requiredFlag('-a', 'app', a.app).build(),
    text: done('Secrets deployed'),
    timeoutMs: 300_000,
  }),
  tool({
    name: 'fly-secrets-list',
    title: 'List secrets',
    class: 'read',
    description: "List an app's secret names with a digest and whether each is deployed or only staged. Values are never shown. Read-only.",
    input: { app: APP_REQUIRED },
    argv: (a) => new ArgvBuilder('secrets', 'list', '--json').requiredFlag('-a', 'app', a.app).build(),
    render: r.renderSecrets,
    output: o.secrets,
    listKey: 'secrets',
  }),
  tool({
    name: 'fly-secrets-set',
    title: 'Set secrets',
    class: 'write',
    description:
      'Stage secrets (environment variables with encrypted values) for an app, overwriting any with the same name. Nothing restarts: ' +
      'call fly-secrets-deploy to apply. Values are kept out of Tarmac\'s logs and off the command line; single-line values only.',
    input: {
      app: APP_REQUIRED,
      keyvalues: list('Secrets to set, one "NAME=VALUE" per element. Values may contain "=" but not newlines.'),
    },
    // `secrets import` reads NAME=VALUE lines on stdin: the values never appear in flyctl's argv,
    // which any local user can read in the process list (upstream passes them as arguments).
    argv: (a) => new ArgvBuilder('secrets', 'import', '--stage').requiredFlag('-a', 'app', a.app).build(),
    stdin: (a) => secretLines('keyvalues', a.keyvalues),
    text: done('Secrets staged; call fly-secrets-deploy to apply them'),
    // Names stay visible (a person sees what would be overwritten); values never.
    redactArgs: { keyvalues: 'secret-values' },
  }),
  tool({
    name: 'fly-secrets-unset',
    title: 'Unset secrets',
    class: 'write',
    description: 'Stage the removal of secrets from an app by name. Nothing restarts: call fly-secrets-deploy to apply. Call fly-secrets-list for the names.',
    input: { app: APP_REQUIRED, names: list('Secret names to remove, one per element.') },
    argv: (a) => new ArgvBuilder('secrets', 'unset', '--stage').requiredFlag('-a', 'app', a.app).positionals('names', a.names).build(),
    text: done('Secret removal staged; call fly-secrets-deploy to apply it'),
  }),

  // Status ---------------------------------------------------------------------------------
  tool({
    name: 'fly-status',
    title: 'App status',
    class: 'read',
    description: "Show an app's status: deployed or not, hostname, current release and its active machines with state and region. Read-only.",
    input: { app: APP_REQUIRED },
    argv: (a) => new ArgvBuilder('status', '--json').requiredFlag('-a', 'app', a.app).build(),
    render: r.renderAppStatus,
    output: o.appStatus,
  }),

  // Volumes --------------------------------------------------------------------------------
  tool({
    name: 'fly-volumes-create',
    title: 'Create volume',
    class: 'write',
    description:
      'Create a persistent volume for an app in one region (billed per GB per month, including while unattached). ' +
      'Attach it with the volume argument of fly-machine-create or fly-machine-run.',
    input: {
      app: APP_REQUIRED,
      name: z.string().describe('Volume name (lowercase letters, digits, underscores); machines mount volumes by name or ID.'),
      region: REGION,
      encrypt: z.boolean().default(true).describe('Encrypt the volume at rest (default true).'),
      size: whole('Size in GB (default 1). Can be grown later with fly-volumes-extend, never shrunk.').default(1),
    },
    argv: (a) =>
      new ArgvBuilder('volume', 'create')
        .positional('name', a.name)
        .requiredFlag('-a', 'app', a.app)
        .word(...(a.encrypt === false ? ['--no-encryption'] : []))
        .requiredFlag('--region', 'region', a.region)
        .requiredFlag('--size', 'size', a.size)
        .word('--yes', '--json')
        .build(),
    render: r.renderVolume,
    output: o.oneVolume,
    timeoutMs: 120_000,
  }),
  tool({
    name: 'fly-volumes-destroy',
    title: 'Destroy volume',
    class: 'destructive',
    description:
      'Permanently delete a volume and all data on it (snapshots are kept for their retention period). Cannot be undone. Call fly-volumes-list first.',
    input: { app: APP_REQUIRED, id: VOLUME_ID },
    argv: (a) => new ArgvBuilder('volume', 'destroy').positional('id', a.id).requiredFlag('-a', 'app', a.app).word('--yes', '--verbose').build(),
    text: done('Volume destroyed'),
  }),
  tool({
    name: 'fly-volumes-extend',
    title: 'Extend volume',
    class: 'write',
    description:
      'Grow a volume to a new size in GB (never shrinks; costs more per month). The attached machine may restart. Call fly-volumes-show first for the current size.',
    input: { app: APP_REQUIRED, id: VOLUME_ID, size: whole('New total size in GB; must be larger than the current size.') },
    argv: (a) =>
      new ArgvBuilder('volume', 'extend').positional('id', a.id).requiredFlag('-a', 'app', a.app).requiredFlag('--size', 'size', a.size).word('--yes', '--json').build(),
    render: r.renderVolume,
    output: o.oneVolume,
    timeoutMs: 120_000,
  }),
  tool({
    name: 'fly-volumes-fork',
    title: 'Fork volume',
    class: 'write',
    description: 'Create a new volume holding a copy of an existing volume\'s data (billed like any volume). Call fly-volumes-list first.',
    input: { app: APP_REQUIRED, id: VOLUME_ID, region: REGION.optional().describe('Region for the copy (default: the source volume\'s region).') },
    argv: (a) => new ArgvBuilder('volume', 'fork').positional('id', a.id).requiredFlag('-a', 'app', a.app).flag('--region', 'region', a.region).word('--json').build(),
    render: r.renderVolume,
    output: o.oneVolume,
    timeoutMs: 180_000,
  }),
  tool({
    name: 'fly-volumes-list',
    title: 'List volumes',
    class: 'read',
    description: "List an app's volumes with ID, size, region, zone and the machine each is attached to. Read-only.",
    input: { app: APP_REQUIRED, all: z.boolean().default(false).describe('Include destroyed volumes.') },
    argv: (a) => new ArgvBuilder('volume', 'list').requiredFlag('-a', 'app', a.app).switch('--all', a.all).word('--json').build(),
    render: r.renderVolumes,
    output: o.volumes,
    listKey: 'volumes',
  }),
  tool({
    name: 'fly-volumes-show',
    title: 'Show volume',
    class: 'read',
    description: 'Show one volume: size, region, zone, encryption, attached machine and snapshot settings. Read-only.',
    input: { app: APP_REQUIRED, id: VOLUME_ID },
    argv: (a) => new ArgvBuilder('volume', 'show').positional('id', a.id).requiredFlag('-a', 'app', a.app).word('--json').build(),
    render: r.renderVolume,
    output: o.oneVolume,
  }),
  tool({
    name: 'fly-volumes-snapshots-create',
    title: 'Snapshot volume',
    class: 'write',
    description: 'Take a snapshot of a volume now (billed per GB stored). Use fly-volumes-snapshots-list to see it.',
    input: { app: APP_REQUIRED, id: VOLUME_ID },
    argv: (a) => new ArgvBuilder('volume', 'snapshots', 'create').positional('id', a.id).requiredFlag('-a', 'app', a.app).word('--json').build(),
    render: r.renderGeneric,
    output: o.oneSnapshot,
    timeoutMs: 120_000,
  }),
  tool({
    name: 'fly-volumes-snapshots-list',
    title: 'List volume snapshots',
    class: 'read',
    description: "List a volume's snapshots with size, status, creation time and retention. Read-only.",
    input: { app: APP_REQUIRED, id: VOLUME_ID },
    argv: (a) => new ArgvBuilder('volume', 'snapshots', 'list').positional('id', a.id).requiredFlag('-a', 'app', a.app).word('--json').build(),
    render: r.renderSnapshots,
    output: o.snapshots,
    listKey: 'snapshots',
  }),
  tool({
    name: 'fly-volumes-update',
    title: 'Update volume',
    class: 'write',
    description: "Change a volume's automatic daily snapshots (on/off) and how many days snapshots are kept.",
    input: {
      app: APP_REQUIRED,
      id: VOLUME_ID,
      'scheduled-snapshots': z.boolean().optional().describe('Turn automatic daily snapshots on (true) or off (false). Left out: unchanged.'),
      'snapshot-retention': whole('Days to keep snapshots (1-60). Left out: unchanged.').optional(),
    },
    argv: (a) =>
      new ArgvBuilder('volume', 'update')
        .positional('id', a.id)
        .requiredFlag('-a', 'app', a.app)
        .explicitBool('--scheduled-snapshots', a['scheduled-snapshots'])
        .flag('--snapshot-retention', 'snapshot-retention', a['snapshot-retention'])
        .word('--json')
        .build(),
    render: r.renderVolume,
    output: o.oneVolume,
  }),
];

// ---- Text answers -----------------------------------------------------------------------

/** `machine status` has no --json; with --display-config it appends the config as indented JSON, kept compact here. */
function machineStatusAnswer(stdout: string): TextAnswer {
  const start = stdout.search(/^\{/m);
  if (start >= 0) {
    const found = extractJson(stdout.slice(start));
    if (found && found.data && typeof found.data === 'object') {
      const head = stdout.slice(0, start).trim();
      return { text: `${head}\nConfig: ${JSON.stringify(found.data)}`, structured: { config: found.data } };
    }
  }
  return { text: stdout.trim() };
}

function logsAnswer(stdout: string, maxLines: number): TextAnswer {
  const all = stdout.split('\n').filter((l) => l.trim() !== '');
  const kept = all.slice(-Math.max(1, maxLines));
  const lines = kept.map((l) => r.parseLogLine(l) ?? { raw: l });
  const dropped = all.length - kept.length;
  const note = dropped > 0 ? `\n(${dropped} older lines left out; raise max-lines to see more)` : '';
  return {
    text: kept.length ? `${kept.join('\n')}${note}` : 'No recent log lines.',
    structured: { lines, dropped },
  };
}

/**
 * The egress-ip table lists every machine of the app; keep the header and the rows that
 * mention this machine.
 */
function egressForMachine(stdout: string, id: string): TextAnswer {
  const lines = stdout.split('\n').filter((l) => l.trim() !== '');
  // Whole cells only: a short id must not match inside another machine's id or an address.
  const hasId = (line: string) => line.split(/\s+|\t|\|/).some((cell) => cell.trim() === id);
  const rows = lines.filter(hasId);
  if (rows.length === 0) return { text: `Machine ${id} has no static egress IPs.`, structured: { machine: id, rows: [] } };
  const header = lines.find((l) => !hasId(l) && /\b(ip|machine|address)\b/i.test(l));
  return { text: [header, ...rows].filter(Boolean).join('\n'), structured: { machine: id, rows } };
}
