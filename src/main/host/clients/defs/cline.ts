import { join } from 'node:path';
import { urlEntry, vscodeUserDir, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Cline): the VS Code extension keeps
// globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json in the VS Code user dir;
// `type: "streamableHttp"`, `url`, `headers`, `disabled`.
export const cline: ClientDef = {
  id: 'cline',
  label: 'Cline',
  format: 'json',
  files: (ctx) => [join(vscodeUserDir(ctx), 'globalStorage', 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json')],
  markers: (ctx) => [join(vscodeUserDir(ctx), 'globalStorage', 'saoudrizwan.claude-dev')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url', { type: 'streamableHttp' }),
  transport: 'http',
  supportsOAuth: false,
};
