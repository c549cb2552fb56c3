import { applyEdits, findNodeAtLocation, format, modify, parse, parseTree, printParseErrorCode, type Edit, type FormattingOptions, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
import type { ServersLocation } from '../types.js';
import { ConfigParseError, isRecord, lineColumn, type ConfigDoc } from './doc.js';
import { parseErrorText } from './parse-errors.js';

/**
 * JSON and JSONC through jsonc-parser (the library VS Code uses): edits are computed against the
 * text and applied to it, so comments, trailing commas, key order and indentation stay. Only the
 * text Tarmac inserts is formatted: jsonc-parser's own formatting of an edit re-flows the whole
 * line it touches, which turned a neighbour's one-line entry into three.
 */
export function parseJson(file: string, source: string, allowComments: boolean): ConfigDoc {
  let text = source.trim() === '' ? '{}\n' : source;
  const errors: ParseError[] = [];
  const value: unknown = parse(text, errors, { allowTrailingComma: allowComments, disallowComments: !allowComments });
  const first = errors[0];
  if (first) {
    const { line, column } = lineColumn(text, first.offset);
    throw new ConfigParseError(file, line, column, `not valid ${allowComments ? 'JSONC' : 'JSON'}: ${parseErrorText(printParseErrorCode(first.error))}`);
  }
  if (!isRecord(value)) throw new ConfigParseError(file, 1, 1, 'the top level is not an object');
  const formatting = detectFormatting(text);
  const edit = (path: JSONPath, v: unknown) => {
    text = v === undefined ? removeProperty(text, path) : setValue(text, path, v, formatting);
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

const tree = (text: string): Node | undefined => parseTree(text, [], { allowTrailingComma: true });

/**
 * Sets (adds or replaces) the value at `path`. The raw edit is jsonc-parser's; then only the
 * inserted text is formatted, indented to where it lands. An object that was empty (`{}`) gets
 * its braces laid out too: they held nothing of the user's.
 */
function setValue(text: string, path: JSONPath, value: unknown, formatting: FormattingOptions): string {
  const raw: Edit[] = modify(text, path, value, {});
  const edit = raw[0];
  if (!edit) return text;
  const next = applyEdits(text, raw);
  let start = edit.offset;
  let end = edit.offset + edit.content.length;
  const holder = deepestExisting(tree(text), path);
  if (holder && holder.type === 'object' && !holder.children?.length && edit.offset > holder.offset && edit.offset < holder.offset + holder.length) {
    start = holder.offset;
    end = holder.offset + holder.length + edit.content.length - edit.length;
  }
  return applyEdits(next, format(next, { offset: start, length: end - start }, formatting));
}

/** The node of the longest prefix of `path` that exists: where a new property goes. */
function deepestExisting(root: Node | undefined, path: JSONPath): Node | undefined {
  if (!root) return undefined;
  for (let n = path.length - 1; n >= 0; n--) {
    const node = n === 0 ? root : findNodeAtLocation(root, path.slice(0, n));
    if (node) return node;
  }
  return root;
}

/**
 * Removes the property at `path` and the separator that belonged to it, nothing else: after a
 * previous sibling, from the end of that sibling (the comma and the line break Tarmac added);
 * first of several, up to the next one; alone, the object's inside becomes `{}` again.
 */
function removeProperty(text: string, path: JSONPath): string {
  const value = findNodeAtLocation(tree(text) ?? ({} as Node), path);
  const prop = value?.parent;
  const parent = prop?.parent;
  if (!value || !prop || !parent?.children || prop.type !== 'property') return applyEdits(text, modify(text, path, undefined, {}));
  const i = parent.children.indexOf(prop);
  const prev = parent.children[i - 1];
  const next = parent.children[i + 1];
  const propEnd = prop.offset + prop.length;
  let from: number;
  let to: number;
  if (prev) {
    from = prev.offset + prev.length;
    to = propEnd;
  } else if (next) {
    from = prop.offset;
    to = next.offset;
  } else {
    const inside = text.slice(parent.offset + 1, parent.offset + parent.length - 1);
    const rest = inside.slice(0, prop.offset - parent.offset - 1) + inside.slice(propEnd - parent.offset - 1);
    // Only white space (and a trailing comma) around it: the object becomes `{}`; else just the property.
    [from, to] = /^[\s,]*$/.test(rest) ? [parent.offset + 1, parent.offset + parent.length - 1] : [prop.offset, propEnd];
  }
  return text.slice(0, from) + text.slice(to);
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
