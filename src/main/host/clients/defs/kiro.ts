import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: Kiro docs, MCP configuration (kiro.dev/docs/mcp/configuration), and
// shared/reference/client-configs.md: user level ~/.kiro/settings/mcp.json, `mcpServers`; remote
// servers `{url, headers}`.
export const kiro: ClientDef = {
  id: 'kiro',
  label: 'Kiro',
  format: 'json',
  files: (ctx) => [join(ctx.home, '.kiro', 'settings', 'mcp.json')],
  markers: (ctx) => [join(ctx.home, '.kiro')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url'),
  transport: 'http',
  supportsOAuth: false,
};
