import { isMap, isScalar, isSeq, parseDocument, stringify, type Document, type Node, type Pair } from 'yaml';
import type { ServersLocation } from '../types.js';
import { ConfigParseError, isRecord, lineColumn, type ConfigDoc } from './doc.js';
import { tooDeep } from './limits.js';
import { messageText } from './parse-errors.js';

/**
 * YAML (goose, Continue). The `yaml` library reads the file; Tarmac then edits the text itself,
 * line by line like TOML: it replaces, inserts or deletes only the lines of its own entry, so
 * the rest (comments, spacing, quoting, flow collections) stays byte for byte, which the
 * library's own re-printing of the document does not do. The result is parsed again each time.
 */
export function parseYaml(file: string, source: string): ConfigDoc {
  let text = source;
  let doc = load(file, text);
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const step = indentStep(text);

  const replaceLines = (from: number, to: number, lines: string[]) => {
    const all = text.split('\n');
    all.splice(from, to - from, ...lines.map((l) => (eol === '\r\n' ? `${l}\r` : l)));
    text = all.join('\n');
    doc = load(file, text);
  };
  const lineOf = (offset: number) => lineColumn(text, offset).line - 1;
  const columnOf = (offset: number) => lineColumn(text, offset).column - 1;

  /** Lines [start, end) of Tarmac's entry: the key line to the value's last line (or the list item). */
  const entryLines = (where: ServersLocation, name: string): { start: number; end: number } | null => {
    const container = doc.getIn(where.path, true);
    if (where.kind === 'map') {
      const pair = isMap(container) ? container.items.find((p) => keyOf(p) === name) : undefined;
      if (!pair) return null;
      return { start: lineOf(rangeOf(pair.key)![0]), end: lastLine(pair) + 1 };
    }
    if (!isSeq(container)) return null;
    const item = container.items.find((i): i is Node => isMap(i) && i.get(where.nameField) === name);
    const range = item ? rangeOf(item) : undefined;
    if (!range) return null;
    return { start: lineOf(range[0]), end: lineOf(Math.max(range[0], range[1] - 1)) + 1 };
  };
  const lastLine = (pair: Pair): number => {
    const key = rangeOf(pair.key)!;
    const value = rangeOf(pair.value);
    return lineOf(Math.max(key[0], value ? value[1] - 1 : key[0]));
  };
  const notEditable = (what: string, line: number): never => {
    throw new ConfigParseError(file, line + 1, 1, `${what} is written in a form Tarmac does not edit (a flow {…} or […] collection); change it by hand`);
  };

  /** The entry as block YAML lines: `name:` then the body (map), or `- ` then the body (list). */
  const render = (where: ServersLocation, name: string, entry: Record<string, unknown>, pad: number, itemPad = pad + step): string[] => {
    const body = stringify(entry, { indent: step, lineWidth: 0 }).replace(/\n$/, '').split('\n');
    if (where.kind === 'map') return [`${' '.repeat(pad)}${plainKey(name)}:`, ...body.map((l) => `${' '.repeat(pad + step)}${l}`)];
    return body.map((l, i) => (i === 0 ? `${' '.repeat(pad)}-${' '.repeat(Math.max(1, itemPad - pad - 1))}${l}` : `${' '.repeat(itemPad)}${l}`));
  };

  /** A new entry: after the last one, or the servers collection made (or filled) for it. */
  const insert = (where: ServersLocation, name: string, entry: Record<string, unknown>) => {
    const container = doc.getIn(where.path, true);
    if ((isMap(container) || isSeq(container)) && container.items.length > 0) {
      if (container.flow) notEditable(where.path.join('.'), lineOf(rangeOf(container)![0]));
      if (isMap(container)) {
        const first = container.items[0]!;
        const last = container.items[container.items.length - 1]!;
        const at = lastLine(last) + 1;
        return replaceLines(at, at, render(where, name, entry, columnOf(rangeOf(first.key)![0])));
      }
      const first = rangeOf(container.items[0] as Node)!;
      const last = rangeOf(container.items[container.items.length - 1] as Node)!;
      const itemPad = columnOf(first[0]);
      const line = text.split('\n')[lineOf(first[0])]!;
      const dash = line.slice(0, itemPad).lastIndexOf('-');
      const at = lineOf(Math.max(last[0], last[1] - 1)) + 1;
      return replaceLines(at, at, render(where, name, entry, dash, itemPad));
    }
    // The servers collection is empty, null or missing: the nearest ancestor that has items gets it.
    const path = [...where.path];
    let nested: unknown = where.kind === 'map' ? { [name]: entry } : [entry];
    while (path.length > 0) {
      const key = path[path.length - 1]!;
      const parent = path.length === 1 ? doc.contents : doc.getIn(path.slice(0, -1), true);
      if (isMap(parent)) {
        const pair = parent.items.find((p) => keyOf(p) === key);
        if (pair) {
          // `servers:`, `servers: {}`, `servers: []` or `servers: ~`: that line becomes the new block.
          const start = lineOf(rangeOf(pair.key)![0]);
          return replaceLines(start, lastLine(pair) + 1, [keyHead(pair), ...blockLines(nested, columnOf(rangeOf(pair.key)![0]) + step)]);
        }
        if (parent.items.length > 0) {
          if (parent.flow) notEditable(path.slice(0, -1).join('.') || 'the top level', lineOf(rangeOf(parent)?.[0] ?? 0));
          const at = lastLine(parent.items[parent.items.length - 1]!) + 1;
          return replaceLines(at, at, blockLines({ [key]: nested }, columnOf(rangeOf(parent.items[0]!.key)![0])));
        }
      } else if (parent !== null && parent !== undefined && !(isScalar(parent) && parent.value === null)) {
        notEditable(path.slice(0, -1).join('.') || 'the top level', lineOf(rangeOf(parent)?.[0] ?? 0));
      }
      nested = { [key]: nested };
      path.pop();
    }
    // No mapping in the file yet (empty, only comments, or `{}`): the block goes there.
    const lines = blockLines(nested, 0).join(eol) + eol;
    const root = rangeOf(doc.contents);
    if (root && root[1] > root[0]) text = text.slice(0, root[0]) + lines + text.slice(root[1]).replace(/^\r?\n/, '');
    else text = (text === '' || text.endsWith('\n') ? text : text + eol) + lines;
    doc = load(file, text);
  };

  /** A pair's key line up to its colon: `  extensions:` of `  extensions: {}  # none yet`. */
  const keyHead = (pair: Pair): string => {
    const key = rangeOf(pair.key)!;
    const line = text.split('\n')[lineOf(key[0])]!.replace(/\r$/, '');
    return line.slice(0, line.indexOf(':', columnOf(key[1])) + 1);
  };

  const blockLines = (value: unknown, pad: number): string[] =>
    stringify(value, { indent: step, lineWidth: 0 }).replace(/\n$/, '').split('\n').map((l) => `${' '.repeat(pad)}${l}`);

  const get = (where: ServersLocation, name: string): unknown => {
    const container = doc.getIn(where.path, true);
    if (where.kind === 'map') return isMap(container) ? plain(container.items.find((p) => keyOf(p) === name)?.value) : undefined;
    if (!isSeq(container)) return undefined;
    return plain(container.items.find((i) => isMap(i) && i.get(where.nameField) === name));
  };

  return {
    get,
    set(where, name, entry, drop) {
      const existing = get(where, name);
      const lines = entryLines(where, name);
      if (existing !== undefined && lines) {
        // Tarmac's entry is rewritten whole, the user's own keys in it kept.
        const merged: Record<string, unknown> = isRecord(existing) ? { ...existing } : {};
        for (const key of drop) if (!(key in entry)) delete merged[key];
        Object.assign(merged, entry);
        if (JSON.stringify(merged) === JSON.stringify(existing)) return;
        const first = text.split('\n')[lines.start]!;
        const pad = first.length - first.trimStart().length;
        if (where.kind === 'map') return replaceLines(lines.start, lines.end, render(where, name, merged, pad));
        const container = doc.getIn(where.path, true);
        const item = isSeq(container) ? container.items.find((i) => isMap(i) && i.get(where.nameField) === name) : undefined;
        return replaceLines(lines.start, lines.end, render(where, name, merged, pad, columnOf(rangeOf(item as Node)![0])));
      }
      insert(where, name, entry);
    },
    remove(where, name) {
      const lines = entryLines(where, name);
      if (!lines) return;
      const container = doc.getIn(where.path, true);
      const alone = (isMap(container) || isSeq(container)) && container.items.length === 1;
      if (!alone) return replaceLines(lines.start, lines.end, []);
      // Its collection would be left as `servers:` (null): write the empty collection instead.
      const parentPath = where.path.slice(0, -1);
      const parent = parentPath.length ? doc.getIn(parentPath, true) : doc.contents;
      const pair = isMap(parent) ? parent.items.find((p) => keyOf(p) === where.path[where.path.length - 1]) : undefined;
      if (!pair) return replaceLines(lines.start, lines.end, []);
      const start = lineOf(rangeOf(pair.key)![0]);
      replaceLines(start, Math.max(lines.end, lastLine(pair) + 1), [`${keyHead(pair)} ${where.kind === 'map' ? '{}' : '[]'}`]);
    },
    text: () => text,
  };
}

