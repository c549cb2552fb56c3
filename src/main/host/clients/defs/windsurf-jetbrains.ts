import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Windsurf): the JetBrains plugin reads
// ~/.codeium/mcp_config.json, same shape as Windsurf (`serverUrl`).
export const windsurfJetbrains: ClientDef = {
  id: 'windsurf-jetbrains',
  label: 'Windsurf for JetBrains',
  format: 'json',
  files: (ctx) => [join(ctx.home, '.codeium', 'mcp_config.json')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('serverUrl'),
  transport: 'http',
  supportsOAuth: false,
};
