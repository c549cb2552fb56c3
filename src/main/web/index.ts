/** Browser mode as one call: the host's API behind the web server, events pushed to every page. */
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { OpenBrowser } from '../host/accounts/browser.js';
import { createHostApi, type HostApi } from '../host/api.js';
import type { Host } from '../host/index.js';
import { z } from 'zod';
import { activityFilter } from '../../shared/api-schema.js';
import { WebServer } from './server.js';

export interface BrowserModeOptions {
  rendererDir: string;
  port?: number;
  /** Where sign-in URLs go (the system browser; tests pass Playwright's). */
  openBrowser: OpenBrowser;
}

export interface BrowserMode {
  /** The one-time link that opens the window. */
  url: string;
  origin: string;
  api: HostApi;
  close(): Promise<void>;
}

export class RendererMissingError extends Error {
  override readonly name = 'RendererMissingError';
}

export async function startBrowserMode(host: Host, options: BrowserModeOptions): Promise<BrowserMode> {
  if (!existsSync(join(options.rendererDir, 'index.html'))) {
    throw new RendererMissingError(`The window is not built (no ${join(options.rendererDir, 'index.html')}): run \`npm run build\` first.`);
  }
  let web: WebServer | null = null;
  const api = createHostApi(host, { openBrowser: options.openBrowser, emit: (event) => web?.broadcast(event) });
  web = new WebServer({
    rendererDir: options.rendererDir,
    call: (method, args) => api.call(method, args),
    log: host.log,
    ...(options.port !== undefined ? { port: options.port } : {}),
    exportActivity(filter, format) {
      const f = activityFilter.parse(filter);
      const kind = z.enum(['jsonl', 'csv']).parse(format);
      return {
        name: `tarmac-activity-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${kind}`,
        type: kind === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8',
        chunks: host.activityApi.export(f, kind),
      };
    },
  });
  const server = web;
  const url = await server.listen();
  host.log.info({ origin: server.origin }, 'browser mode listening');
  return {
    url,
    origin: server.origin,
    api,
    async close() {
      api.close();
      await server.close();
    },
  };
}
