import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, InMemoryTransport } from '@modelcontextprotocol/client';
import { encode } from 'gpt-tokenizer/encoding/o200k_base';
import { createHost, type Host } from '../../src/main/host/index.js';
import { memoryConfirmedStore } from '../../src/main/host/guardrails/confirmed.js';
import { defaultProviders } from '../../src/main/host/providers/index.js';
import { SHIPPED_PROFILE_NAMES } from '../../src/shared/profiles.js';

/**
 * What a tool definition costs a model: the tokens (o200k_base) of its name, description and
 * inputSchema as tools/list sends them. That is what clients hand their model (Claude Code,
 * VS Code, opencode, the OpenAI and Anthropic tool formats): the outputSchema is used to check
 * structuredContent and is not sent, so it is counted apart (outputSchemaTokens).
 */
export function definitionTokens(tool: { name: string; description?: string | undefined; inputSchema: unknown }): number {
  return encode(JSON.stringify({ name: tool.name, description: tool.description, inputSchema: tool.inputSchema })).length;
}

/** Tokens of a tool's outputSchema as tools/list sends it (0 without one): what a client that forwards output schemas to its model (code-mode clients) pays on top. */
export function outputSchemaTokens(tool: { outputSchema?: unknown }): number {
  return tool.outputSchema === undefined ? 0 : encode(JSON.stringify(tool.outputSchema)).length;
}

/** A tool as tools/list sends it (title, annotations, _meta, ... besides these). */
export interface ListedTool {
  name: string;
  description?: string | undefined;
  inputSchema: unknown;
  outputSchema?: unknown;
  [field: string]: unknown;
}

/**
 * A host with the shipped back ends (not serving, no keychain), with one client per shipped
 * profile named `p-<profile>`; `list(profile)` is that client's tools/list as sent. `settings`
 * go into its settings.json (a flyctl path, say).
 */
export async function contextHost(settings: Record<string, unknown> = {}): Promise<{ host: Host; list(profile: string): Promise<ListedTool[]>; close(): Promise<void> }> {
  const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-context-'));
  const clients = Object.fromEntries(SHIPPED_PROFILE_NAMES.map((p) => [`p-${p}`, p]));
  await writeFile(join(dataDir, 'settings.json'), JSON.stringify({ ...settings, profiles: { clients } }));
  const host = createHost({ dataDir, providers: defaultProviders(), env: {}, keychainService: 'tarmac-context-unused', confirmedStore: memoryConfirmedStore() });
  const open: Client[] = [];
  return {
    host,
    async list(profile) {
      const server = await host.createServer(`p-${profile}`);
      const [a, b] = InMemoryTransport.createLinkedPair();
      await server.connect(a);
      const client = new Client({ name: 'context', version: '1' });
      await client.connect(b);
      open.push(client);
      return (await client.listTools()).tools;
    },
    async close() {
      await Promise.allSettled(open.map((c) => c.close()));
      await host.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}
