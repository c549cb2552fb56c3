/** `tarmac ui`: the window in the system browser, served by this process with the MCP endpoint. */
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openInSystemBrowser } from '../host/accounts/system-browser.js';
import type { Host } from '../host/index.js';
import { startBrowserMode } from '../web/index.js';
import type { CommandContext } from './command.js';
import { makeHost, parsePort } from './host.js';
import type { CliIo } from './io.js';

export interface UiOptions {
  port?: number;
  open: boolean;
  /** The built renderer; default: next to the CLI bundle (out/cli -> out/renderer). */
  rendererDir?: string;
}

/** out/renderer, seen from the CLI bundle (out/cli) or, in a source checkout, from src/main/cli. */
export function defaultRendererDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const candidates = [join(here, '..', 'renderer'), join(here, '..', '..', 'renderer'), join(here, '..', '..', '..', 'out', 'renderer')];
  // A built renderer has its bundled assets next to index.html; src/renderer's own index.html
  // (the Vite source page) would load nothing in a browser.
  return candidates.find((dir) => existsSync(join(dir, 'index.html')) && existsSync(join(dir, 'assets'))) ?? candidates[0]!;
}

export async function ui(host: Host, options: UiOptions, io: CliIo, until: Promise<unknown> = signalled()): Promise<number> {
  // The window also works when the MCP endpoint cannot start (its page says why).
  await host.start().catch((err: unknown) => io.err(`tarmac: the MCP endpoint did not start: ${err instanceof Error ? err.message : String(err)}`));
  const mode = await startBrowserMode(host, {
    rendererDir: options.rendererDir ?? defaultRendererDir(),
    ...(options.port !== undefined ? { port: options.port } : {}),
    openBrowser: async (url) => {
      await openInSystemBrowser(url);
    },
  });
  const opened = options.open ? await openInSystemBrowser(mode.url) : false;
  io.err(opened ? 'Tarmac opened in your browser. Press Ctrl+C to stop.' : 'Open this link in your browser (it works once). Press Ctrl+C to stop.');
  if (host.guardrails.trustTerminal) io.err('Trust terminal: ON. Any process of this user may now loosen protection and approve calls. For unattended set-ups only.');
  // The link is the last line on stdout, so scripts and tests can read it.
  io.out(mode.url);
  await until;
  await mode.close();
  await host.stop();
  return 0;
}

function signalled(): Promise<void> {
  return new Promise((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
}

/** The command table's entry: --port is the window's own port; the MCP endpoint keeps its configured one. */
export async function run(ctx: CommandContext): Promise<number> {
  const windowPort = ctx.values.port !== undefined ? parsePort(ctx.values.port) : undefined;
  const host = makeHost({ ...ctx, values: { ...ctx.values, port: undefined } });
  return ui(host, { ...(windowPort !== undefined ? { port: windowPort } : {}), open: !ctx.values['no-open'] }, ctx.io);
}