function load(file: string, text: string): Document {
  const doc: Document = parseDocument(text, { keepSourceTokens: false });
  const err = doc.errors[0];
  // The parser's own guard: a collection nested past what its stack holds.
  if (err?.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(err.message)) throw tooDeep(file);
  if (err) {
    const pos = err.linePos?.[0];
    throw new ConfigParseError(file, pos?.line ?? 1, pos?.col ?? 1, `not valid YAML: ${messageText(err.message)}`);
  }
  if (doc.contents !== null && !isMap(doc.contents) && !(isScalar(doc.contents) && doc.contents.value === null)) {
    throw new ConfigParseError(file, 1, 1, 'the top level is not a mapping');
  }
  return doc;
}

function keyOf(pair: Pair): unknown {
  return isScalar(pair.key) ? pair.key.value : pair.key;
}

function rangeOf(node: unknown): [number, number, number] | undefined {
  return node && typeof node === 'object' && 'range' in node ? ((node as { range?: [number, number, number] }).range ?? undefined) : undefined;
}

/** The file's indentation step: its smallest indentation, else 2. */
function indentStep(text: string): number {
  let step = 0;
  for (const line of text.split('\n')) {
    const m = /^( +)[^ #\r]/.exec(line);
    if (m && (step === 0 || m[1]!.length < step)) step = m[1]!.length;
  }
  return step || 2;
}

function plainKey(name: string): string {
  return /^[A-Za-z0-9_-]+$/.test(name) ? name : JSON.stringify(name);
}

function plain(v: unknown): unknown {
  return v !== null && typeof v === 'object' && 'toJSON' in v && typeof v.toJSON === 'function' ? (v.toJSON as () => unknown)() : v;
}
