/**
 * Tool snapshots ("toolsnaps", as github-mcp-server keeps them): one JSON file per tool under
 * test/__toolsnaps__/, holding the tool exactly as tools/list sends it (name, title,
 * description, inputSchema, outputSchema, annotations, ...). A tool whose definition changed, a
 * tool without a snapshot and a snapshot without a tool all fail here, so no schema or
 * description changes unnoticed: what a client and its model see is reviewed in the diff.
 *
 * Update after an intended change (then review and commit the files):
 *   UPDATE_TOOLSNAPS=1 npx vitest run test/unit/toolsnaps.test.ts
 */
import { readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DISCOVERY_TOOLS } from '../../src/shared/profiles.js';
import { contextHost, type ListedTool } from '../helpers/context.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';

const DIR = fileURLToPath(new URL('../__toolsnaps__/', import.meta.url));
const UPDATE = process.env.UPDATE_TOOLSNAPS === '1';
const HOW = 'If the change is intended, update the snapshots with `UPDATE_TOOLSNAPS=1 npx vitest run test/unit/toolsnaps.test.ts`, then review and commit test/__toolsnaps__/.';
const file = (name: string) => join(DIR, `${name}.snap.json`);

let ctx: Awaited<ReturnType<typeof contextHost>>;
/** Every tool a client can be shown: the whole catalogue (profile everything) and the discovery tools (essentials). */
let tools: ListedTool[];

beforeAll(async () => {
  // The fake flyctl at its default version: the Fly tool set follows the installed flyctl.
  ctx = await contextHost({ flyctlPath: FAKE_FLYCTL });
  const everything = await ctx.list('everything');
  const discovery = (await ctx.list('essentials')).filter((t) => (DISCOVERY_TOOLS as readonly string[]).includes(t.name));
  tools = [...everything, ...discovery].map((t) => JSON.parse(JSON.stringify(t)) as ListedTool);
  if (UPDATE) {
    for (const tool of tools) await writeFile(file(tool.name), `${JSON.stringify(tool, null, 2)}\n`);
    const keep = new Set(tools.map((t) => `${t.name}.snap.json`));
    for (const name of await readdir(DIR)) if (name.endsWith('.snap.json') && !keep.has(name)) await rm(join(DIR, name));
  }
}, 60_000);
afterAll(() => ctx?.close());

async function snapshot(name: string): Promise<unknown> {
  try {
    return JSON.parse(await readFile(file(name), 'utf8')) as unknown;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

describe('tool snapshots (test/__toolsnaps__)', () => {
  it('lists the catalogue and the discovery tools, each once', () => {
    expect(tools.length).toBe(ctx.host.catalogue.size + DISCOVERY_TOOLS.length);
    expect(new Set(tools.map((t) => t.name)).size).toBe(tools.length);
  });

  it('every tool has a snapshot, and its definition is the snapshot', async () => {
    // Soft: every tool that differs is reported, each with its diff.
    for (const tool of tools) {
      const snap = await snapshot(tool.name);
      if (snap === undefined) expect.soft(snap, `Tool "${tool.name}" has no snapshot (test/__toolsnaps__/${tool.name}.snap.json). ${HOW}`).toBeDefined();
      else expect.soft(tool, `Tool "${tool.name}" differs from its snapshot test/__toolsnaps__/${tool.name}.snap.json. ${HOW}`).toEqual(snap);
    }
  });

  it('every snapshot belongs to a tool', async () => {
    const names = new Set(tools.map((t) => t.name));
    const orphans = (await readdir(DIR)).filter((f) => f.endsWith('.snap.json')).map((f) => f.slice(0, -'.snap.json'.length)).filter((n) => !names.has(n));
    expect(orphans, `Snapshots of tools that no longer exist: ${orphans.join(', ')}. ${HOW}`).toEqual([]);
  });
});
