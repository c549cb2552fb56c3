import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Gemini CLI, status): Antigravity reads
// ~/.gemini/antigravity/mcp_config.json, `mcpServers`, field `serverUrl`.
export const antigravity: ClientDef = {
  id: 'antigravity',
  label: 'Antigravity',
  format: 'json',
  files: (ctx) => [join(ctx.home, '.gemini', 'antigravity', 'mcp_config.json')],
  markers: (ctx) => [join(ctx.home, '.gemini', 'antigravity')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('serverUrl'),
  transport: 'http',
  supportsOAuth: false,
};
