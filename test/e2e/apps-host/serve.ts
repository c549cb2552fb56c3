/**
 * Serves the MCP Apps test host page (host-page.ts, bundled for the browser with ext-apps'
 * AppBridge) on loopback, and counts every other request that reaches it: a view that got
 * through its sandbox to the network would show up there.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import { build, type Rollup } from 'vite';

export interface AppsHost {
  url: string;
  /** Paths requested besides the page itself. */
  strayRequests: string[];
  close(): Promise<void>;
}

async function hostScript(): Promise<string> {
  const out = (await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      minify: false,
      target: 'es2022',
      lib: { entry: fileURLToPath(new URL('./host-page.ts', import.meta.url)), formats: ['iife'], name: 'TestHost', fileName: () => 'host.js' },
    },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunk = (Array.isArray(out) ? out : [out]).flatMap((o) => o.output).find((o): o is Rollup.OutputChunk => o.type === 'chunk');
  if (!chunk) throw new Error('the test host page did not build');
  return chunk.code;
}

export async function startAppsHost(): Promise<AppsHost> {
  const script = (await hostScript()).replace(/<\/(script)/gi, '<\\/$1');
  const page =
    '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>MCP Apps test host</title><link rel="icon" href="data:,">' +
    '<style>body{margin:0;background:Canvas;color:CanvasText}iframe{display:block;width:100%;height:200px;border:0}</style></head>' +
    `<body><h1 style="position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)">MCP Apps test host</h1><script>${script}</script></body></html>`;
  const strayRequests: string[] = [];
  const server: Server = createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-store' });
      res.end(page);
      return;
    }
    strayRequests.push(`${req.method} ${req.url}`);
    res.writeHead(204);
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    strayRequests,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
