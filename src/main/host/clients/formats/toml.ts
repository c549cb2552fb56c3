import { parse, TomlError } from 'smol-toml';
import type { ServersLocation } from '../types.js';
import { ConfigParseError, isRecord, type ConfigDoc } from './doc.js';
import { messageText } from './parse-errors.js';

/**
 * TOML (Codex). No well-kept JavaScript TOML library edits a document while keeping its comments
 * (smol-toml and @iarna/toml parse to plain objects and print without them), so Tarmac edits text:
 * it replaces, appends or deletes only the lines of its own `[mcp_servers.tarmac]` table, and
 * smol-toml parses the whole file before and after to prove the rest means what it meant.
 */
export function parseToml(file: string, source: string): ConfigDoc {
  let text = source;
  const check = (t: string): Record<string, unknown> => {
    try {
      return parse(t) as Record<string, unknown>;
    } catch (err) {
      if (err instanceof TomlError) throw new ConfigParseError(file, err.line, err.column, `not valid TOML: ${messageText(err.message)}`);
      throw err;
    }
  };
  check(text);
  const get = (where: ServersLocation, name: string): unknown => {
    let v: unknown = check(text);
    for (const key of where.path) v = isRecord(v) ? v[key] : undefined;
    return isRecord(v) ? v[name] : undefined;
  };
  return {
    get,
    set(where, name, entry, drop) {
      const existing = get(where, name);
      const merged: Record<string, unknown> = isRecord(existing) ? { ...existing } : {};
      for (const key of drop) if (!(key in entry)) delete merged[key];
      Object.assign(merged, entry);
      const block = renderTable([...where.path, name], merged);
      const range = tableRange(text, [...where.path, name]);
      if (range) {
        const lines = text.split('\n');
        lines.splice(range.start, range.end - range.start, ...block.split('\n').slice(0, -1));
        text = lines.join('\n');
      } else {
        if (existing !== undefined) throw new ConfigParseError(file, 1, 1, `${[...where.path, name].join('.')} is written in a form Tarmac does not edit (not a [table]); change it by hand`);
        text = (text === '' || text.endsWith('\n') ? text : `${text}\n`) + (text.trim() === '' ? '' : '\n') + block;
      }
      check(text);
    },
    remove(where, name) {
      const range = tableRange(text, [...where.path, name]);
      if (!range) {
        if (get(where, name) !== undefined) throw new ConfigParseError(file, 1, 1, `${[...where.path, name].join('.')} is written in a form Tarmac does not edit (not a [table]); remove it by hand`);
        return;
      }
      const lines = text.split('\n');
      // Take one blank line before the table with it, so removal undoes an append exactly.
      const start = range.start > 0 && lines[range.start - 1]!.trim() === '' ? range.start - 1 : range.start;
      lines.splice(start, range.end - start);
      text = lines.join('\n');
      check(text);
    },
    text: () => text,
  };
}

const HEADER = /^\s*\[(\[?)\s*([^\]]+?)\s*\]\]?\s*(#.*)?$/;

/** Lines [start, end) of the table `key` and its sub-tables, without the comments that lead into the next table. */
function tableRange(text: string, key: string[]): { start: number; end: number } | null {
  const lines = text.split('\n');
  const want = key.join('.');
  let start = -1;
  let end = lines.length;
  for (let i = 0; i < lines.length; i++) {
    const m = HEADER.exec(lines[i]!);
    if (!m) continue;
    const k = splitKey(m[2]!).join('.');
    if (start < 0) {
      if (!m[1] && k === want) start = i;
    } else if (k !== want && !k.startsWith(`${want}.`)) {
      end = i;
      break;
    }
  }
  if (start < 0) return null;
  while (end > start + 1 && /^\s*(#.*)?$/.test(lines[end - 1]!)) end--;
  return { start, end };
}

function splitKey(raw: string): string[] {
  const parts: string[] = [];
  const re = /\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)'|([A-Za-z0-9_-]+))\s*(?:\.|$)/gy;
  let m: RegExpExecArray | null;
  while ((m = re.exec(raw)) && m[0] !== '') parts.push(m[1] ?? m[2] ?? m[3] ?? '');
  return parts;
}

const BARE = /^[A-Za-z0-9_-]+$/;
const tomlKey = (k: string) => (BARE.test(k) ? k : JSON.stringify(k));

function tomlValue(v: unknown): string {
  if (typeof v === 'string') return JSON.stringify(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (Array.isArray(v)) return `[${v.map(tomlValue).join(', ')}]`;
  if (isRecord(v)) return `{ ${Object.entries(v).map(([k, x]) => `${tomlKey(k)} = ${tomlValue(x)}`).join(', ')} }`;
  throw new Error(`cannot write ${typeof v} to TOML`);
}

function renderTable(key: string[], entry: Record<string, unknown>): string {
  return `[${key.map(tomlKey).join('.')}]\n${Object.entries(entry).map(([k, v]) => `${tomlKey(k)} = ${tomlValue(v)}\n`).join('')}`;
}
