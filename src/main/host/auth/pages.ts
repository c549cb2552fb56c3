import type { ServerResponse } from 'node:http';

export const STYLESHEET_PATH = '/oauth/consent.css';

export interface ConsentView {
  uid: string;
  csrf: string;
  /** What the client calls itself (client_name), or null. */
  clientName: string | null;
  /** Where a client ID metadata document came from, for clients identified by URL. */
  clientIdHost: string | null;
  /** host[:port] the code goes back to. */
  redirectHost: string;
  /** The MCP endpoint the tokens are good for. */
  resource: string;
}

/** Headers of every page: no framing, no inline script or style, nothing cached, nothing leaked. */
export function pageHeaders(formTargets: readonly string[] = []): Record<string, string> {
  const formAction = ["'self'", ...formTargets].join(' ');
  return {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': `default-src 'none'; style-src 'self'; img-src 'self' data:; form-action ${formAction}; frame-ancestors 'none'; base-uri 'none'`,
    'X-Frame-Options': 'DENY',
    'X-Content-Type-Options': 'nosniff',
    // Not no-referrer: Chromium then sends "Origin: null" on the form POST, which the gate refuses.
    'Referrer-Policy': 'same-origin',
    'Cache-Control': 'no-store',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cross-Origin-Resource-Policy': 'same-origin',
  };
}

export function sendPage(res: ServerResponse, status: number, html: string, formTargets: readonly string[] = []): void {
  const body = Buffer.from(html, 'utf8');
  res.writeHead(status, { ...pageHeaders(formTargets), 'Content-Length': body.length });
  res.end(body);
}

export function consentPage(v: ConsentView): string {
  const name = v.clientName ? escapeHtml(truncate(v.clientName, 80)) : 'An unnamed app';
  const identity = v.clientIdHost
    ? `<span class="muted">identified by ${escapeHtml(v.clientIdHost)}</span>`
    : '<span class="muted">name given by the app itself, not verified</span>';
  return layout(
    `Allow ${name} to use Tarmac?`,
    `<h1>Allow ${name} to use Tarmac?</h1>
  <p class="lead">An app on this computer asks to use your Fly.io and Flight Control tools through Tarmac.</p>
  <dl class="facts">
    <div><dt>App</dt><dd>${name}<br>${identity}</dd></div>
    <div><dt>Returns to</dt><dd><code>${escapeHtml(v.redirectHost)}</code></dd></div>
    <div><dt>Will reach</dt><dd>Tarmac's Fly.io and Flight Control tools at <code>${escapeHtml(v.resource)}</code></dd></div>
    <div><dt>For how long</dt><dd>Until you revoke it in Tarmac (<code>tarmac token revoke</code>), a year at most</dd></div>
  </dl>
  <p class="note">These tools can change and delete Fly.io apps and fleet devices with your accounts. Every call is recorded in Tarmac's activity log. Allow only an app you just started yourself.</p>
  <form method="post" action="/oauth/consent/${encodeURIComponent(v.uid)}" class="actions">
    <input type="hidden" name="csrf" value="${escapeHtml(v.csrf)}">
    <button type="submit" name="decision" value="deny" class="secondary">Deny</button>
    <button type="submit" name="decision" value="allow" class="primary">Allow</button>
  </form>`,
  );
}

export function messagePage(title: string, message: string): string {
  return layout(escapeHtml(title), `<h1>${escapeHtml(title)}</h1>\n  <p class="lead">${escapeHtml(message)}</p>`);
}

/** title and content are HTML, already escaped. */
function layout(title: string, content: string): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light dark">
<title>${title}</title>
<link rel="stylesheet" href="${STYLESHEET_PATH}">
</head>
<body>
<main class="card">
  <div class="brand"><svg viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="2" stroke-linecap="round" stroke-linejoin="round" aria-hidden="true"><path d="M12 3v18"/><path d="M5 21 9 3"/><path d="M19 21 15 3"/><path d="M12 7v1M12 12v1M12 17v1"/></svg>Tarmac</div>
  ${content}
</main>
</body>
</html>
`;
}

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] ?? c);
}

function truncate(value: string, max: number): string {
  return value.length > max ? `${value.slice(0, max - 1)}…` : value;
}
