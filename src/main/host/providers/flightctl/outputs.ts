/**
 * The shapes of the structuredContent each Flight Control tool returns, declared as the tools'
 * outputSchema so a client can check one against the other. Objects stay open: Flight Control
 * resources carry more fields than are listed, and new server versions add some.
 */
import { z } from 'zod';

const object = z.looseObject({});

/** query_* tools: compact rows (arrays in `columns` order) or raw items with detail=full. */
export const listOutput = {
  kind: z.string().describe('What was listed: "devices", "fleets", "events", ...'),
  count: z.number().int().describe('Items in this answer.'),
  more: z.boolean().describe('True when more items exist beyond this answer.'),
  remaining: z.number().int().optional().describe('How many more, when the server says.'),
  pageCapReached: z.boolean().optional(),
  note: z.string().optional().describe('How to ask for more or less.'),
  textTruncated: z.boolean().optional().describe('The text answer was cut at 1 MiB; the structured one is whole.'),
  columns: z.array(z.string()).optional().describe('Column names of `rows` (detail=compact).'),
  rows: z.array(z.array(z.unknown())).optional().describe('One array per item, cells in `columns` order (detail=compact).'),
  items: z.array(z.unknown()).optional().describe('Raw Flight Control objects (detail=full).'),
};

export const deviceOutput = {
  device: object.describe('The device: compact fields, or the raw object with detail=full.'),
  lastSeen: z.string().nullable().optional(),
};

export const fleetOutput = { fleet: object.describe('The fleet: compact fields, or the raw object with detail=full.') };

export const summaryOutput = { summary: object.describe('Device counts by status.') };

export const labelsOutput = {
  count: z.number().int(),
  labels: z.record(z.string(), z.unknown()).describe('Label key -> values seen.'),
};

export const organizationsOutput = {
  organizations: z.array(object),
  selected: z.string().nullable(),
};

export const selectOrganizationOutput = {
  selected: z.string(),
  displayName: z.string().nullable(),
};

export const commandOutput = {
  device: z.string(),
  exitCode: z.number().int().nullable(),
  stdout: z.string(),
  stderr: z.string(),
  truncated: z.boolean(),
  timedOut: z.boolean(),
  durationMs: z.number(),
};
