/**
 * The structuredContent of each Fly tool, declared as its outputSchema. JSON commands answer
 * with flyctl's own JSON (shapes from the flyctl reference: GraphQL-backed structs in PascalCase
 * with every field present, Machines-API ones in snake_case with empty fields left out); the
 * fields listed are the ones Tarmac reads and a model needs, typed, and every object stays open
 * because flyctl prints more and newer releases add fields.
 *
 * The top-level fields are all optional: an answer over 1 MiB, or output that is not JSON, goes
 * out as text alone with `{}` as its structured content (see execute.ts), and so does an answer
 * that does not fit these shapes (an older or newer flyctl), rather than an error.
 */
import { z } from 'zod';

const str = z.string();
const bool = z.boolean();
const int = z.number().int();
const strings = z.array(str);
const time = str.describe('RFC 3339; 0001-01-01T00:00:00Z means never');

/** The fields of an object answer, each optional (see the file comment). */
function answer(schema: z.ZodObject): z.ZodRawShape {
  return schema.partial().shape;
}

/** A list answer: flyctl's JSON array under `key`. */
function list(key: string, item: z.ZodType, what: string): z.ZodRawShape {
  return { [key]: z.array(item).optional().describe(what) };
}

// ---- Apps -------------------------------------------------------------------------------

const orgRef = z.looseObject({ Slug: str.describe('What tools take as org'), Name: str.optional() });

const app = z.looseObject({
  ID: str,
  Name: str,
  Status: str.describe('deployed, pending or suspended'),
  Deployed: bool,
  Hostname: str,
  PlatformVersion: str.optional(),
  Organization: orgRef,
  CurrentRelease: z.looseObject({ Status: str, CreatedAt: time, Version: int.optional() }).nullable().optional().describe('null before the first deploy'),
});

export const apps = list('apps', app, 'fly.App objects (PascalCase).');
export const createdApp = answer(app);

const release = z.looseObject({
  Version: int,
  Status: str,
  Stable: bool.optional(),
  InProgress: bool.optional(),
  Description: str.optional(),
  User: z.looseObject({ Email: str.optional(), Name: str.optional() }).optional(),
  CreatedAt: time,
  ImageRef: str.optional(),
});

export const releases = list('releases', release, 'Newest first.');

// ---- Machines ---------------------------------------------------------------------------

const machineConfig = z
  .looseObject({
    image: str.optional(),
    guest: z.looseObject({ cpu_kind: str.optional(), cpus: int.optional(), memory_mb: int.optional() }).optional(),
    env: z.record(z.string(), str).optional(),
    metadata: z.record(z.string(), str).optional(),
    services: z.array(z.looseObject({ protocol: str.optional(), internal_port: int.optional() })).optional(),
    restart: z.looseObject({ policy: str.optional() }).optional(),
  })
  .describe("The machine's configuration (Machines API).");

const machine = z.looseObject({
  id: str,
  name: str.optional(),
  state: str.describe('created, starting, started, stopping, stopped, suspending, suspended, replacing, destroying or destroyed'),
  region: str.optional(),
  instance_id: str.optional(),
  image_ref: z.looseObject({ registry: str.optional(), repository: str.optional(), tag: str.optional(), digest: str.optional() }).optional(),
  config: machineConfig.optional(),
  checks: z.array(z.looseObject({ name: str, status: str.describe('passing, warning or critical'), output: str.optional(), updated_at: str.optional() })).optional(),
  events: z.array(z.looseObject({ type: str, status: str, source: str.optional(), timestamp: z.number().describe('Unix ms') })).optional(),
  host_status: str.optional().describe('ok, unknown or unreachable'),
  cordoned: bool.optional(),
  created_at: str.optional(),
  updated_at: str.optional(),
});

export const machines = list('machines', machine, 'Machines API machines (snake_case).');

export const machineStatus = {
  config: machineConfig.optional().describe('With display-config=true.'),
};

export const lease = answer(
  z.looseObject({
    status: str.optional(),
    data: z.looseObject({ owner: str.optional(), expires_at: z.number().optional().describe('Unix seconds'), nonce: str.optional(), version: str.optional() }).optional(),
    message: str.optional(),
    code: str.optional(),
  }),
);

export const egressIps = {
  machine: str.optional().describe('The machine ID asked about.'),
  rows: strings.optional().describe("flyctl's table rows for this machine."),
};

// ---- Status -----------------------------------------------------------------------------

export const appStatus = answer(
  z.looseObject({
    ID: str,
    Name: str,
    Status: str,
    Deployed: bool,
    Hostname: str,
    AppURL: str.optional(),
    Version: int.optional().describe('Current release; 0 if none'),
    PlatformVersion: str.optional(),
    Organization: orgRef.optional(),
    Machines: z.array(machine).optional().describe('Active machines'),
  }),
);

// ---- Logs -------------------------------------------------------------------------------

const logLine = z.strictObject({ timestamp: str, provider: str.describe('e.g. app or proxy'), instance: str.describe('Machine ID'), region: str, level: str, message: str });

export const logs = {
  lines: z.array(z.union([logLine, z.strictObject({ raw: str.describe('A line that did not parse') })])).optional().describe('Newest lines, oldest first.'),
  dropped: int.min(0).optional().describe('Older lines left out (see max-lines).'),
};

// ---- Volumes ----------------------------------------------------------------------------

const volume = z.looseObject({
  id: str,
  name: str,
  state: str,
  size_gb: int,
  region: str,
  zone: str.optional(),
  encrypted: bool.optional(),
  attached_machine_id: str.nullable().optional(),
  created_at: str.optional(),
  snapshot_retention: int.optional().describe('Days snapshots are kept'),
  auto_backup_enabled: bool.optional().describe('Daily snapshots on'),
  host_status: str.optional(),
});

