import { applyEdits, modify, parse, printParseErrorCode, type FormattingOptions, type ParseError } from 'jsonc-parser';
import type { ServersLocation } from '../types.js';
import { ConfigParseError, isRecord, lineColumn, type ConfigDoc } from './doc.js';

/**
 * JSON and JSONC through jsonc-parser (the library VS Code uses): edits are computed against the
 * text and applied to it, so comments, trailing commas, key order and indentation stay.
 */
export function parseJson(file: string, source: string, allowComments: boolean): ConfigDoc {
  let text = source.trim() === '' ? '{}\n' : source;
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: allowComments, disallowComments: !allowComments });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    throw new ConfigParseError(file, line, column, `not valid ${allowComments ? 'JSONC' : 'JSON'} (${printParseErrorCode(first.error)})`);
  }
  if (!isRecord(value)) throw new ConfigParseError(file, 1, 1, 'the top level is not an object');
  const formatting = detectFormatting(text);
  const edit = (path: (string | number)[], v: unknown) => {
    text = applyEdits(text, modify(text, path, v, { formattingOptions: formatting }));
  };
  const current = (): unknown => parse(text, [], { allowTrailingComma: true });
  return {
    get(where: ServersLocation, name) {
      const servers = dig(current(), where.path);
      return isRecord(servers) ? servers[name] : undefined;
    },
    set(where, name, entry, drop) {
      const existing = this.get(where, name);
      if (isRecord(existing)) {
        // Key by key: the user's own keys (and their comments) in the entry stay.
        for (const key of drop) if (key in existing && !(key in entry)) edit([...where.path, name, key], undefined);
        for (const [key, v] of Object.entries(entry)) {
          if (JSON.stringify(existing[key]) !== JSON.stringify(v)) edit([...where.path, name, key], v);
        }
      } else {
        edit([...where.path, name], entry);
      }
    },
    remove(where, name) {
      if (this.get(where, name) !== undefined) edit([...where.path, name], undefined);
    },
    text: () => text,
  };
}

function dig(value: unknown, path: string[]): unknown {
  let v = value;
  for (const key of path) v = isRecord(v) ? v[key] : undefined;
  return v;
}

function detectFormatting(text: string): FormattingOptions {
  const indent = /^([ \t]+)\S/m.exec(text)?.[1] ?? '  ';
  return { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' };
}
