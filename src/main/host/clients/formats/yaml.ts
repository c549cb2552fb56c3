import { isMap, isSeq, parseDocument, type Document } from 'yaml';
import type { ServersLocation } from '../types.js';
import { ConfigParseError, isRecord, type ConfigDoc } from './doc.js';
import { tooDeep } from './limits.js';

/** YAML through the `yaml` Document API: comments, anchors and key order outside the entry stay. */
export function parseYaml(file: string, source: string): ConfigDoc {
  const doc: Document = parseDocument(source.trim() === '' ? '{}\n' : source, { keepSourceTokens: false });
  const err = doc.errors[0];
  // The parser's own guard: a collection nested past what its stack holds.
  if (err?.code === 'RESOURCE_EXHAUSTION' && /call stack/i.test(err.message)) throw tooDeep(file);
  if (err) {
    const pos = err.linePos?.[0];
    throw new ConfigParseError(file, pos?.line ?? 1, pos?.col ?? 1, `not valid YAML (${err.code})`);
  }
  if (doc.contents !== null && !isMap(doc.contents)) throw new ConfigParseError(file, 1, 1, 'the top level is not a mapping');
  const listIndex = (where: ServersLocation & { kind: 'list' }, name: string): number => {
    const seq = doc.getIn(where.path);
    if (!isSeq(seq)) return -1;
    return seq.items.findIndex((item) => isMap(item) && item.get(where.nameField) === name);
  };
  return {
    get(where, name) {
      const i = where.kind === 'map' ? name : listIndex(where, name);
      if (i === -1) return undefined;
      return plain(doc.getIn([...where.path, i]));
    },
    set(where, name, entry, drop) {
      const base = where.kind === 'map' ? [...where.path, name] : [...where.path, listIndex(where, name)];
      const existing = this.get(where, name);
      if (isRecord(existing)) {
        for (const key of drop) if (key in existing && !(key in entry)) doc.deleteIn([...base, key]);
        for (const [key, v] of Object.entries(entry)) {
          if (JSON.stringify(existing[key]) !== JSON.stringify(v)) doc.setIn([...base, key], doc.createNode(v));
        }
      } else if (where.kind === 'map') {
        doc.setIn(base, doc.createNode(entry));
      } else {
        const seq = doc.getIn(where.path);
        if (isSeq(seq)) seq.add(doc.createNode(entry));
        else doc.setIn(where.path, doc.createNode([entry]));
      }
    },
    remove(where, name) {
      if (where.kind === 'map') {
        if (doc.hasIn([...where.path, name])) doc.deleteIn([...where.path, name]);
        return;
      }
      const i = listIndex(where, name);
      if (i >= 0) doc.deleteIn([...where.path, i]);
    },
    text: () => doc.toString(),
  };
}

function plain(v: unknown): unknown {
  return v !== null && typeof v === 'object' && 'toJSON' in v && typeof v.toJSON === 'function' ? (v.toJSON as () => unknown)() : v;
}
