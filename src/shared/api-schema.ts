/**
 * The arguments of every request, as zod schemas: the host checks what arrives from IPC or HTTP
 * against these before anything runs. The compiler checks each schema against TarmacApi, so the
 * contract and its validation cannot drift apart. (The renderer never imports this file.)
 */
import { z } from 'zod';
import { ACTIVITY_SORT_KEYS, STATS_RANGES, TOOL_CALL_STATUSES, type ActivitySortKey, type StatsRange, type ToolCallStatus } from './activity.js';
import type { ApiArgs, ApiMethod } from './api.js';
import { TOOL_CLASSES, type ToolClass } from './policy.js';
import { ClientActionInputSchema, ClientActionSchema } from './clients.js';
import { CLIENT_NAME_PATTERN, CLIENT_NAME_RULE } from './credentials.js';
import { OTLP_PROTOCOLS } from './telemetry.js';

const providerId = z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'not a provider id');
const name = z.string().min(1).max(64);
/** A sign-in form: a few named text or boolean values, each of bounded size. */
const input = z
  .record(z.string().min(1).max(64), z.union([z.string().max(64 * 1024), z.boolean()]))
  .refine((v) => Object.keys(v).length <= 32, 'too many fields');

const settingsPatch = z.strictObject({
  port: z.number().int().min(1).max(65535).optional(),
  flyctlPath: z.string().max(4096).nullable().optional(),
  logLevel: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  theme: z.enum(['system', 'light', 'dark']).optional(),
  launchAtLogin: z.boolean().optional(),
  activityRetention: z.strictObject({ maxCalls: z.number().int().min(100).max(10_000_000), maxDays: z.number().int().min(1).max(3650) }).optional(),
});

const time = z.union([z.iso.datetime({ offset: true }), z.number().int().nonnegative()]);
const filterName = z.string().min(1).max(200);
export const activityFilter = z.strictObject({
  since: time.optional(),
  until: time.optional(),
  client: filterName.optional(),
  provider: filterName.optional(),
  tool: filterName.optional(),
  class: z.enum(TOOL_CLASSES as [ToolClass, ...ToolClass[]]).optional(),
  status: z.enum(TOOL_CALL_STATUSES as [ToolCallStatus, ...ToolCallStatus[]]).optional(),
  text: z.string().min(1).max(500).optional(),
});
/** An MCP client's credential name: the rule `tarmac token create` keeps to. */
const clientName = z.string().max(64).regex(CLIENT_NAME_PATTERN, `not a valid client name: ${CLIENT_NAME_RULE}`);
const callId = z.string().min(1).max(100);
const policy = z.enum(['allow', 'ask', 'deny']);
const policyTarget = z.strictObject({ kind: z.enum(['tool', 'class', 'provider']), name: z.string().min(1).max(128) });

const telemetryPatch = z.strictObject({
  enabled: z.boolean().nullable().optional(),
  endpoint: z.string().max(2048).optional(),
  protocol: z.enum(OTLP_PROTOCOLS).optional(),
  serviceName: z.string().max(200).optional(),
  includeArguments: z.boolean().optional(),
  headers: z
    .strictObject({
      set: z.record(z.string().min(1).max(100), z.string().max(8 * 1024)).refine((v) => Object.keys(v).length <= 32, 'at most 32 headers').optional(),
      remove: z.array(z.string().min(1).max(100)).max(32).optional(),
    })
    .optional(),
});

/** Account names and ids (accounts/scope.ts); the host says what is wrong with one in words. */
const accountName = z.string().min(1).max(40);
/** Absent: the account "default" (JSON carries a missing trailing argument as null). */
const optionalAccount = accountName.nullish().transform((v) => v ?? undefined);

