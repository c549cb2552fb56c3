import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: the Crush README (charmbracelet/crush, "Configuration" and "MCPs"): global config
// $HOME/.config/crush/crush.json (users report $XDG_CONFIG_HOME/crush/crush.json), key `mcp`,
// transports stdio, http and sse; HTTP servers `{type: "http", url, headers}`. The Windows folder
// (%LOCALAPPDATA%\crush) is not in the README: unverified.
export const crush: ClientDef = {
  id: 'crush',
  label: 'Crush',
  format: 'json',
  files: (ctx) => [
    ctx.platform === 'win32'
      ? join(ctx.env.LOCALAPPDATA || join(ctx.home, 'AppData', 'Local'), 'crush', 'crush.json')
      : join(ctx.xdgConfig, 'crush', 'crush.json'),
  ],
  servers: { kind: 'map', path: ['mcp'] },
  ...urlEntry('url', { type: 'http' }),
  transport: 'http',
  supportsOAuth: false,
};
