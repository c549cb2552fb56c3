import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: the Crush README (charmbracelet/crush): global config $XDG_CONFIG_HOME/crush/crush.json
// (%LOCALAPPDATA%\crush\crush.json on Windows), key `mcp`, HTTP servers `{type: "http", url,
// headers}`.
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
