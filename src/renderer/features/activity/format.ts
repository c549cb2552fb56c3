import type { ToolCall, ToolCallStatus } from '../../../shared/activity.js';

export const STATUS: Record<ToolCallStatus, { label: string; tone: 'ok' | 'warn' | 'danger' | 'neutral' }> = {
  running: { label: 'Running', tone: 'neutral' },
  ok: { label: 'OK', tone: 'ok' },
  error: { label: 'Error', tone: 'danger' },
  denied: { label: 'Denied', tone: 'warn' },
  cancelled: { label: 'Cancelled', tone: 'neutral' },
  timeout: { label: 'Timed out', tone: 'danger' },
};

export function formatTime(iso: string): string {
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return today ? d.toLocaleTimeString() : d.toLocaleString();
}

export function formatDuration(ms: number | null): string {
  if (ms === null) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

export function formatBytes(n: number | null): string {
  if (n === null) return '';
  if (n < 1024) return `${n} B`;
  if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KB`;
  return `${(n / 1024 / 1024).toFixed(1)} MB`;
}

/** How long a running call has run, for its row (the host sends no duration until it ends). */
export function elapsed(call: ToolCall, now: number): number | null {
  return call.status === 'running' ? Math.max(0, now - Date.parse(call.time)) : call.durationMs;
}
