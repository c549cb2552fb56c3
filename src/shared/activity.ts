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
  args: Record<string, unknown>;
  status: ToolCallStatus;
  durationMs: number | null;
  resultBytes: number | null;
  /** A short, redacted preview of the result text or the error message. */
  preview: string | null;
}

export const FINAL_STATUSES: readonly ToolCallStatus[] = ['ok', 'error', 'denied', 'cancelled', 'timeout'];
