/**
 * A test host for MCP Apps views, run in Chromium: what a client that renders views does with a
 * tool's view and its result (ext-apps' AppBridge on the host side). The view's HTML goes into an
 * iframe sandboxed to scripts only (an opaque origin: no access to this page, its storage or its
 * cookies) under the CSP the extension tells hosts to build from the resource's `_meta.ui.csp`;
 * the bridge answers the view's ui/initialize with a host context (theme), then passes the call's
 * arguments and its result, and sizes the frame as the view asks.
 */
import { AppBridge, buildAllowAttribute, PostMessageTransport } from '@modelcontextprotocol/ext-apps/app-bridge';
import type { RenderRequest, ViewCsp } from './types.js';

/** The CSP the extension's specification tells a host to build from `_meta.ui.csp`. */
export function hostCsp(csp: ViewCsp | undefined): string {
  const resources = (csp?.resourceDomains ?? []).join(' ');
  return [
    "default-src 'none'",
    `script-src 'self' 'unsafe-inline' ${resources}`,
    `style-src 'self' 'unsafe-inline' ${resources}`,
    `connect-src 'self' ${(csp?.connectDomains ?? []).join(' ')}`,
    `img-src 'self' data: ${resources}`,
    `font-src 'self' ${resources}`,
    `media-src 'self' data: ${resources}`,
    `frame-src ${(csp?.frameDomains ?? []).join(' ') || "'none'"}`,
    "object-src 'none'",
    `base-uri ${(csp?.baseUriDomains ?? []).join(' ') || "'self'"}`,
  ].join('; ');
}

let bridge: AppBridge | undefined;

async function render(request: RenderRequest): Promise<void> {
  document.getElementById('view')?.remove();
  const iframe = document.createElement('iframe');
  iframe.id = 'view';
  iframe.title = 'Tool view';
  iframe.setAttribute('sandbox', 'allow-scripts');
  // Tarmac's views ask for no permission (camera, clipboard, ...): the frame gets none.
  iframe.setAttribute('allow', buildAllowAttribute(undefined));
  // The host's policy goes first in <head>; the view's own policy applies as well (both are enforced).
  iframe.srcdoc = request.html.replace('<head>', `<head><meta http-equiv="Content-Security-Policy" content="${hostCsp(request.csp)}">`);
  document.body.append(iframe);
  bridge = new AppBridge(null, { name: 'tarmac-test-host', version: '1.0.0' }, {}, { hostContext: { ...(request.theme ? { theme: request.theme } : {}), displayMode: 'inline', availableDisplayModes: ['inline'], platform: 'web' } });
  bridge.onsizechange = ({ height }) => {
    if (height !== undefined) iframe.style.height = `${height}px`;
  };
  const initialized = new Promise<void>((resolve) => (bridge!.oninitialized = () => resolve()));
  await bridge.connect(new PostMessageTransport(iframe.contentWindow!, iframe.contentWindow!));
  await initialized;
  await bridge.sendToolInput({ arguments: request.input });
  if (request.result) await bridge.sendToolResult(request.result as Parameters<AppBridge['sendToolResult']>[0]);
  else await bridge.sendToolCancelled({ reason: 'stopped by the test' });
}

async function setTheme(theme: 'light' | 'dark'): Promise<void> {
  await bridge?.sendHostContextChange({ theme });
}

Object.assign(globalThis, { renderView: render, setHostTheme: setTheme });
