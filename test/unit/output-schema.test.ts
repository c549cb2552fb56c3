import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InMemoryTransport } from '@modelcontextprotocol/server';
import { Client } from '@modelcontextprotocol/client';
import { createHost, type Host } from '../../src/main/host/index.js';
import { defaultProviders } from '../../src/main/host/providers/index.js';
import { FLY_TOOLS } from '../../src/main/host/providers/fly/tools.js';
import { MemoryKeychain } from '../../src/main/host/secrets.js';

// Clients check structuredContent against outputSchema: every tool that can answer with
// structured content declares the schema, and only tools that never do go without.
let host: Host;
let dataDir: string;
beforeAll(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'tarmac-output-schema-'));
  host = createHost({ dataDir, providers: defaultProviders(), keychainBackend: new MemoryKeychain(), env: {} });
});
afterAll(async () => {
  await host?.stop();
  await rm(dataDir, { recursive: true, force: true });
});

/** Fly tools that print plain text and return no structured content. */
const TEXT_ONLY = new Set(FLY_TOOLS.filter((d) => !d.render && !d.output).map((d) => d.name));

describe('outputSchema', () => {
  it('is declared by every tool that returns structured content', () => {
    const missing = host.catalogue.list().filter((spec) => !spec.output && !TEXT_ONLY.has(spec.name)).map((spec) => spec.name);
    expect(missing).toEqual([]);
    // The text-only ones are a few flyctl commands without --json (machine exec and the like).
    expect(TEXT_ONLY.size).toBeLessThan(FLY_TOOLS.length / 2);
  });

  it('reaches clients in tools/list as an object schema', async () => {
    const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
    const server = await host.createServer('unit');
    await server.connect(serverSide);
    const client = new Client({ name: 'unit', version: '1' });
    await client.connect(clientSide);
    const { tools } = await client.listTools();
    const byName = new Map(tools.map((t) => [t.name, t]));
    expect(byName.get('fly-apps-list')?.outputSchema).toMatchObject({ type: 'object', properties: { apps: { type: 'array' } } });
    expect(byName.get('query_devices')?.outputSchema?.required).toEqual(expect.arrayContaining(['kind', 'count', 'more']));
    expect(byName.get('run_command_on_device')?.outputSchema?.properties).toHaveProperty('exitCode');
    for (const spec of host.catalogue.list()) expect(Boolean(byName.get(spec.name)?.outputSchema), spec.name).toBe(Boolean(spec.output));
    await client.close();
  });

  it('a server made for one call of one tool holds that tool alone, with the same schemas', async () => {
    const list = async (only?: string) => {
      const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
      const server = await host.createServer('unit', only);
      await server.connect(serverSide);
      const client = new Client({ name: 'unit', version: '1' });
      await client.connect(clientSide);
      const { tools } = await client.listTools();
      await client.close();
      return tools;
    };
    const all = await list();
    const one = await list('fly-apps-list');
    expect(one).toEqual(all.filter((t) => t.name === 'fly-apps-list'));
    // A name the catalogue lacks: the whole catalogue, so the answer to the call is the usual one.
    expect((await list('no-such-tool')).length).toBe(all.length);
  });
});
