// bench:context: what the tool definitions cost a model's context, per shipped profile, against
// everything (every tool) and against the upstream servers' lists. Tokens are o200k_base
// (gpt-tokenizer) of each tool's name, description and inputSchema as tools/list sends them: what
// clients hand their model. Output schemas are not sent to the model by those clients (they check
// structuredContent against them); their tokens are shown in a column of their own, for clients
// that forward them (code-mode clients that type tool results).
// Exits 1 when essentials (the default for new clients) is over its budget.
// --write: also writes src/shared/tool-tokens.ts (per-tool counts the window shows as costs).
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ESSENTIALS_BUDGET } from '../../src/shared/tool-cost.js';
import { SHIPPED_PROFILE_NAMES } from '../../src/shared/profiles.js';
import { contextHost, definitionTokens, outputSchemaTokens, type ListedTool } from '../helpers/context.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const reference = process.env.BENCH_REFERENCE_DIR ?? join(root, '..', 'shared', 'reference');

type Prop = { type: string; items?: { type: string }; enum?: string[] };

/** flyctl's 60 tools as the reference tables give them (name, arguments; upstream descriptions are not recorded there). */
function flyctlUpstream(md: string): ListedTool[] {
  const tools = new Map<string, ListedTool>();
  for (const line of md.split('\n')) {
    const m = /^\| `(fly-[a-z0-9-]+)` \| [RWD] \| (.*?) \| /.exec(line);
    if (!m) continue;
    const [, name = '', argText = ''] = m;
    const base = /as `([a-z0-9-]+)` plus/.exec(argText);
    const props: Record<string, Prop> = {};
    const required: string[] = [];
    if (base?.[1]) {
      const from = tools.get(base[1])?.inputSchema as { properties: Record<string, Prop>; required: string[] } | undefined;
      Object.assign(props, from?.properties);
      required.push(...(from?.required ?? []));
    }
    for (const a of argText.matchAll(/`([a-z-]+):(\{[^}]*\}|str|bool|num|arr|hash)(\*)?/g)) {
      const [, arg = '', type = '', req] = a;
      props[arg] = type.startsWith('{')
        ? { type: 'string', enum: type.slice(1, -1).split(/\\?\|/) }
        : type === 'arr' || type === 'hash'
          ? { type: 'array', items: { type: 'string' } }
          : { type: type === 'str' ? 'string' : type === 'bool' ? 'boolean' : 'number' };
      if (req) required.push(arg);
    }
    tools.set(name, { name, description: '', inputSchema: { type: 'object', properties: props, required } });
  }
  return [...tools.values()];
}

/** flightctl-mcp's 7 tools from the reference table (names and arguments). */
function flightctlUpstream(md: string): ListedTool[] {
  const out: ListedTool[] = [];
  for (const line of md.split('\n')) {
    const m = /^\| `((?:query|run)_[a-z_]+)` \| (.*?) \| /.exec(line);
    if (!m) continue;
    const props: Record<string, Prop> = {};
    const required: string[] = [];
    for (const a of (m[2] ?? '').matchAll(/`([a-z_]+): (str|int)[^`]*`( \(required\))?/g)) {
      props[a[1] ?? ''] = { type: a[2] === 'int' ? 'integer' : 'string' };
      if (a[3]) required.push(a[1] ?? '');
    }
    out.push({ name: m[1] ?? '', description: '', inputSchema: { type: 'object', properties: props, required } });
  }
  return out;
}

const sum = (tools: readonly ListedTool[]) => tools.reduce((n, t) => n + definitionTokens(t), 0);
const outputSum = (tools: readonly ListedTool[]) => tools.reduce((n, t) => n + outputSchemaTokens(t), 0);
const bytes = (tools: readonly ListedTool[]) => tools.reduce((n, t) => n + Buffer.byteLength(JSON.stringify({ name: t.name, description: t.description, inputSchema: t.inputSchema })), 0);

const ctx = await contextHost();
let failed: boolean;
try {
  const lists = new Map<string, ListedTool[]>();
  for (const p of SHIPPED_PROFILE_NAMES) lists.set(p, await ctx.list(p));
  const everything = lists.get('everything') ?? [];
  const all = sum(everything);
  const rows: string[][] = [];
  for (const [p, tools] of lists) {
    const n = sum(tools);
    rows.push([p, String(tools.length), String(bytes(tools)), String(n), `${Math.round((n / all) * 100)}%`, String(outputSum(tools))]);
  }
  const fly = flyctlUpstream(await readFile(join(reference, 'flyctl-tools.md'), 'utf8'));
  const fctl = flightctlUpstream(await readFile(join(reference, 'flightctl-api.md'), 'utf8'));
  for (const [label, tools] of [
    ['upstream flyctl (schemas only*)', fly],
    ['upstream flightctl-mcp (schemas only*)', fctl],
  ] as const) {
    const n = sum(tools);
    rows.push([label, String(tools.length), String(bytes(tools)), String(n), `${Math.round((n / all) * 100)}%`, '-']);
  }
  const head = ['profile / list', 'tools', 'bytes', 'tokens (o200k)', 'of everything', '+ outputSchema tokens'];
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === 0 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join('  ');
  console.log(line(head));
  for (const r of rows) console.log(line(r));
  console.log('* the reference records upstream names and arguments, not descriptions: a lower bound of what upstream costs.');
  const essentials = sum(lists.get('essentials') ?? []);
  console.log(`essentials: ${essentials} tokens, budget ${ESSENTIALS_BUDGET}: ${essentials <= ESSENTIALS_BUDGET ? 'within' : 'OVER'}`);
  failed = essentials > ESSENTIALS_BUDGET;

  if (process.argv.includes('--write')) {
    const essentialsTools = lists.get('essentials') ?? [];
    const defs = new Map<string, ListedTool>([...everything, ...essentialsTools].map((t) => [t.name, t]));
    const entries = [...defs.values()].sort((a, b) => a.name.localeCompare(b.name)).map((t) => `  '${t.name}': ${definitionTokens(t)},`);
    const file = join(root, 'src', 'shared', 'tool-tokens.ts');
    await writeFile(
      file,
      `// Generated by \`npm run bench:context -- --write\`; test/unit/context.test.ts fails when it is stale.\n` +
        `/** Tokens (o200k_base) of each tool's definition (name, description, inputSchema) as tools/list sends it. */\n` +
        `export const TOOL_TOKENS: Readonly<Record<string, number>> = {\n${entries.join('\n')}\n};\n`,
    );
    console.log(`wrote ${file}`);
  }
} finally {
  await ctx.close();
}
process.exit(failed ? 1 : 0);
