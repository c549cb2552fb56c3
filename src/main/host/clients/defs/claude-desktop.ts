import { join } from 'node:path';
import { str, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Claude Desktop): claude_desktop_config.json under
// ~/Library/Application Support/Claude (macOS), %APPDATA%\Claude (Windows), ~/.config/Claude on
// Linux (unofficial builds). Entries there are stdio only (`url` entries are ignored), and remote
// connectors run from Anthropic's cloud, which cannot reach 127.0.0.1: so Tarmac registers its own
// stdio bridge, which takes this client's token from the keychain. Nothing secret is in the file.
export const claudeDesktop: ClientDef = {
  id: 'claude-desktop',
  label: 'Claude Desktop',
  format: 'json',
  files: (ctx) => {
    if (ctx.platform === 'darwin') return [join(ctx.appSupport, 'Claude', 'claude_desktop_config.json')];
    if (ctx.platform === 'win32') return [join(ctx.appData, 'Claude', 'claude_desktop_config.json')];
    return [join(ctx.xdgConfig, 'Claude', 'claude_desktop_config.json')];
  },
  servers: { kind: 'map', path: ['mcpServers'] },
  entry: (p) => ({
    command: p.launcher.command,
    args: [...p.launcher.args, 'bridge', '--client', p.clientId, ...(p.dataDir ? ['--data-dir', p.dataDir] : [])],
    ...(Object.keys(p.launcher.env).length ? { env: { ...p.launcher.env } } : {}),
  }),
  inspect: (e) => {
    const args = Array.isArray(e.args) ? e.args.map(String) : [];
    const i = args.indexOf('bridge');
    const c = args.indexOf('--client');
    return { url: null, token: null, bridgeClient: i >= 0 && c > i ? (args[c + 1] ?? null) : i >= 0 ? 'stdio' : null, ...(str(e.url) ? { url: str(e.url) } : {}) };
  },
  transport: 'bridge',
  supportsOAuth: false,
};
