import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firstExisting, urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (LM Studio >= 0.3.17): ~/.lmstudio/mcp.json (older
// installs ~/.cache/lm-studio/mcp.json), Cursor notation; install link
// lmstudio://add_mcp?name=&config=<base64 entry>.
export const lmStudio: ClientDef = {
  id: 'lm-studio',
  label: 'LM Studio',
  format: 'json',
  files: (ctx) => firstExisting([join(ctx.home, '.lmstudio', 'mcp.json'), join(ctx.home, '.cache', 'lm-studio', 'mcp.json')], existsSync),
  markers: (ctx) => [join(ctx.home, '.lmstudio'), join(ctx.home, '.cache', 'lm-studio')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url'),
  transport: 'http',
  supportsOAuth: false,
  installLink: (p) => `lmstudio://add_mcp?name=tarmac&config=${Buffer.from(JSON.stringify({ url: p.url })).toString('base64')}`,
};
