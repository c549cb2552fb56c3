import { ConfigLimitError } from '../errors.js';
import type { ConfigFormat } from '../types.js';

/**
 * What Tarmac reads of a client's config file at most. Real ones are kilobytes (Claude Code's
 * ~/.claude.json, which also keeps project history, can grow to megabytes); a 60 MB file cost
 * 1.2 GB of memory to edit, and a 500,000-deep one overflowed the stack of the JSON parser.
 */
export const MAX_CONFIG_BYTES = 5 * 1024 * 1024;
export const MAX_CONFIG_DEPTH = 64;

const MIB = 1024 * 1024;

/** Refuses a file over the size limit (the size on disk, checked before reading it). */
export function checkConfigSize(file: string, bytes: number): void {
  if (bytes <= MAX_CONFIG_BYTES) return;
  throw new ConfigLimitError(
    file,
    `${file} is ${(bytes / MIB).toFixed(1)} MiB; Tarmac edits client config files of up to ${MAX_CONFIG_BYTES / MIB} MiB and left this one as it was. ` +
      'Make it smaller (remove what the client no longer needs; Claude Code keeps project history in ~/.claude.json), ' +
      'or add the "tarmac" entry by hand: the Clients page in Tarmac shows it to copy',
  );
}

/** Refuses text over the size limit or nested deeper than the depth limit, before any parser sees it. */
export function checkConfigText(format: ConfigFormat, file: string, text: string): void {
  // A string's length is at most its UTF-8 size: only a long one needs counting.
  if (text.length * 3 > MAX_CONFIG_BYTES) checkConfigSize(file, Buffer.byteLength(text));
  if (nestedDeeperThan(format, text, MAX_CONFIG_DEPTH)) throw tooDeep(file);
}

export function tooDeep(file: string): ConfigLimitError {
  return new ConfigLimitError(
    file,
    `${file} is nested more than ${MAX_CONFIG_DEPTH} levels deep; Tarmac reads client config files nested up to ${MAX_CONFIG_DEPTH} levels and left this one as it was. ` +
      'Check that it is the file the client uses and repair it, or add the "tarmac" entry by hand: the Clients page in Tarmac shows it to copy',
  );
}

/**
 * True when arrays and tables/objects ([ and {) nest deeper than `max` anywhere outside strings
 * and comments, or (YAML) block collections indent deeper than `max` levels. No recursion: JSON,
 * JSONC, TOML (arrays, inline tables, table headers) and YAML's flow and block collections.
 */
export function nestedDeeperThan(format: ConfigFormat, text: string, max: number): boolean {
  if (format === 'yaml' && yamlBlockDeeperThan(text, max)) return true;
  const json = format === 'json' || format === 'jsonc';
  let depth = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '"') {
      // A double-quoted string: \ escapes in every format; TOML's """ blocks end at the next """.
      const block = format === 'toml' && text.startsWith('"""', i);
      for (i += block ? 3 : 1; i < text.length; i++) {
        if (text[i] === '\\') i++;
        else if (block ? text.startsWith('"""', i) : text[i] === '"') break;
        else if (!block && format === 'toml' && text[i] === '\n') break;
      }
      if (block) i += 2;
    } else if (c === "'" && !json) {
      // TOML literal strings ('' and ''' blocks), YAML single-quoted scalars ('' is a quote inside).
      const block = format === 'toml' && text.startsWith("'''", i);
      const end = text.indexOf(block ? "'''" : "'", i + (block ? 3 : 1));
      if (end < 0) break;
      i = end + (block ? 2 : 0);
    } else if (c === '#' && !json && (format === 'toml' || i === 0 || /\s/.test(text[i - 1]!))) {
      const end = text.indexOf('\n', i);
      if (end < 0) break;
      i = end;
    } else if (c === '/' && format === 'jsonc' && (text[i + 1] === '/' || text[i + 1] === '*')) {
      const end = text[i + 1] === '/' ? text.indexOf('\n', i) : text.indexOf('*/', i + 2);
      if (end < 0) break;
      i = end + (text[i + 1] === '*' ? 1 : 0);
    } else if (c === '[' || c === '{') {
      if (++depth > max) return true;
    } else if (c === ']' || c === '}') {
      if (depth > 0) depth--;
    }
  }
  return false;
}

/**
 * YAML block nesting: the number of distinct, increasing indentations open at a line, a "- "
 * item marker counting as one more. (Lines of a block scalar count like any other: only text
 * indented in more than `max` steps, never seen in a config file, is refused for them.)
 */
function yamlBlockDeeperThan(text: string, max: number): boolean {
  const open: number[] = [];
  for (let start = 0; start < text.length; ) {
    const newline = text.indexOf('\n', start);
    const end = newline < 0 ? text.length : newline;
    let i = start;
    while (i < end && text[i] === ' ') i++;
    if (i < end && text[i] !== '#' && text[i] !== '\r') {
      const indent = i - start;
      while (open.length > 0 && open[open.length - 1]! >= indent) open.pop();
      open.push(indent);
      // "- - x": each marker opens a sequence inside the last.
      while (text[i] === '-' && (text[i + 1] === ' ' || i + 1 === end)) {
        i += 2;
        while (i < end && text[i] === ' ') i++;
        open.push(i - start);
        if (open.length > max) return true;
      }
      if (open.length > max) return true;
    }
    start = end + 1;
  }
  return false;
}
