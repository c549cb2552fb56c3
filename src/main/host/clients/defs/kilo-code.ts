import { join } from 'node:path';
import { urlEntry, vscodeUserDir, type ClientDef } from '../types.js';

// Source: Kilo Code is a fork of Roo Code and keeps the same layout under its own extension id
// (globalStorage/kilocode.kilo-code, seen in public tooling that reads that folder);
// settings/mcp_settings.json, `mcpServers`, `type: "streamable-http"`, `url`, `headers`.
export const kiloCode: ClientDef = {
  id: 'kilo-code',
  label: 'Kilo Code',
  format: 'json',
  files: (ctx) => [join(vscodeUserDir(ctx), 'globalStorage', 'kilocode.kilo-code', 'settings', 'mcp_settings.json')],
  markers: (ctx) => [join(vscodeUserDir(ctx), 'globalStorage', 'kilocode.kilo-code')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('url', { type: 'streamable-http' }),
  transport: 'http',
  supportsOAuth: false,
};
