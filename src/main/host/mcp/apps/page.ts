import type { ViewSpec } from './views.js';

/**
 * The page's own Content-Security-Policy, besides the one the host builds from the resource's
 * `_meta.ui.csp`: everything the view runs is inline, and it may load or reach nothing (no fetch,
 * no images from anywhere, no frames, no forms). Its data comes only from the tool result the host
 * passes in over postMessage, which no CSP governs.
 */
export const VIEW_CSP = "default-src 'none'; script-src 'unsafe-inline'; style-src 'unsafe-inline'; img-src data:; connect-src 'none'; frame-src 'none'; object-src 'none'; base-uri 'none'; form-action 'none'";

/** One view's page: the bundle's style and script inline, `data-view` naming what it shows. */
export function viewPage(view: ViewSpec, bundle: { script: string; style: string }): string {
  // A "</script" or "</style" inside the code would end its element early.
  const script = bundle.script.replace(/<\/(script)/gi, '<\\/$1');
  const style = bundle.style.replace(/<\/(style)/gi, '<\\/$1');
  return (
    '<!doctype html>\n' +
    `<html lang="en" data-view="${view.id}">\n<head>\n<meta charset="utf-8">\n` +
    `<meta http-equiv="Content-Security-Policy" content="${VIEW_CSP}">\n` +
    '<meta name="viewport" content="width=device-width, initial-scale=1">\n' +
    `<title>${view.title} · Tarmac</title>\n<style>${style}</style>\n</head>\n` +
    `<body>\n<div id="root"></div>\n<script>${script}</script>\n</body>\n</html>\n`
  );
}
