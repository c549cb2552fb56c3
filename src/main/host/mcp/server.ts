import { z } from 'zod';
import { McpServer, type ServerContext } from '@modelcontextprotocol/server';
import { annotationsFor } from '../../../shared/policy.js';
import type { Catalogue } from '../tools/catalogue.js';
import type { Gateway } from '../tools/gateway.js';
import { TARMAC_VERSION } from '../version.js';

export interface ServerOptions {
  catalogue: Catalogue;
  gateway: Gateway;
  /** The client this server belongs to; one server per session, never shared. */
  client: string;
}

const INSTRUCTIONS =
  'Tarmac runs Fly.io (fly-*) and Flight Control tools on the user\'s behalf with their own credentials. ' +
  'Read-only tools are safe to call freely. Tools that change or destroy things may be held for a person to approve; ' +
  'if a call is declined, do not retry it without asking the user.';

/** A fresh McpServer with every catalogue tool, each call routed through the gateway. */
export function buildMcpServer({ catalogue, gateway, client }: ServerOptions): McpServer {
  const server = new McpServer({ name: 'tarmac', title: 'Tarmac', version: TARMAC_VERSION }, { instructions: INSTRUCTIONS });
  for (const spec of catalogue.list()) {
    server.registerTool(
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
  }
  return server;
}
