/**
 * The shapes of the structuredContent each Flight Control tool returns, declared as the tools'
 * outputSchema so a client can check one against the other. What Tarmac builds (compact rows,
 * counts, a command's result) is listed field by field and closed; raw Flight Control objects
 * (detail=full) stay open, since resources carry more fields than are listed and new server
 * versions add some, with the fields Tarmac reads typed.
 */
import { z } from 'zod';

const str = z.string();
const labels = z.record(z.string(), z.string());
const count = z.number().int().min(0);

/** A raw Flight Control API object, as the server sent it (detail=full). */
export const resource = z
  .looseObject({
    apiVersion: str.optional(),
    kind: str.optional(),
    metadata: z
      .looseObject({
        name: str.optional(),
        labels: labels.optional(),
        owner: str.optional().describe('e.g. "Fleet/<name>"'),
        creationTimestamp: str.optional(),
      })
      .optional(),
    spec: z.looseObject({}).optional(),
    status: z.looseObject({}).optional(),
  })
  .describe('The raw Flight Control API object.');

/** One cell of a compact row: a map (labels, counts) is written `k=v,…` like the text line. */
const cell = z.union([z.string(), z.number(), z.boolean(), z.null()]);

/**
 * query_* tools: compact rows (arrays in `columns` order) or raw items with detail=full.
 * `columns` are the kind's own (see listOutputOf); this is the shape every kind shares.
 */
export const listOutput = {
  kind: str.describe('What was listed: "devices", "fleets", "events", ...'),
  count: count.describe('Items in this answer.'),
  more: z.boolean().describe('True when more items exist beyond this answer.'),
  remaining: z.number().int().optional().describe('How many more, when the server says.'),
  pageCapReached: z.literal(true).optional().describe('Paging stopped: the server kept sending continue tokens.'),
  note: str.optional().describe('How to ask for more or less.'),
  textTruncated: z.literal(true).optional().describe('The text answer was cut at 1 MiB; the structured one is whole.'),
  columns: z.array(str).optional().describe('Column names of `rows` (detail=compact).'),
  rows: z.array(z.array(cell)).optional().describe('One array per item, cells in `columns` order, trailing empty cells left off (detail=compact).'),
  items: z.array(resource).optional().describe('Raw Flight Control objects (detail=full).'),
};

/** listOutput for one kind: its name and its columns. */
export function listOutputOf(plural: string, columns: readonly [string, ...string[]]): z.ZodRawShape {
  return {
    ...listOutput,
    kind: z.literal(plural),
    columns: z.array(z.enum(columns)).optional().describe('Column names of `rows` (detail=compact).'),
  };
}

/** get_device, compact: the fields of a device row plus its detail. Empty fields are left out. */
const compactDevice = z
  .strictObject({
    name: str,
    alias: str.optional(),
    status: str.optional().describe('status.summary.status: Online, Degraded, Error, ...'),
    updated: str.optional().describe('status.updated.status: UpToDate, OutOfDate, Updating, Unknown'),
    apps: str.optional().describe('status.applicationsSummary.status'),
    owner: str.optional().describe('e.g. "Fleet/<name>"'),
    labels: labels.optional().describe('Labels besides alias.'),
    lastSeen: str.optional(),
    attention: str.optional().describe('What is abnormal: lifecycle, cpu/memory/disk, status info.'),
    osImage: str.optional(),
    desiredOsImage: str.optional().describe('Set when it differs from osImage.'),
    renderedVersion: str.optional(),
    resources: str.optional().describe('e.g. "cpu Healthy, memory Healthy, disk Warning"'),
    system: str.optional().describe('Hostname, distribution, kernel, architecture, agent version.'),
    applications: str.optional().describe('"<name> <status> ready <n/m> restarts <n>", separated by "; "'),
    systemd: str.optional().describe('"<unit> <active>/<sub>", separated by "; "'),
    conditions: str.optional().describe('"<type>=<status> (<reason>): <message>", separated by "; "'),
    consoles: str.optional().describe('How many remote consoles are open.'),
    created: str.optional(),
  })
  .describe('The device (detail=compact).');

export const deviceOutput = {
  device: z.union([compactDevice, resource]).describe('Compact fields, or the raw object with detail=full.'),
  lastSeen: str.nullable().optional().describe('detail=full: when the device last reported; null when unknown.'),
};

const compactFleet = z
  .strictObject({
    name: str,
    osImage: str.optional(),
    selector: labels.optional().describe('spec.selector.matchLabels'),
    valid: str.optional().describe('The Valid condition: True, or False (<message>).'),
    rollout: str.optional().describe('"in progress (<reason>)", or the last rollout reason, or idle.'),
    devices: z.record(z.string(), count).optional().describe('Device counts: total, status.<s>, update.<s>, apps.<s>.'),
    labels: labels.optional(),
    config: str.optional().describe('Config source names, comma-separated.'),
    applications: str.optional().describe('"<name> (<image>)", comma-separated.'),
    rolloutPolicy: str.optional(),
    currentBatch: str.optional(),
    templateVersion: str.optional(),
    created: str.optional(),
  })
  .describe('The fleet (detail=compact).');

export const fleetOutput = { fleet: z.union([compactFleet, resource]).describe('Compact fields, or the raw object with detail=full.') };

const byStatus = z.record(z.string(), count);
export const summaryOutput = {
  summary: z
    .strictObject({
      total: count,
      summaryStatus: byStatus.optional().describe('Devices by status (Online, Degraded, ...).'),
      updateStatus: byStatus.optional().describe('Devices by update state.'),
      applicationStatus: byStatus.optional().describe('Devices by application health.'),
    })
    .describe('Device counts.'),
};

export const labelsOutput = {
  count: count.describe('Labels (key=value pairs) found.'),
  labels: z.record(z.string(), z.array(str)).describe('Label key -> its values ("" for a label without one).'),
};

export const organizationsOutput = {
  organizations: z.array(
    z.strictObject({
      id: str.describe('The UUID sent as org_id.'),
      displayName: str.optional(),
      externalId: str.optional(),
      selected: z.boolean(),
    }),
  ),
  selected: str.nullable().describe('The id of the organization in use; null when none is chosen.'),
};

export const selectOrganizationOutput = {
  selected: str,
  displayName: str.nullable(),
};

export const commandOutput = {
  device: str.describe('The device name the command ran on (an alias resolved).'),
  exitCode: z.number().int().nullable().describe('null when the command did not finish (timed out).'),
  stdout: str,
  stderr: str,
  truncated: z.boolean().describe('Output was capped at 256 KiB.'),
  timedOut: z.boolean(),
  durationMs: z.number().min(0),
};
