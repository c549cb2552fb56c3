import { stringify, type Options } from 'csv-stringify/sync';
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
  if (format === 'csv') yield stringify([[...CSV_COLUMNS]], CSV);
  let cursor: string | null = null;
  do {
    const page = store.query(filter, cursor, PAGE);
    cursor = page.next;
    if (page.calls.length > 0) yield format === 'csv' ? stringify(page.calls.map(csvRecord), CSV) : page.calls.map((c) => JSON.stringify(c) + '\n').join('');
    // Let tool calls run between pages of a large export.
    await new Promise((resolve) => setImmediate(resolve));
  } while (cursor);
}

function csvRecord(call: ToolCall): Array<string | number | null> {
  return CSV_COLUMNS.map((key) => (key === 'args' ? JSON.stringify(call.args) : call[key]));
}

/** What a spreadsheet would run as a formula when a cell starts with it (ASCII and full-width). */
const FORMULA_START = '=+\\-@\\t\\r\\uFF1D\\uFF0B\\uFF0D\\uFF20';
/** A formula starter right after a character some spreadsheet takes for a cell or row boundary. */
const AFTER_BOUNDARY = new RegExp(`([;,"\\t\\r\\n])(?=[${FORMULA_START}])`, 'g');

/**
 * csv-stringify (RFC 4180): every cell quoted, CRLF rows, and escape_formulas puts an apostrophe
 * before a formula starter at the start of a cell, since arguments come from an AI agent and must
 * not run when the file is opened. A spreadsheet that splits rows on ";" or tab (a locale's list
 * separator) or ignores the quotes sees cells start inside ours, so a starter after ";", ",", a
 * double quote, tab or a line break inside a cell gets an apostrophe as well (JSON arguments are
 * then not byte for byte JSON in the CSV: the JSONL export is the one for programs).
 */
const CSV: Options = {
  quoted: true,
  quoted_empty: true,
  record_delimiter: 'windows',
  escape_formulas: true,
  cast: { string: (value) => value.replace(AFTER_BOUNDARY, "$1'") },
};

/** One cell as the export writes it (tests). */
export function csvCell(value: string | number | null): string {
  return stringify([[value]], { ...CSV, record_delimiter: '' }).replace(/\r\n$/, '');
}
