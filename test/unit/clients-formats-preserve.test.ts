/**
 * Only Tarmac's own entry may change in a client's file: every other byte (entries written on
 * one line, odd spacing, comments, trailing commas, tabs, flow collections, long strings) stays
 * as it was after register, after a change of Tarmac's entry (repair), and after remove.
 */
import { describe, expect, it } from 'vitest';
import { parseConfig } from '../../src/main/host/clients/formats/index.js';
import type { ConfigFormat, ServersLocation } from '../../src/main/host/clients/types.js';

interface Case {
  name: string;
  format: ConfigFormat;
  where: ServersLocation;
  text: string;
}

const MAP = (path: string[]): ServersLocation => ({ kind: 'map', path });
const entry = (port: number) => ({ url: `http://127.0.0.1:${port}/mcp`, headers: { Authorization: 'Bearer tmc_x' } });
const listEntry = (port: number) => ({ name: 'tarmac', type: 'streamable-http', url: `http://127.0.0.1:${port}/mcp` });

const CASES: Case[] = [
  {
    name: 'JSON: a one-line neighbour, odd spacing, a wrapped array',
    format: 'json',
    where: MAP(['mcpServers']),
    text: '{\n  "mcpServers": {\n    "other":   { "url":"https://example.com/mcp",  "headers": {"X": "1"} },\n    "second": {"command": "npx", "args": ["-y",   "x"]}\n  },\n    "weird":[1,2,\n  3]\n}\n',
  },
  {
    name: 'JSON: the neighbour Cursor reformatted (one line, last in its object)',
    format: 'json',
    where: MAP(['mcpServers']),
    text: '{\n  "mcpServers": {\n    "other": { "url": "https://example.com/mcp" }\n  }\n}\n',
  },
  {
    name: 'JSON: the servers object written on one line, no final newline',
    format: 'json',
    where: MAP(['mcpServers']),
    text: '{"theme":"dark","mcpServers":{"a":{"url":"https://a.example/mcp"},"b":{"command":"b"}}}',
  },
  {
    name: 'JSONC: comments, trailing commas, tabs, CRLF',
    format: 'jsonc',
    where: MAP(['mcp', 'servers']),
    text: '{\r\n\t// my settings\r\n\t"editor.fontSize": 14, /* inline */\r\n\t"mcp": {\r\n\t\t"servers": {\r\n\t\t\t"other": {"type": "http", "url": "https://x.example/mcp"}, // keep\r\n\t\t},\r\n\t},\r\n}\r\n',
  },
  {
    name: 'TOML: comments, spacing, inline tables, a table after the servers',
    format: 'toml',
    where: MAP(['mcp_servers']),
    text: 'model = "o3"   # the model\n\n[mcp_servers.other]\ncommand="npx"\nargs = [ "-y","other" ]\nenv = {A="1",  B = "2"}\n\n# profiles follow\n[profiles.fast]\nmodel="o4-mini"\n',
  },
  {
    name: 'YAML map: spacing before comments, flow collections, quotes, a long string',
    format: 'yaml',
    where: MAP(['extensions']),
    text: `GOOSE_PROVIDER: anthropic    # keep me\nextensions:\n  other: {enabled: false, name: 'other', uri: "https://example.com/mcp"}\n  dev:\n    description: ${'a long description that the yaml library would fold over several lines when it prints it again '.repeat(2).trim()}\n    args: [ -y,   dev ]\nlast:   value\n`,
  },
  {
    name: 'YAML list: items not indented, comments, flow items',
    format: 'yaml',
    where: { kind: 'list', path: ['mcpServers'], nameField: 'name' },
    text: '# Continue\nmcpServers:\n- name: other   # first\n  command: npx\n  args: [ "-y", other ]\n- {name: second, command: x}\nmodels:   []\n',
  },
];

/** The text with `after` as the original plus one inserted run: the run, else null. */
function insertion(before: string, after: string): string | null {
  let p = 0;
  while (p < before.length && before[p] === after[p]) p++;
  let s = 0;
  while (s < before.length - p && before[before.length - 1 - s] === after[after.length - 1 - s]) s++;
  return p + s === before.length ? after.slice(p, after.length - s) : null;
}

