import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Gemini CLI): ~/.gemini/settings.json, comments
// allowed; the entry is what `gemini mcp add --scope user --transport http` 0.61.0 wrote when
// measured: `{url, type: "http", headers}`.
export const geminiCli: ClientDef = {
  id: 'gemini-cli',
  label: 'Gemini CLI',
  format: 'jsonc',
  files: (ctx) => [join(ctx.home, '.gemini', 'settings.json')],
  servers: { kind: 'map', path: ['mcpServers'] },
  entry: (p) => ({ url: p.url, type: 'http', ...(p.token ? { headers: { Authorization: `Bearer ${p.token}` } } : {}) }),
  inspect: urlEntry('url').inspect,
  transport: 'http',
  supportsOAuth: true,
};
