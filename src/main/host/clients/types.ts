import { homedir } from 'node:os';
import { join } from 'node:path';

export type ConfigFormat = 'json' | 'jsonc' | 'toml' | 'yaml';

/** Where the client's user-level files live, from HOME, the platform and the env overrides it honours. */
export interface PathContext {
  home: string;
  env: NodeJS.ProcessEnv;
  platform: NodeJS.Platform;
  /** %APPDATA% on Windows. */
  appData: string;
  /** $XDG_CONFIG_HOME or ~/.config. */
  xdgConfig: string;
  /** ~/Library/Application Support on macOS. */
  appSupport: string;
}

export function pathContext(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): PathContext {
  // HOME first: tests and users aim the CLI at another home with it, on every platform.
  const home = env.HOME || env.USERPROFILE || homedir();
  return {
    home,
    env,
    platform,
    appData: env.APPDATA || join(home, 'AppData', 'Roaming'),
    xdgConfig: env.XDG_CONFIG_HOME || join(home, '.config'),
    appSupport: join(home, 'Library', 'Application Support'),
  };
}

/** The OS folder of an Electron/VS Code style app: macOS Application Support, %APPDATA%, or XDG config. */
export function appConfigDir(ctx: PathContext, name: string): string {
  if (ctx.platform === 'darwin') return join(ctx.appSupport, name);
  if (ctx.platform === 'win32') return join(ctx.appData, name);
  return join(ctx.xdgConfig, name);
}

/** VS Code's user folder (or a fork's: "Code - Insiders"); VSCODE_PORTABLE moves it. */
export function vscodeUserDir(ctx: PathContext, product = 'Code'): string {
  if (ctx.env.VSCODE_PORTABLE && product === 'Code') return join(ctx.env.VSCODE_PORTABLE, 'user-data', 'User');
  return join(appConfigDir(ctx, product), 'User');
}

/** What goes into a client's entry: the endpoint URL and, unless the client signs in with OAuth, its token. */
export interface EntryParams {
  url: string;
  /** null: OAuth, the URL alone. */
  token: string | null;
  /** How to start `tarmac bridge` (stdio-only clients). */
  launcher: Launcher;
  /** The client's id: the bridge asks the keychain for this client's token. */
  clientId: string;
  /** --data-dir to pass to the bridge when it is not the default. */
  dataDir: string | null;
}

/** The command that runs Tarmac's CLI without a system Node. */
export interface Launcher {
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** Where the servers live in the file: a map keyed by server name, or a list of entries with a name field. */
export type ServersLocation = { kind: 'map'; path: string[] } | { kind: 'list'; path: string[]; nameField: string };

export interface ClientDef {
  id: string;
  label: string;
  format: ConfigFormat;
  /**
   * Every file Tarmac's entry goes into. Most clients have one (the first existing candidate, else
   * the first); VS Code has one per profile.
   */
  files(ctx: PathContext): string[];
  /** Folders whose presence means the client is installed (default: the config files' folders). */
  markers?(ctx: PathContext): string[];
  servers: ServersLocation;
  /** The entry Tarmac writes. */
  entry(p: EntryParams): Record<string, unknown>;
  /** The URL an existing entry points at, and the bearer token it carries, if any. */
  inspect(entry: Record<string, unknown>): { url: string | null; token: string | null; bridgeClient?: string | null };
  /** 'http' entries connect to the endpoint; 'bridge' entries start `tarmac bridge`. */
  transport: 'http' | 'bridge';
  /** The client speaks MCP OAuth, so the URL alone works (it signs in through Tarmac's consent page). */
  supportsOAuth: boolean;
  /** A link the client opens to add a server itself. */
  installLink?(p: EntryParams): string;
  /** The client's own CLI command that adds the server (URL only: the client signs in itself). */
  installCommand?(p: EntryParams): string[];
}

/** The first candidate that exists, else the first: where a new file is made. */
export function firstExisting(candidates: string[], exists: (path: string) => boolean): string[] {
  return [candidates.find(exists) ?? candidates[0]!];
}

export const SERVER_NAME = 'tarmac';

/** Authorization header value, or nothing for OAuth. */
export function authHeaders(token: string | null): { headers?: Record<string, string> } {
  return token ? { headers: { Authorization: `Bearer ${token}` } } : {};
}

/** Read `Authorization: Bearer X` from a headers-like object (any case). */
export function bearerFrom(headers: unknown): string | null {
  if (!headers || typeof headers !== 'object') return null;
  for (const [k, v] of Object.entries(headers as Record<string, unknown>)) {
    if (k.toLowerCase() === 'authorization' && typeof v === 'string') {
      const m = /^Bearer\s+(.+)$/i.exec(v.trim());
      return m ? m[1]! : v;
    }
  }
  return null;
}

export function str(v: unknown): string | null {
  return typeof v === 'string' ? v : null;
}

/** The common shape: `{url, headers}` plus fixed extra keys (type and the like). */
export function urlEntry(
  urlField: string,
  extra: Record<string, unknown> = {},
): Pick<ClientDef, 'entry' | 'inspect'> {
  return {
    entry: (p) => ({ ...extra, [urlField]: p.url, ...authHeaders(p.token) }),
    inspect: (e) => ({ url: str(e[urlField]), token: bearerFrom(e.headers) }),
  };
}
