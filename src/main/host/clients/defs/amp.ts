import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Amp: key `amp.mcpServers`, a single dotted key) and
// the Amp manual: settings in ~/.config/amp/settings.json ($XDG_CONFIG_HOME/amp), remote servers
// `{url, headers}`.
export const amp: ClientDef = {
  id: 'amp',
  label: 'Amp',
  format: 'jsonc',
  files: (ctx) => [ctx.platform === 'win32' ? join(ctx.home, '.config', 'amp', 'settings.json') : join(ctx.xdgConfig, 'amp', 'settings.json')],
  servers: { kind: 'map', path: ['amp.mcpServers'] },
  ...urlEntry('url'),
  transport: 'http',
  supportsOAuth: false,
};
