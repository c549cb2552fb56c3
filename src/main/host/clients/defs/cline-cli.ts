import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Cline): the Cline CLI reads
// ~/.cline/data/settings/cline_mcp_settings.json, or CLINE_MCP_SETTINGS_PATH; same entry as Cline.
export const clineCli: ClientDef = {
  id: 'cline-cli',
  label: 'Cline CLI',
  format: 'json',
  files: (ctx) => [ctx.env.CLINE_MCP_SETTINGS_PATH || join(ctx.home, '.cline', 'data', 'settings', 'cline_mcp_settings.json')],
  markers: (ctx) => [join(ctx.home, '.cline')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url', { type: 'streamableHttp' }),
  transport: 'http',
  supportsOAuth: false,
};
