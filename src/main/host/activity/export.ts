import type { ActivityFilter, ExportFormat, ToolCall } from '../../../shared/activity.js';
import type { ActivityStore } from './store.js';

const PAGE = 1_000;

export const CSV_COLUMNS = ['id', 'time', 'client', 'session', 'tool', 'provider', 'class', 'status', 'durationMs', 'resultBytes', 'preview', 'cancelledBy', 'args'] as const;

/**
 * The filtered history, newest first, as text chunks (one page of calls each): JSON lines, or
 * CSV with a header row. Calls that start while it runs are newer than the first page and stay
 * out, so the export is the set as it was when it began.
 */
export async function* exportActivity(store: ActivityStore, filter: ActivityFilter, format: ExportFormat): AsyncGenerator<string> {
  if (format === 'csv') yield CSV_COLUMNS.join(',') + '\r\n';
  let cursor: string | null = null;
  do {
    const page = store.query(filter, cursor, PAGE);
    cursor = page.next;
    if (page.calls.length > 0) yield page.calls.map(format === 'csv' ? csvRow : (c) => JSON.stringify(c) + '\n').join('');
    // Let tool calls run between pages of a large export.
    await new Promise((resolve) => setImmediate(resolve));
  } while (cursor);
}

function csvRow(call: ToolCall): string {
  return CSV_COLUMNS.map((key) => csvCell(key === 'args' ? JSON.stringify(call.args) : call[key])).join(',') + '\r\n';
}

/**
 * RFC 4180 quoting. A text cell that a spreadsheet would run as a formula (= + - @ at the start)
 * gets a leading apostrophe: arguments come from an AI agent and must not execute when opened.
 */
export function csvCell(value: string | number | null): string {
  if (value === null) return '';
  if (typeof value === 'number') return String(value);
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}