const profileName = z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'not a profile name');
/** A toolset's or tool's name in a profile (the host checks each exists). */
const listedName = z.string().min(1).max(128);
const nameList = z.array(listedName).max(256).readonly();
const profileDef = z.strictObject({
  name: profileName,
  description: z.string().max(300),
  bounds: z.strictObject({ toolsets: nameList, tools: nameList.optional(), readOnly: z.boolean().optional() }),
  start: z.strictObject({
    all: z.boolean().optional(),
    toolsets: nameList.optional(),
    tools: nameList.optional(),
    classes: z.array(z.enum(TOOL_CLASSES as [ToolClass, ...ToolClass[]])).max(8).readonly().optional(),
    discovery: z.boolean().optional(),
  }),
});

export const API_ARGS = {
  getStatus: z.tuple([]),
  signInOptions: z.tuple([providerId, input, optionalAccount.optional()]),
  signIn: z.tuple([providerId, name, input, optionalAccount.optional()]),
  cancelSignIn: z.tuple([providerId]),
  signOut: z.tuple([providerId, optionalAccount.optional()]),
  listAccounts: z.tuple([]),
  renameAccount: z.tuple([providerId, accountName, accountName]),
  setProfileAccount: z.tuple([profileName, providerId, accountName]),
  removeAccount: z.tuple([providerId, accountName]),
  providerChoices: z.tuple([providerId, optionalAccount.optional()]),
  setProviderChoice: z.tuple([providerId, name, z.string().min(1).max(1024), optionalAccount.optional()]),
  listClients: z.tuple([]),
  changeClients: z.tuple([ClientActionSchema, ClientActionInputSchema.strict()]),
  registerDetectedClients: z.tuple([z.boolean()]),
  listCredentials: z.tuple([]),
  createToken: z.tuple([clientName]),
  revokeCredential: z.tuple([clientName]),
  getSettings: z.tuple([]),
  updateSettings: z.tuple([settingsPatch]),
  openFolder: z.tuple([z.enum(['data', 'logs'])]),
  queryActivity: z.tuple([
    activityFilter,
    z.string().max(600).nullable(),
    z.number().int().min(1).max(1_000),
    z.strictObject({ by: z.enum(ACTIVITY_SORT_KEYS as [ActivitySortKey, ...ActivitySortKey[]]), dir: z.enum(['asc', 'desc']) }).optional(),
  ]),
  getCall: z.tuple([callId]),
  activityStats: z.tuple([z.enum(STATS_RANGES as [StatsRange, ...StatsRange[]])]),
  activityFacets: z.tuple([]),
  exportActivity: z.tuple([activityFilter, z.enum(['jsonl', 'csv'])]),
  clearActivity: z.tuple([]),
  cancelCall: z.tuple([callId]),
  getGuardrails: z.tuple([]),
  setPolicy: z.tuple([policyTarget, policy.nullable(), name.nullable()]),
  resetPolicies: z.tuple([]),
  setGuardrails: z.tuple([
    z.strictObject({
      readOnly: z.boolean().optional(),
      paused: z.boolean().optional(),
      approvalTimeoutSeconds: z.number().int().min(5).max(3600).optional(),
    }),
  ]),
  setToolEnabled: z.tuple([z.string().min(1).max(128), z.boolean()]),
  decideApproval: z.tuple([callId, z.enum(['allow-once', 'allow-always', 'deny'])]),
  setClientApprovals: z.tuple([name, z.boolean()]),
  confirmGuardrailChanges: z.tuple([z.string().min(1).max(64)]),
  discardGuardrailChanges: z.tuple([]),
  acknowledgeTrustedWrite: z.tuple([]),
  getProfiles: z.tuple([]),
  setClientProfile: z.tuple([name, profileName]),
  saveProfile: z.tuple([profileDef]),
  deleteProfile: z.tuple([profileName]),
  resetClientToolsets: z.tuple([name, z.string().min(1).max(64).nullable()]),
  getTelemetry: z.tuple([]),
  updateTelemetry: z.tuple([telemetryPatch]),
} satisfies { [M in ApiMethod]: z.ZodType<ApiArgs<M>> };
