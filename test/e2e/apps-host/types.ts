/** What the MCP Apps test host page (host-page.ts) is asked to render; no DOM types, so Node-side tests import it too. */
export interface ViewCsp {
  connectDomains?: string[];
  resourceDomains?: string[];
  frameDomains?: string[];
  baseUriDomains?: string[];
}

export interface RenderRequest {
  html: string;
  csp?: ViewCsp;
  input: Record<string, unknown>;
  /** The CallToolResult, as the server sent it; absent: the call is cancelled instead. */
  result?: Record<string, unknown>;
  /** Absent: the host sends no theme (the view follows the system's). */
  theme?: 'light' | 'dark' | undefined;
}
