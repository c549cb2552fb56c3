import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Windsurf): ~/.codeium/windsurf/mcp_config.json,
// `mcpServers`, `serverUrl` (a Cursor-style `url` does not connect) + `headers`.
export const windsurf: ClientDef = {
  id: 'windsurf',
  label: 'Windsurf',
  format: 'json',
  files: (ctx) => [join(ctx.home, '.codeium', 'windsurf', 'mcp_config.json')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('serverUrl'),
  transport: 'http',
  supportsOAuth: false,
};
