import type { CallDecision, ToolClass } from './policy.js';

/**
 * One tool call as the activity log, the UI and exports see it. Arguments are already redacted.
 * invalid: the arguments did not match the tool's schema, so it was neither decided nor run.
 */
export type ToolCallStatus = 'running' | 'ok' | 'error' | 'denied' | 'cancelled' | 'timeout' | 'invalid';

export interface ToolCall {
  id: string;
  /** ISO 8601 start time. */
  time: string;
  client: string;
  session: string | null;
  tool: string;
  provider: string;
  /** The name of the back end's account the call used (its client's profile binds it). */
  account?: string | undefined;
  /** read, write or destructive: what the tool can change. */
  class: ToolClass;
  args: Record<string, unknown>;
  status: ToolCallStatus;
  /**
   * How long the call ran; for a call refused after it waited for a person, how long it waited;
   * null while it runs and for a call that neither ran nor waited (refused by a rule, invalid).
   */
  durationMs: number | null;
  resultBytes: number | null;
  /** A short, redacted preview of the result text or the error message. */
  preview: string | null;
  /** Who stopped a cancelled call: "client" (the MCP client), "tarmac" (shutdown), or what cancelCall was given. */
  cancelledBy: string | null;
  /** How the guardrails decided the call, when a rule held it or a person was asked. */
  decision?: CallDecision | undefined;
}

export const FINAL_STATUSES: readonly ToolCallStatus[] = ['ok', 'error', 'denied', 'cancelled', 'timeout', 'invalid'];
export const TOOL_CALL_STATUSES: readonly ToolCallStatus[] = ['running', ...FINAL_STATUSES];

/**
 * A live change: a call started (or began to wait for a person), it changed while running (a
 * person approved it and it runs now), or it reached a final status.
 */
export type ActivityEvent = { type: 'started'; call: ToolCall } | { type: 'updated'; call: ToolCall } | { type: 'finished'; call: ToolCall };

/** Which calls a query, a stats request or an export covers. Every field narrows; absent ones do not. */
export interface ActivityFilter {
  /** ISO 8601 or epoch milliseconds, inclusive. */
  since?: string | number;
  /** ISO 8601 or epoch milliseconds, exclusive. */
  until?: string | number;
  client?: string;
  provider?: string;
  /** Substring, case-insensitive, of the tool name. */
  tool?: string;
  class?: ToolClass;
  status?: ToolCallStatus;
  /** Substring, case-insensitive, of the tool name, the redacted arguments or the preview. */
  text?: string;
}

/** The columns a page of calls can be sorted by. */
export type ActivitySortKey = 'time' | 'tool' | 'duration' | 'status';
export const ACTIVITY_SORT_KEYS: readonly ActivitySortKey[] = ['time', 'tool', 'duration', 'status'];

/**
 * The order of a query's pages. Calls with equal values follow start time in the same direction.
 * Duration: calls without one (running, refused by a rule, invalid) come after every duration
 * when descending, before them when ascending.
 */
export interface ActivityOrder {
  by: ActivitySortKey;
  dir: 'asc' | 'desc';
}

export const NEWEST_FIRST: ActivityOrder = { by: 'time', dir: 'desc' };

/** One page in the order asked (newest first by default); `next` is the cursor for the following page, null at the end. */
export interface ActivityPage {
  calls: ToolCall[];
  next: string | null;
}

/** What the history holds, for the filters' choices: every client, provider and tool named in it. */
export interface ActivityFacets {
  clients: string[];
  providers: string[];
  tools: string[];
}

/** The charts' periods, back from now (the history keeps 90 days by default). */
export type StatsRange = '1h' | '24h' | '7d' | '30d' | '90d';
export const STATS_RANGES: readonly StatsRange[] = ['1h', '24h', '7d', '30d', '90d'];

export interface ActivityStats {
  range: StatsRange;
  /** ISO 8601: the start of the first bucket and the end of the last one. */
  from: string;
  to: string;
  /** The length of one bucket (ms): a minute for the last hour, up to a day for 90 days. */
  bucketMs: number;
  /** The buckets, oldest first; counts by status (only statuses seen are present). */
  buckets: { start: string; counts: Partial<Record<ToolCallStatus, number>> }[];
  /** Every call in the period. */
  total: number;
  /** Calls that ran and finished (ok, error, timeout), per tool, busiest first; refusals and waits are not a tool's speed. */
  durations: { tool: string; calls: number; p50Ms: number; p95Ms: number }[];
  topTools: { tool: string; calls: number }[];
  /** errors counts error and timeout; denied and cancelled are not failures of the provider. */
  providers: { provider: string; calls: number; errors: number; errorRate: number }[];
  /** lastSeen: the start of the client's latest call (ISO 8601). */
  clients: { client: string; calls: number; errors: number; lastSeen: string }[];
}

export type ExportFormat = 'jsonl' | 'csv';