describe.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
  const add = c.where.kind === 'list' ? listEntry : entry;

  it('register adds only Tarmac\'s entry, a change touches only it, remove gives back the same bytes', () => {
    const doc = parseConfig(c.format, 'f', c.text);
    doc.set(c.where, 'tarmac', add(8276), []);
    const registered = doc.text();
    const added = insertion(c.text, registered);
    // Nothing of the original changed: the new text is the old with one run inserted, Tarmac's entry.
    expect(added, registered).not.toBeNull();
    expect(added).toContain('tarmac');
    expect(added).toContain('http://127.0.0.1:8276/mcp');
    expect(added).not.toContain('example');
    expect(parseConfig(c.format, 'f', registered).get(c.where, 'tarmac')).toEqual(add(8276));

    // Repair (another port): still the original plus one run.
    const again = parseConfig(c.format, 'f', registered);
    again.set(c.where, 'tarmac', add(9999), []);
    expect(insertion(c.text, again.text())).toContain('http://127.0.0.1:9999/mcp');

    const removed = parseConfig(c.format, 'f', again.text());
    removed.remove(c.where, 'tarmac');
    expect(removed.text()).toBe(c.text);
  });
});

describe('JSON: where the new entry goes', () => {
  it('into an empty servers object, and out again to the same bytes', () => {
    const text = '{\n  "other": {"a": 1},\n  "mcpServers": {}\n}\n';
    const doc = parseConfig('json', 'f', text);
    doc.set(MAP(['mcpServers']), 'tarmac', entry(1), []);
    expect(doc.text()).toBe('{\n  "other": {"a": 1},\n  "mcpServers": {\n    "tarmac": {\n      "url": "http://127.0.0.1:1/mcp",\n      "headers": {\n        "Authorization": "Bearer tmc_x"\n      }\n    }\n  }\n}\n');
    doc.remove(MAP(['mcpServers']), 'tarmac');
    expect(doc.text()).toBe(text);
  });

  it('removing the first of several leaves the next one\'s line as it was', () => {
    const text = '{\n  "mcpServers": {\n    "tarmac": {"url": "http://127.0.0.1:1/mcp"},\n    "other": { "url":"x" }\n  }\n}\n';
    const doc = parseConfig('json', 'f', text);
    doc.remove(MAP(['mcpServers']), 'tarmac');
    expect(doc.text()).toBe('{\n  "mcpServers": {\n    "other": { "url":"x" }\n  }\n}\n');
  });
});

describe('YAML: where the new entry goes', () => {
  it('a missing servers key is added at the end; an empty one is filled', () => {
    const missing = parseConfig('yaml', 'f', 'a: 1  # one\n');
    missing.set(MAP(['extensions']), 'tarmac', { uri: 'u' }, []);
    expect(missing.text()).toBe('a: 1  # one\nextensions:\n  tarmac:\n    uri: u\n');
    const empty = parseConfig('yaml', 'f', 'extensions: {}\nb:   2\n');
    empty.set(MAP(['extensions']), 'tarmac', { uri: 'u' }, []);
    expect(empty.text()).toBe('extensions:\n  tarmac:\n    uri: u\nb:   2\n');
    empty.remove(MAP(['extensions']), 'tarmac');
    expect(empty.text()).toBe('extensions: {}\nb:   2\n');
  });

  it('servers written as a flow collection are refused with a clear error, not re-printed', () => {
    const doc = parseConfig('yaml', 'f', 'extensions: {other: {uri: x}}\n');
    expect(() => doc.set(MAP(['extensions']), 'tarmac', { uri: 'u' }, [])).toThrow(/extensions is written in a form Tarmac does not edit.*by hand/);
  });
});

describe('parse errors read as words, with the line and column', () => {
  it.each([
    ['json', '{\n  "a": 1,\n  // note\n}\n', /f:3:3: not valid JSON: a comment, which plain JSON does not allow/],
    ['json', '{\n  "a": 1,,\n}\n', /f:2:10: not valid JSON: .*extra comma/],
    ['jsonc', '{\n  "a": "b\n}\n', /f:2:8: not valid JSONC: a string that is never closed/],
    ['toml', 'a = \n', /f:1:5: not valid TOML: invalid value/],
    ['yaml', 'a:\n  b: 1\n c: 2\n', /f:3:1: not valid YAML: all mapping items must start at the same column/],
  ] as const)('%s', (format, text, message) => {
    expect(() => parseConfig(format, 'f', text)).toThrow(message);
    expect(() => parseConfig(format, 'f', text)).not.toThrow(/InvalidCommentToken|ValueExpected|BAD_INDENT|Invalid TOML document/);
  });
});
