import type { ServersLocation } from '../types.js';

/** A parsed config file that edits its own text: whatever Tarmac does not touch stays byte for byte. */
export interface ConfigDoc {
  /** Tarmac's entry (or whatever is named like it): undefined when absent. */
  get(where: ServersLocation, name: string): unknown;
  /** Write the entry; `drop` lists keys Tarmac owns that must go (e.g. headers when switching to OAuth). */
  set(where: ServersLocation, name: string, entry: Record<string, unknown>, drop: readonly string[]): void;
  remove(where: ServersLocation, name: string): void;
  text(): string;
}

/** The file does not parse: nothing was written. Names the file and the line. */
export class ConfigParseError extends Error {
  override readonly name = 'ConfigParseError';
  constructor(
    readonly file: string,
    readonly line: number,
    readonly column: number,
    /** What is wrong, in words ("a comment, which plain JSON does not allow"). */
    readonly detail: string,
  ) {
    super(`${file}:${line}:${column}: ${detail}. Tarmac left the file as it was: fix it (or move it away) and try again`);
  }
}

export function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

export function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
