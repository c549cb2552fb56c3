import { join } from 'node:path';
import { urlEntry, vscodeUserDir, type ClientDef } from '../types.js';

// Source: Roo Code docs, "Using MCP in Roo Code" (docs.roocode.com/features/mcp/using-mcp-in-roo):
// global servers in mcp_settings.json in the extension's storage
// (globalStorage/rooveterinaryinc.roo-cline/settings), `mcpServers`; remote servers take
// `type: "streamable-http"`, `url`, `headers`.
export const rooCode: ClientDef = {
  id: 'roo-code',
  label: 'Roo Code',
  format: 'json',
  files: (ctx) => [join(vscodeUserDir(ctx), 'globalStorage', 'rooveterinaryinc.roo-cline', 'settings', 'mcp_settings.json')],
  markers: (ctx) => [join(vscodeUserDir(ctx), 'globalStorage', 'rooveterinaryinc.roo-cline')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url', { type: 'streamable-http' }),
  transport: 'http',
  supportsOAuth: false,
};
