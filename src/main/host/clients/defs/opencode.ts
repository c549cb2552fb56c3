import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { firstExisting, urlEntry, type ClientDef } from '../types.js';

// Source: what opencode 1.18.33 wrote when measured (shared/reference/client-configs.md):
// $XDG_CONFIG_HOME/opencode/opencode.jsonc, `mcp.<name> = {type: "remote", url, headers}`; an
// existing opencode.json or config.json there is used instead; OPENCODE_CONFIG names a file.
export const opencode: ClientDef = {
  id: 'opencode',
  label: 'opencode',
  format: 'jsonc',
  files: (ctx) => {
    if (ctx.env.OPENCODE_CONFIG) return [ctx.env.OPENCODE_CONFIG];
    const dir = join(ctx.xdgConfig, 'opencode');
    return firstExisting(['opencode.jsonc', 'opencode.json', 'config.json'].map((f) => join(dir, f)), existsSync);
  },
  servers: { kind: 'map', path: ['mcp'] },
  ...urlEntry('url', { type: 'remote' }),
  transport: 'http',
  supportsOAuth: true,
};
