/**
 * MCP Apps (extension io.modelcontextprotocol/ui): views that clients render next to a tool's
 * answer. A client that declares the extension (with the mcp-app MIME type) sees `_meta.ui` on
 * the tools that have a view and can read the views as `ui://` resources; any other client sees
 * the same tools as before, with no `resources` capability and nothing new in tools/list. Tool
 * results are the same for both: a view reads the `structuredContent` every client gets.
 */
import { getUiCapability, RESOURCE_MIME_TYPE, RESOURCE_URI_META_KEY } from '@modelcontextprotocol/ext-apps/server';
import type { ClientCapabilities, ListResourcesResult, ListToolsResult, McpServer, ServerCapabilities } from '@modelcontextprotocol/server';
import { viewPage } from './page.js';
import { VIEWS, viewForTool, type ViewSpec } from './views.js';

export const UI_EXTENSION = 'io.modelcontextprotocol/ui';
export { RESOURCE_MIME_TYPE };

/** Whether a client renders MCP Apps views: it declared the extension with their MIME type. */
export function rendersViews(capabilities: ClientCapabilities | null | undefined): boolean {
  return getUiCapability(capabilities)?.mimeTypes?.includes(RESOURCE_MIME_TYPE) === true;
}

/**
 * The views' sandbox, as the host is to build it: no origin to connect to and none to load from
 * (everything the page runs is inline). The page carries the same policy itself (page.ts).
 */
export const VIEW_RESOURCE_META = { ui: { csp: { connectDomains: [] as string[], resourceDomains: [] as string[] }, prefersBorder: true } };

const pages = new Map<ViewSpec['id'], Promise<string>>();

/**
 * The views' script and style. The builds (CLI, desktop) and the tests get them from the
 * `virtual:tarmac-views` module of their Vite build (vite.views.config.ts), a chunk loaded now;
 * the CLI run from source (tsx, no Vite) builds them the same way on first use.
 */
async function viewsBundle(): Promise<{ script: string; style: string }> {
  try {
    return await import('virtual:tarmac-views');
  } catch (err) {
    // A specifier the bundlers leave alone: the built CLI never gets here.
    const config = '../../../../../vite.views.config.ts';
    const fromSource = (await import(/* @vite-ignore */ config).catch(() => null)) as { viewsBundle(): Promise<{ script: string; style: string }> } | null;
    if (!fromSource) throw err;
    return fromSource.viewsBundle();
  }
}

/** A view's HTML, built from the bundle on first read (its chunk loads only then). */
export function viewHtml(view: ViewSpec): Promise<string> {
  let page = pages.get(view.id);
  if (!page) {
    page = viewsBundle().then((bundle) => viewPage(view, bundle));
    // A failed load is not kept: the next read tries again.
    page.catch(() => pages.delete(view.id));
    pages.set(view.id, page);
  }
  return page;
}

type Handler = (request: unknown, ctx: unknown) => Promise<unknown>;
type Ctx = { mcpReq?: { envelope?: Record<string, unknown> } };

/** The client's capabilities for this request: its 2026-07-28 envelope, else its initialize. */
function capabilitiesOf(server: McpServer, ctx: unknown): ClientCapabilities | undefined {
  const declared = (ctx as Ctx | undefined)?.mcpReq?.envelope?.['io.modelcontextprotocol/clientCapabilities'];
  return (declared as ClientCapabilities | undefined) ?? server.server.getClientCapabilities();
}

/** Replaces a request handler with one that post-processes its result (the SDK offers no hook). */
function wrap<R>(server: McpServer, method: 'tools/list' | 'resources/list', change: (result: R, ctx: unknown) => R): void {
  const inner = server.server as unknown as { _getRequestHandler(method: string): Handler | undefined };
  const handler = inner._getRequestHandler(method);
  if (!handler) throw new Error(`the MCP SDK has no ${method} handler to wrap`);
  server.server.setRequestHandler(method, async (request, ctx) => change((await handler(request, ctx)) as R, ctx) as never);
}

/**
 * Serves the views of the tools this server has: registers each as a resource and shows it only
 * to clients that render views (tools/list `_meta`, resources/list, the `resources` capability).
 * Called while the server is built, before it connects.
 */
export function installViews(server: McpServer, tools: Iterable<string>): void {
  const names = new Set(tools);
  const views = VIEWS.filter((v) => v.tools.some((t) => names.has(t)));
  if (views.length === 0) return;
  for (const view of views) {
    server.registerResource(view.id, view.uri, { title: view.title, description: view.description, mimeType: RESOURCE_MIME_TYPE, _meta: VIEW_RESOURCE_META }, async () => ({
      contents: [{ uri: view.uri, mimeType: RESOURCE_MIME_TYPE, text: await viewHtml(view), _meta: VIEW_RESOURCE_META }],
    }));
  }
  wrap<ListToolsResult>(server, 'tools/list', (result, ctx) => (rendersViews(capabilitiesOf(server, ctx)) ? { ...result, tools: result.tools.map(withView) } : result));
  wrap<ListResourcesResult>(server, 'resources/list', (result, ctx) => (rendersViews(capabilitiesOf(server, ctx)) ? result : { ...result, resources: result.resources.filter((r) => !r.uri.startsWith('ui://tarmac/')) }));
  // initialize (and server/discover) answer with getCapabilities(), after the client's own are known
  // (a 2026-07-28 HTTP request's server is given them from its envelope). When they are not (a
  // 2026-07-28 stdio connection is described before any request), resources stay advertised.
  const base = server.server.getCapabilities.bind(server.server);
  server.server.getCapabilities = (): ServerCapabilities => {
    const capabilities = base();
    const client = server.server.getClientCapabilities();
    if (client === undefined) return capabilities;
    if (rendersViews(client)) return { ...capabilities, extensions: { ...(capabilities.extensions ?? {}), [UI_EXTENSION]: {} } };
    const { resources: _views, ...rest } = capabilities;
    return rest;
  };
}

/** A listed tool with its view, in the form hosts read now and the one older hosts read. */
function withView<T extends { name: string; _meta?: Record<string, unknown> | undefined }>(tool: T): T {
  const view = viewForTool(tool.name);
  if (!view) return tool;
  return { ...tool, _meta: { ...tool._meta, ui: { resourceUri: view.uri }, [RESOURCE_URI_META_KEY]: view.uri } };
}
