import { z } from 'zod';
import type { CallToolResult, McpServer } from '@modelcontextprotocol/server';
import { annotationsFor } from '../../../shared/policy.js';
import { DISCOVERY_TOOLS, type ClientListing } from '../../../shared/profiles.js';
import type { Catalogue } from '../tools/catalogue.js';
import { portable } from './portable-schema.js';

/** What a client sees, kept current for one server (see host createServer). */
export interface ListingSource {
  /** Now; null when the settings cannot be read (every tool is listed, and calls fail closed). */
  current(): ClientListing | null;
  /** Told after anything that may change the listing (the server compares). */
  onChange(listener: () => void): () => void;
  /** The client's agent enables a toolset (within its bounds); resolves with the new listing. */
  enable(toolset: string): Promise<ClientListing>;
}

const TOOLSET_ARG = { toolset: z.string().min(1).max(64).describe('Toolset name from tarmac_list_toolsets, e.g. fly-machines') };
const TOOLSET_OUT = {
  name: z.string(),
  description: z.string(),
  tools: z.array(z.string()).describe('Its tools within your profile.'),
  enabled: z.boolean().describe('All of them are in your tool list.'),
};
const TOOL_OUT = {
  name: z.string(),
  title: z.string(),
  class: z.enum(['read', 'write', 'destructive']),
  summary: z.string().describe('First sentence of its description.'),
  listed: z.boolean().describe('In your tool list now.'),
};

function fail(text: string): CallToolResult {
  return { content: [{ type: 'text', text }], isError: true };
}

const NOT_HERE = "This client's Tarmac profile has no discovery tools; its tools are all listed already.";

/**
 * Tarmac's own discovery tools: the agent sees which toolsets exist within its profile's bounds,
 * what each holds, and enables one it needs (it stays enabled for this client). Two calls reach
 * any tool of the bounds: list, then enable. They read metadata and change only what is listed,
 * never what may run, so they do not go through the guardrails.
 */
export function registerDiscoveryTools(server: McpServer, catalogue: Catalogue, listing: ListingSource): void {
  const annotations = { ...annotationsFor('read'), openWorldHint: false };
  server.registerTool(
    'tarmac_list_toolsets',
    {
      title: 'List toolsets',
      description: 'Lists the toolsets this client may use, with their tools and whether each is enabled (listed). Call tarmac_enable_toolset to add one.',
      inputSchema: portable(z.strictObject({})),
      outputSchema: portable(z.looseObject({ toolsets: z.array(z.strictObject(TOOLSET_OUT)) })),
      annotations: { title: 'List toolsets', ...annotations },
    },
    async () => {
      const now = listing.current();
      if (!now?.discovery) return fail(NOT_HERE);
      const lines = now.toolsets.map((t) => `${t.name}${t.enabled ? ' (enabled)' : ''}: ${t.description} [${t.tools.length} tools]`);
      return { content: [{ type: 'text', text: `Profile ${now.profile}. Toolsets:\n${lines.join('\n')}` }], structuredContent: { toolsets: now.toolsets } };
    },
  );
  server.registerTool(
    'tarmac_get_toolset_tools',
    {
      title: 'Toolset tools',
      description: "Lists a toolset's tools (name, class, what each does) without enabling it.",
      inputSchema: portable(z.strictObject(TOOLSET_ARG)),
      outputSchema: portable(z.looseObject({ toolset: z.string(), tools: z.array(z.strictObject(TOOL_OUT)) })),
      annotations: { title: 'Toolset tools', ...annotations },
    },
    async ({ toolset }: { toolset: string }) => {
      const now = listing.current();
      if (!now?.discovery) return fail(NOT_HERE);
      const set = now.toolsets.find((t) => t.name === toolset);
      if (!set) return fail(`No toolset "${toolset}" within profile ${now.profile}. The toolsets: ${now.toolsets.map((t) => t.name).join(', ')}.`);
      const tools = set.tools.flatMap((name) => {
        const spec = catalogue.get(name);
        // A tool the installed back end lacks (an older flyctl) is not one the agent can use.
        return spec && !spec.unavailable ? [{ name, title: spec.title, class: spec.class, summary: firstSentence(spec.description), listed: now.listed.has(name) }] : [];
      });
      const text = tools.map((t) => `${t.name} (${t.class}${t.listed ? ', listed' : ''}): ${t.summary}`).join('\n');
      return { content: [{ type: 'text', text: `${toolset}${set.enabled ? ' (enabled)' : ' (call tarmac_enable_toolset to list these)'}:\n${text}` }], structuredContent: { toolset, tools } };
    },
  );
  server.registerTool(
    'tarmac_enable_toolset',
    {
      title: 'Enable toolset',
      description: "Adds a toolset's tools to this client's tool list (it stays enabled). Your tool list then changes; the tools' own approvals still apply.",
      inputSchema: portable(z.strictObject(TOOLSET_ARG)),
      outputSchema: portable(z.looseObject(TOOLSET_OUT)),
      annotations: { title: 'Enable toolset', ...annotationsFor('write'), destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ toolset }: { toolset: string }) => {
      const now = listing.current();
      if (!now?.discovery) return fail(NOT_HERE);
      try {
        const after = await listing.enable(toolset);
        const set = after.toolsets.find((t) => t.name === toolset);
        if (!set) return fail(`No toolset "${toolset}" within profile ${after.profile}.`);
        return {
          content: [{ type: 'text', text: `Enabled ${toolset}: ${set.tools.join(', ')} are now in your tool list.` }],
          structuredContent: { ...set },
        };
      } catch (err) {
        return fail((err as Error).message);
      }
    },
  );
}

export function isDiscoveryTool(name: string | undefined): boolean {
  return name !== undefined && (DISCOVERY_TOOLS as readonly string[]).includes(name);
}

function firstSentence(text: string): string {
  const end = text.search(/\.(\s|$)/);
  return end < 0 ? text : text.slice(0, end + 1);
}
