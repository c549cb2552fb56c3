import { z } from 'zod';
import { McpServer, type RegisteredTool, type ServerContext } from '@modelcontextprotocol/server';
import { annotationsFor, type ApprovalAnswer } from '../../../shared/policy.js';
import type { Catalogue } from '../tools/catalogue.js';
import type { Gateway } from '../tools/gateway.js';
import { TARMAC_VERSION } from '../version.js';

export interface ServerOptions {
  catalogue: Catalogue;
  gateway: Gateway;
  /** The client this server belongs to; one server per session, never shared. */
  client: string;
  /** Tools turned off now, and news of changes: they leave tools/list, and clients are told. */
  switches?: ToolSwitches;
}

export interface ToolSwitches {
  disabled: ReadonlySet<string>;
  onChange(listener: (disabled: ReadonlySet<string>) => void): () => void;
}

/** The approval question put to the person through the client (2025-era elicitation). */
const APPROVAL_SCHEMA = {
  type: 'object' as const,
  properties: {
    decision: {
      type: 'string' as const,
      title: 'Your decision',
      oneOf: [
        { const: 'allow-once', title: 'Allow once' },
        { const: 'allow-always', title: 'Allow this tool from now on' },
        { const: 'deny', title: 'Deny' },
      ],
    },
  },
  required: ['decision'],
};

const INSTRUCTIONS =
  'Tarmac runs Fly.io (fly-*) and Flight Control tools on the user\'s behalf with their own credentials. ' +
  'Read-only tools are safe to call freely. Tools that change or destroy things may be held for a person to approve; ' +
  'if a call is declined, do not retry it without asking the user.';

/** A fresh McpServer with every catalogue tool, each call routed through the gateway. */
export function buildMcpServer({ catalogue, gateway, client, switches }: ServerOptions): McpServer {
  const server = new McpServer({ name: 'tarmac', title: 'Tarmac', version: TARMAC_VERSION }, { instructions: INSTRUCTIONS, capabilities: { tools: { listChanged: true } } });
  const registered = new Map<string, RegisteredTool>();
  for (const spec of catalogue.list()) {
    const tool = server.registerTool(
      spec.name,
      {
        title: spec.title,
        description: spec.description,
        // Strict: a misspelt argument is an error the model sees, not a filter silently dropped.
        inputSchema: z.strictObject(spec.input),
        ...(spec.output ? { outputSchema: z.looseObject(spec.output) } : {}),
        annotations: { title: spec.title, ...annotationsFor(spec.class) },
      },
      (args: Record<string, unknown>, ctx: ServerContext) => {
        const progressToken = ctx.mcpReq._meta?.progressToken;
        return gateway.call(spec, args, {
          client,
          sessionId: ctx.sessionId ?? null,
          signal: ctx.mcpReq.signal,
          askClient: server.server.getClientCapabilities()?.elicitation ? (question) => askThroughClient(ctx, question) : undefined,
          progress:
            progressToken === undefined
              ? undefined
              : (progress, total, message) => {
                  void ctx.mcpReq
                    .notify({
                      method: 'notifications/progress',
                      params: { progressToken, progress, ...(total === undefined ? {} : { total }), ...(message ? { message } : {}) },
                    })
                    .catch(() => undefined);
                },
        });
      },
    );
    if (switches?.disabled.has(spec.name)) tool.disable();
    registered.set(spec.name, tool);
  }
  // Turning a tool off or on: it leaves (or rejoins) tools/list, and the SDK sends
  // notifications/tools/list_changed to a connected 2025-era session. A 2026-07-28 request gets a
  // fresh server built from the current switches.
  const off = switches?.onChange((disabled) => {
    for (const [name, tool] of registered) {
      const on = !disabled.has(name);
      if (tool.enabled === on) continue;
      try {
        if (on) tool.enable();
        else tool.disable();
      } catch {
        // A server whose connection is gone cannot tell anyone; the next session lists afresh.
      }
    }
  });
  if (off) server.server.onclose = off;
  return server;
}

/** Ask the person through the client's own UI (elicitation, tied to this request); null when it cannot. */
async function askThroughClient(ctx: ServerContext, question: { tool: string; title: string; summary: string; args: Record<string, unknown> }): Promise<ApprovalAnswer | null> {
  try {
    const result = await ctx.mcpReq.elicitInput(
      {
        mode: 'form',
        message: `Tarmac: allow "${question.title}" (${question.tool})? ${question.summary}\nArguments: ${JSON.stringify(question.args)}`,
        requestedSchema: APPROVAL_SCHEMA,
      },
      { signal: ctx.mcpReq.signal, timeout: 3_600_000 },
    );
    if (result.action !== 'accept') return 'deny';
    const decision = result.content?.decision;
    return decision === 'allow-once' || decision === 'allow-always' ? decision : 'deny';
  } catch {
    return null;
  }
}
