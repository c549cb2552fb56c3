import { join } from 'node:path';
import { urlEntry, type ClientDef } from '../types.js';

// Source: what Qwen Code 0.24.4 wrote when measured (shared/reference/client-configs.md):
// ~/.qwen/settings.json, `mcpServers.<name> = {httpUrl, headers}` (a Gemini CLI fork: comments
// allowed).
export const qwenCode: ClientDef = {
  id: 'qwen-code',
  label: 'Qwen Code',
  format: 'jsonc',
  files: (ctx) => [join(ctx.home, '.qwen', 'settings.json')],
  servers: { kind: 'map', path: ['mcpServers'] },
  ...urlEntry('httpUrl'),
  transport: 'http',
  supportsOAuth: false,
};
