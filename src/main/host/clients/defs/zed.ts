import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Zed): settings.json in $XDG_CONFIG_HOME/zed
// (~/.config/zed on macOS and Linux), %APPDATA%\Zed on Windows; `context_servers`; `url` +
// `headers`; JSONC with many comments, which are kept.
export const zed: ClientDef = {
  id: 'zed',
  label: 'Zed',
  format: 'jsonc',
  files: (ctx) => [ctx.platform === 'win32' ? join(ctx.appData, 'Zed', 'settings.json') : join(ctx.xdgConfig, 'zed', 'settings.json')],
  servers: { kind: 'map', path: ['context_servers'] },
  ...urlEntry('url'),
  transport: 'http',
  supportsOAuth: false,
};
