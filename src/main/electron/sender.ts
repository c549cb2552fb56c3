import { pathToFileURL } from 'node:url';

// Which renderer may talk to the host. Pure (no Electron), so it is unit-tested on its own:
// ipc.ts reads the facts off the IPC event and main.ts decides where the renderer lives.

/** Where Tarmac's own renderer is loaded from. */
export interface RendererLocation {
  /** Absolute path of the built index.html, loaded over file://. */
  file: string;
  /** The electron-vite dev server; only ever set in development (never in a packaged app). */
  devServerUrl?: string;
}

/**
 * Where the renderer lives. ELECTRON_RENDERER_URL is honoured only when the app is not packaged:
 * a packaged Tarmac always loads its own files, whatever the environment says.
 */
export function rendererLocation(isPackaged: boolean, envUrl: string | undefined, file: string): RendererLocation {
  if (isPackaged || !envUrl) return { file };
  const url = parse(envUrl);
  if (!url || (url.protocol !== 'http:' && url.protocol !== 'https:')) return { file };
  return { file, devServerUrl: envUrl };
}

/** What an IPC event says about who sent it. */
export interface SenderFacts {
  /** The event came from the main window's web contents. */
  fromMainWindow: boolean;
  /** ...and from its top-level frame (not an iframe, not a detached frame). */
  isMainFrame: boolean;
  /** The frame's URL; null when the frame has gone (navigated away or destroyed). */
  url: string | null;
}

/** Only Tarmac's own main window, top frame, showing Tarmac's own renderer, may use the API. */
export function isAllowedSender(sender: SenderFacts, renderer: RendererLocation): boolean {
  return sender.fromMainWindow && sender.isMainFrame && sender.url !== null && isRendererUrl(sender.url, renderer);
}

/** Is this URL our renderer: the app's index.html over file://, or (development only) the dev server? */
export function isRendererUrl(candidate: string, renderer: RendererLocation): boolean {
  const url = parse(candidate);
  if (!url) return false;
  if (url.protocol === 'file:') {
    // The page may add a #route or ?query; the file itself must be exactly ours.
    const own = pathToFileURL(renderer.file);
    return url.host === own.host && samePath(url.pathname, own.pathname);
  }
  if (!renderer.devServerUrl || (url.protocol !== 'http:' && url.protocol !== 'https:')) return false;
  const dev = parse(renderer.devServerUrl);
  return dev !== null && url.origin === dev.origin;
}

function parse(value: string): URL | null {
  try {
    return new URL(value);
  } catch {
    return null;
  }
}

function samePath(a: string, b: string): boolean {
  const decode = (p: string) => {
    try {
      return decodeURIComponent(p);
    } catch {
      return null;
    }
  };
  const [da, db] = [decode(a), decode(b)];
  if (da === null || db === null) return false;
  // Windows paths are case-insensitive (the drive letter's case in particular varies).
  return process.platform === 'win32' ? da.toLowerCase() === db.toLowerCase() : da === db;
}

/** The AI clients' own install links the Clients page offers (they carry Tarmac's URL, never a token). */
export function isClientInstallLink(url: string): boolean {
  return /^(cursor:\/\/anysphere\.cursor-deeplink\/mcp\/install\?|vscode(-insiders)?:mcp\/install\?|lmstudio:\/\/add_mcp\?)/.test(url);
}
