import type { CallDecision, ToolClass } from './policy.js';

/** One tool call as the activity log, the UI and exports see it. Arguments are already redacted. */
export type ToolCallStatus = 'running' | 'ok' | 'error' | 'denied' | 'cancelled' | 'timeout';

export interface ToolCall {
  id: string;
  /** ISO 8601 start time. */
  time: string;
  client: string;
  session: string | null;
  tool: string;
  provider: string;
  /** read, write or destructive: what the tool can change. */
  class: ToolClass;
  args: Record<string, unknown>;
  status: ToolCallStatus;
  durationMs: number | null;
  resultBytes: number | null;
  /** A short, redacted preview of the result text or the error message. */
  preview: string | null;
  /** Who stopped a cancelled call: "client" (the MCP client), "tarmac" (shutdown), or what cancelCall was given. */
  cancelledBy: string | null;
  /** How the guardrails decided the call, when a rule held it or a person was asked. */
  decision?: CallDecision | undefined;
}

export const FINAL_STATUSES: readonly ToolCallStatus[] = ['ok', 'error', 'denied', 'cancelled', 'timeout'];
export const TOOL_CALL_STATUSES: readonly ToolCallStatus[] = ['running', ...FINAL_STATUSES];

/** A live change: a call started, or it reached a final status. */
export type ActivityEvent = { type: 'started'; call: ToolCall } | { type: 'finished'; call: ToolCall };

/** Which calls a query, a stats request or an export covers. Every field narrows; absent ones do not. */
export interface ActivityFilter {
  /** ISO 8601 or epoch milliseconds, inclusive. */
  since?: string | number;
  /** ISO 8601 or epoch milliseconds, exclusive. */
  until?: string | number;
  client?: string;
  provider?: string;
  tool?: string;
  class?: ToolClass;
  status?: ToolCallStatus;
  /** Substring, case-insensitive, of the tool name, the redacted arguments or the preview. */
  text?: string;
}

/** One page, newest first; `next` is the cursor for the following (older) page, null at the end. */
export interface ActivityPage {
  calls: ToolCall[];
  next: string | null;
}

export type StatsRange = 'hour' | 'day';

export interface ActivityStats {
  range: StatsRange;
  /** ISO 8601: the start of the first bucket and the end of the last one. */
  from: string;
  to: string;
  /** One bucket per minute, oldest first; counts by status (only statuses seen are present). */
  perMinute: { minute: string; counts: Partial<Record<ToolCallStatus, number>> }[];
  /** Finished calls with a duration, per tool, busiest first. */
  durations: { tool: string; calls: number; p50Ms: number; p95Ms: number }[];
  topTools: { tool: string; calls: number }[];
  /** errors counts error and timeout; denied and cancelled are not failures of the provider. */
  providers: { provider: string; calls: number; errors: number; errorRate: number }[];
  /** lastSeen: the start of the client's latest call (ISO 8601). */
  clients: { client: string; calls: number; errors: number; lastSeen: string }[];
}

export type ExportFormat = 'jsonl' | 'csv';