export const volumes = list('volumes', volume, 'Volumes (snake_case).');
export const oneVolume = answer(volume);

const snapshot = z.looseObject({
  id: str,
  status: str.optional(),
  size: z.union([z.number(), str]).optional().describe('Bytes'),
  volume_size: int.optional().describe('GB'),
  digest: str.optional(),
  created_at: str.optional(),
  retention_days: int.optional(),
});

export const snapshots = list('snapshots', snapshot, 'Snapshots of the volume.');
export const oneSnapshot = answer(snapshot);

// ---- Certificates -----------------------------------------------------------------------

const certSummary = z.looseObject({
  hostname: str,
  status: str.optional(),
  configured: bool.optional(),
  dns_provider: str.optional(),
  acme_requested: bool.optional(),
  has_custom_certificate: bool.optional(),
  has_fly_certificate: bool.optional(),
  created_at: str.optional(),
  updated_at: str.optional(),
});
const certSummaryBefore2026 = z.looseObject({ Hostname: str, ClientStatus: str.optional(), CreatedAt: str.optional() }).describe('flyctl before February 2026');

export const certificates = list('certificates', z.union([certSummary, certSummaryBefore2026]), 'Custom domains and their certificate status.');

export const certificate = answer(
  z.looseObject({
    hostname: str,
    status: str.describe('e.g. active, pending_ownership'),
    configured: bool,
    acme_requested: bool.optional(),
    dns_provider: str.optional(),
    rate_limited_until: str.optional(),
    certificates: z
      .array(
        z.looseObject({
          source: str.describe('fly or custom'),
          status: str,
          issuer: str.optional(),
          created_at: str.optional(),
          expires_at: str.optional(),
          issued: z.array(z.looseObject({ type: str.describe('ecdsa or rsa'), expires_at: str.optional(), certificate_authority: str.optional() })).optional(),
        }),
      )
      .optional(),
    validation: z.record(z.string(), bool).optional().describe('dns_configured, alpn_configured, http_configured, ownership_txt_configured'),
    dns_requirements: z
      .looseObject({
        a: strings.optional(),
        aaaa: strings.optional(),
        cname: str.optional(),
        acme_challenge: z.looseObject({ name: str, target: str }).optional(),
        ownership: z.looseObject({ name: str, app_value: str.optional(), org_value: str.optional() }).optional(),
      })
      .optional()
      .describe('The DNS records the domain needs'),
    validation_errors: z.array(z.looseObject({ message: str, code: str.optional(), remediation: str.optional(), timestamp: str.optional() })).optional(),
  }),
);

// ---- IPs --------------------------------------------------------------------------------

const ip = z.looseObject({
  Address: str,
  Type: str.describe('v4, v6, shared_v4, private_v6, egress_v4 or egress_v6'),
  ID: str.optional(),
  Region: str.optional(),
  CreatedAt: str.optional(),
  ServiceName: str.optional(),
  Network: z.looseObject({ Name: str.optional() }).nullable().optional(),
});

export const ips = list('ips', ip, 'IP addresses (PascalCase).');
export const privateIps = list('addresses', str, 'Private IPv6 addresses.');

// ---- Organizations ----------------------------------------------------------------------

/** `orgs list --json` is a map. */
export const orgs = z.object({}).catchall(str).describe('Organization slug (what tools take as org or slug) -> display name.');

export const org = answer(
  z.looseObject({
    ID: str,
    Name: str,
    Slug: str,
    Type: str.describe('PERSONAL or SHARED'),
    ViewerRole: str.optional(),
    Members: z
      .looseObject({
        Edges: z
          .array(z.looseObject({ Role: str.optional(), JoinedAt: str.optional(), Node: z.looseObject({ ID: str.optional(), Name: str.optional(), Email: str.optional() }) }))
          .nullable()
          .optional(),
      })
      .optional(),
  }),
);

export const createdOrg = answer(z.looseObject({ ID: str, Name: str, Slug: str, Type: str.optional() }));

export const invitation = answer(
  z.looseObject({ ID: str, Email: str, CreatedAt: str.optional(), Redeemed: bool.optional(), Organization: z.looseObject({ Slug: str.optional() }).optional() }),
);

// ---- Platform ---------------------------------------------------------------------------

const region = z.looseObject({
  code: str.describe('What region arguments take'),
  name: str,
  geo_region: str.optional(),
  gateway_available: bool.optional(),
  requires_paid_plan: bool.optional(),
  deprecated: bool.optional(),
  capacity: z.number().optional(),
  latitude: z.number().optional(),
  longitude: z.number().optional(),
});

export const regions = list('regions', region, 'Regions, by name.');

/** `platform vm-sizes --json` is a map. */
export const vmSizes = z
  .object({})
  .catchall(z.looseObject({ cpu_kind: str.describe('shared or performance'), cpus: int, memory_mb: int }))
  .describe('Preset name (what vm-size takes) -> its size.');

export const platformStatus = answer(
  z.looseObject({
    status: z.looseObject({ indicator: str.describe('none, minor, major or critical'), description: str }),
    page: z.looseObject({ url: str.optional(), updated_at: str.optional() }),
  }),
);

// ---- Secrets ----------------------------------------------------------------------------

const secret = z.looseObject({
  name: str,
  digest: str,
  status: str.optional().describe('Deployed, Staged, Partial or Unknown; left out for apps of over 100 machines'),
});

export const secrets = list('secrets', secret, 'Secret names and digests; never values.');
