import { z } from 'zod';
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { inputRequired, McpServer, type ListToolsResult, type RegisteredTool, type ServerContext, type StandardSchemaWithJSON } from '@modelcontextprotocol/server';
import { annotationsFor, type ApprovalAnswer, type GuardState } from '../../../shared/policy.js';
import { maskArgs, type RedactionSpec } from '../activity/redact.js';
import { backendLabel } from '../../../shared/backends.js';
import { outputSchemaOf, type AnyToolSpec, type Catalogue } from '../tools/catalogue.js';
import type { RequestTrace } from '../telemetry/hub.js';
import { isDiscoveryTool, registerDiscoveryTools, type ListingSource } from './discovery.js';
import { DISCOVERY_TOOLS } from '../../../shared/profiles.js';
import { ApprovalDeferred, type Gateway } from '../tools/gateway.js';
import { InvalidArgs, recordingInputSchema } from './args-check.js';
import { portable } from './portable-schema.js';
import { TARMAC_VERSION } from '../version.js';
import { installViews } from './apps/index.js';

export interface ServerOptions {
  catalogue: Catalogue;
  gateway: Gateway;
  /** The client this server belongs to; one server per session, never shared. */
  client: string;
  /**
   * What this client's profile lists (tools turned off, outside the profile or not yet enabled
   * leave tools/list) and news of changes, which clients are told of. Absent: every tool listed.
   */
  listing?: ListingSource | undefined;
  /**
   * The server answers one call of this tool and nothing else (a 2026-07-28 tools/call): it holds
   * only that tool, instead of registering the whole catalogue (0.4 ms a request when it had 73 tools) for
   * one call. A name the catalogue lacks gets the whole catalogue, so the answer is the same.
   */
  only?: string | undefined;
  /**
   * The guardrails as read for the request this server answers (with `only`, a server lives for
   * one request): its call is decided from them, one read of settings.json per request instead
   * of two. Read during this request, they are as fresh as a read at the call would be.
   */
  guard?: GuardState | undefined;
  /**
   * Run before each tools/list of a long-lived (2025-era) session: the catalogue looks at what is
   * installed (another flyctl since the session began), so the list answered is current.
   */
  refresh?: (() => Promise<void>) | undefined;
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

type ToolSchemas = { input: ReturnType<typeof recordingInputSchema>; output: StandardSchemaWithJSON<unknown, Record<string, unknown>> | undefined };
const schemaCache = new WeakMap<AnyToolSpec, ToolSchemas>();

/**
 * A tool's input and output schemas, built once per tool: a 2026-07-28 request gets a fresh
 * server of its own, and rebuilding every tool's schemas for each one was most of its cost.
 */
function schemasOf(spec: AnyToolSpec): ToolSchemas {
  let schemas = schemaCache.get(spec);
  if (!schemas) {
    // Strict input: a misspelt argument is an error the model sees, not a filter silently dropped.
    // A call with arguments that do not fit still reaches the handler (as InvalidArgs), to be recorded.
    // Both as every client can read them (portable: no type arrays, no schema without a keyword).
    schemas = {
      input: portable(recordingInputSchema(spec.name, z.strictObject(spec.input), spec.unsupportedArgs)),
      output: spec.output ? portable(outputSchemaOf(spec.output)) : undefined,
    };
    schemaCache.set(spec, schemas);
  }
  return schemas;
}

/** A fresh McpServer with every catalogue tool, each call routed through the gateway. */
export function buildMcpServer({ catalogue, gateway, client, listing, only, guard, refresh }: ServerOptions): McpServer {
  const server = new McpServer(
    { name: 'tarmac', title: 'Tarmac', version: TARMAC_VERSION },
    // Several tools changing at once (another flyctl) are told as one list_changed.
    { instructions: INSTRUCTIONS, capabilities: { tools: { listChanged: true } }, debouncedNotificationMethods: ['notifications/tools/list_changed'] },
  );
  const one = only === undefined ? undefined : catalogue.get(only);
  // Every tool is registered (a call outside the profile reaches the guardrails, which refuse it
  // naming the profile); what tools/list shows is filtered below.
  if (listing && (only === undefined || isDiscoveryTool(only))) registerDiscoveryTools(server, catalogue, listing);
  const specs = isDiscoveryTool(only) ? [] : one ? [one] : catalogue.list();
  const registered = new Map<string, RegisteredTool>();
  for (const first of specs) {
    const { input, output } = schemasOf(first);
    const name = first.name;
    const tool = server.registerTool(
      name,
      {
        title: first.title,
        description: first.description,
        inputSchema: input,
        ...(output ? { outputSchema: output } : {}),
        annotations: { title: first.title, ...annotationsFor(first.class) },
      },
      async (input: Record<string, unknown> | InvalidArgs, ctx: ServerContext) => {
        // The spec in force now: a session may outlive the flyctl it started with.
        const spec = catalogue.get(name) ?? first;
        if (input instanceof InvalidArgs) return gateway.invalid(spec, input.given, input.message, { client, sessionId: ctx.sessionId ?? null });
        // Not listed, but a client may still name it: one line saying why, and nothing runs.
        if (spec.unavailable) return gateway.invalid(spec, input, spec.unavailable, { client, sessionId: ctx.sessionId ?? null });
        const args = input;
        const progressToken = ctx.mcpReq._meta?.progressToken;
        const modern = modernElicitation(ctx);
        const clientAnswer = modern ? answerFromRetry(ctx, spec.name, client, args) : undefined;
        const call = gateway.call(spec, args, {
          client,
          sessionId: ctx.sessionId ?? null,
          signal: ctx.mcpReq.signal,
          askClient: !modern && server.server.getClientCapabilities()?.elicitation ? (question) => askThroughClient(ctx, approvalMessage(spec, question.args, question.account)) : undefined,
          canDefer: modern,
          clientAnswer,
          guard,
          request: gateway.traced ? requestTrace(ctx, server) : undefined,
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
        try {
          return await call;
        } catch (err) {
          if (!(err instanceof ApprovalDeferred)) throw err;
          // 2026-07-28: no server-to-client requests; the question goes back as an input-required
          // result and the client's retry carries the answer (and our signed state).
          return inputRequired({
            inputRequests: { approval: inputRequired.elicit({ mode: 'form', message: approvalMessage(spec, args, err.account), requestedSchema: APPROVAL_SCHEMA }) },
            requestState: signState(spec.name, client, args),
          });
        }
      },
    );
    registered.set(name, tool);
  }
  // Views for clients that render MCP Apps; a server for one call (a 2026-07-28 tools/call) lists nothing.
  if (only === undefined) installViews(server, specs.map((s) => s.name));
  if (specs.length <= 1) return server;
  filterToolsList(server, () => (listing ? visible(listing) : null), catalogue, refresh);
  // Another flyctl: the tools whose schemas changed are registered anew, which tells a connected
  // 2025-era session (one list_changed). A 2026-07-28 request gets a fresh server anyway.
  const offCatalogue = catalogue.onChange((changed) => {
    for (const spec of changed) {
      const tool = registered.get(spec.name);
      if (!tool) continue;
      const { input, output } = schemasOf(spec);
      tool.update({ title: spec.title, description: spec.description, paramsSchema: input, ...(output ? { outputSchema: output } : {}) });
    }
  });
  if (!listing) {
    server.server.onclose = offCatalogue;
    return server;
  }
  let shown = visibleKey(listing);
  // A tool turned off or on, a toolset enabled, another profile: tools/list changes, and a
  // connected 2025-era session hears notifications/tools/list_changed. A 2026-07-28 request gets
  // a fresh server built from the current state.
  const offListing = listing.onChange(() => {
    const key = visibleKey(listing);
    if (key === shown) return;
    shown = key;
    if (server.isConnected()) server.server.sendToolListChanged().catch(() => undefined);
  });
  server.server.onclose = () => {
    offListing();
    offCatalogue();
  };
  return server;
}

/** The names tools/list shows now; null: all of them (the state could not be read). */
function visible(listing: ListingSource): ReadonlySet<string> | null {
  const now = listing.current();
  if (!now) return null;
  return now.discovery ? new Set([...now.listed, ...DISCOVERY_TOOLS]) : now.listed;
}

function visibleKey(listing: ListingSource): string {
  const names = visible(listing);
  return names ? [...names].sort().join('\n') : '*';
}

type ListHandler = (request: unknown, ctx: unknown) => Promise<ListToolsResult>;

/**
 * tools/list shows only the client's tools, while every tool stays registered so that a call
 * outside the profile gets the guardrails' answer, not "unknown tool". The SDK lists every enabled
 * tool and offers no filter, so its handler is wrapped (looked up through the protected accessor
 * its own role classes use; a test fails if the SDK moves it).
 */
function filterToolsList(server: McpServer, names: () => ReadonlySet<string> | null, catalogue: Catalogue, refresh: (() => Promise<void>) | undefined): void {
  const inner = server.server as unknown as { _getRequestHandler(method: string): ListHandler | undefined };
  const list = inner._getRequestHandler('tools/list');
  if (!list) throw new Error('the MCP SDK has no tools/list handler to filter');
  server.server.setRequestHandler('tools/list', async (request, ctx) => {
    await refresh?.().catch(() => undefined);
    const result = await list(request, ctx);
    const shown = names();
    // A tool the installed back end lacks (an older flyctl) is never listed.
    return { ...result, tools: result.tools.filter((t) => (!shown || shown.has(t.name)) && !catalogue.get(t.name)?.unavailable) };
  });
}

const STATE_KEY = randomBytes(32);
const STATE_TTL_MS = 10 * 60_000;
/** Request states already answered (nonce -> expiry): each runs one call, once. */
const usedStates = new Map<string, number>();
const MAX_USED_STATES = 10_000;

/**
 * requestState round-trips through the client: signed, bound to the tool, client and arguments,
 * short-lived, and single-use (a nonce remembered until it expires), so a replayed answer runs
 * nothing.
 */
function signState(tool: string, client: string, args: Record<string, unknown>): string {
  const body = Buffer.from(JSON.stringify({ t: tool, c: client, a: digest(args), e: Date.now() + STATE_TTL_MS, n: randomBytes(12).toString('base64url') })).toString('base64url');
  return `${body}.${createHmac('sha256', STATE_KEY).update(body).digest('base64url')}`;
}

function verifyState(state: unknown, tool: string, client: string, args: Record<string, unknown>): boolean {
  if (typeof state !== 'string') return false;
  const [body, mac] = state.split('.');
  if (!body || !mac) return false;
  const expected = createHmac('sha256', STATE_KEY).update(body).digest();
  const given = Buffer.from(mac, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return false;
  let s: { t?: unknown; c?: unknown; a?: unknown; e?: unknown; n?: unknown };
  try {
    s = JSON.parse(Buffer.from(body, 'base64url').toString()) as typeof s;
  } catch {
    return false;
  }
  const now = Date.now();
  if (!(s.t === tool && s.c === client && s.a === digest(args) && typeof s.e === 'number' && s.e > now && typeof s.n === 'string')) return false;
  if (usedStates.has(s.n)) return false;
  for (const [nonce, expiry] of usedStates) if (expiry <= now) usedStates.delete(nonce);
  // Full of answers still unexpired (a flood): refuse rather than forget one, which would let it be replayed.
  if (usedStates.size >= MAX_USED_STATES) return false;
  usedStates.set(s.n, s.e);
  return true;
}

function digest(args: Record<string, unknown>): string {
  return createHash('sha256').update(JSON.stringify(args)).digest('base64url');
}

/**
 * How this request arrived, for its span: the transport, the protocol revision (the request's
 * own envelope in 2026-07-28, the session's in the 2025 era) and the client's W3C trace context
 * (the request's params._meta first, then the HTTP headers).
 */
function requestTrace(ctx: ServerContext, server: McpServer): RequestTrace {
  const meta = ctx.mcpReq._meta as Record<string, unknown> | undefined;
  const headers = ctx.http?.req?.headers;
  // Both values from one place: a tracestate belongs with the traceparent it came with.
  const fromMeta = typeof meta?.traceparent === 'string';
  const text = (key: string): string | undefined => {
    const v = fromMeta ? meta?.[key] : headers?.get(key);
    return typeof v === 'string' && v.length <= 512 ? v : undefined;
  };
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const revision = envelope?.['io.modelcontextprotocol/protocolVersion'];
  // The 2025 era has no per-request revision: the one its initialize negotiated is the answer.
  const protocolVersion = typeof revision === 'string' ? revision : server.server.getNegotiatedProtocolVersion();
  const traceparent = text('traceparent');
  return {
    id: ctx.mcpReq.id,
    protocolVersion,
    transport: ctx.http ? 'tcp' : 'pipe',
    traceparent,
    tracestate: traceparent ? text('tracestate') : undefined,
  };
}

/** A 2026-07-28 request from a client that declared elicitation: it can answer input-required results. */
function modernElicitation(ctx: ServerContext): boolean {
  const envelope = ctx.mcpReq.envelope as Record<string, unknown> | undefined;
  const caps = envelope?.['io.modelcontextprotocol/clientCapabilities'] as { elicitation?: unknown } | undefined;
  return Boolean(envelope?.['io.modelcontextprotocol/protocolVersion'] && caps?.elicitation);
}

/** The person's answer from a retried request, only when its state is ours and matches this call. */
function answerFromRetry(ctx: ServerContext, tool: string, client: string, args: Record<string, unknown>): ApprovalAnswer | undefined {
  const response = ctx.mcpReq.inputResponses?.approval as { action?: unknown; content?: { decision?: unknown } } | undefined;
  if (!response || !verifyState(ctx.mcpReq.requestState(), tool, client, args)) return undefined;
  if (response.action !== 'accept') return 'deny';
  const decision = response.content?.decision;
  return decision === 'allow-once' || decision === 'allow-always' ? decision : 'deny';
}

/**
 * The approval question as the client shows it: the tool, which account it would act as (people
 * have staging and production), and the arguments with secrets masked as everywhere else.
 */
function approvalMessage(spec: { name: string; title: string; description: string; provider: string } & RedactionSpec, args: Record<string, unknown>, account: string | undefined): string {
  const shown = maskArgs(args, spec);
  const as = account ? ` as the ${backendLabel(spec.provider)} account "${account}"` : '';
  return `Tarmac: allow "${spec.title}" (${spec.name})${as}? ${spec.description.split('. ')[0] ?? ''}\nArguments: ${JSON.stringify(shown)}`;
}

/** Ask the person through the client's own UI (elicitation, tied to this request); null when it cannot. */
async function askThroughClient(ctx: ServerContext, message: string): Promise<ApprovalAnswer | null> {
  try {
    const result = await ctx.mcpReq.elicitInput(
      {
        mode: 'form',
        message,
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
