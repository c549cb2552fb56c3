import { join } from 'node:path';
import { bearerFrom, str, type ClientDef } from '../types.js';

// Source: goose docs, "Configuration Files" (block.github.io/goose/docs/guides/config-files):
// ~/.config/goose/config.yaml on macOS and Linux, %APPDATA%\Block\goose\config\config.yaml on
// Windows; `extensions.<name>`; remote servers are `type: streamable_http` with `uri` (per
// shared/reference/client-configs.md), plus `headers`, `enabled`, `timeout`.
export const goose: ClientDef = {
  id: 'goose',
  label: 'goose',
  format: 'yaml',
  files: (ctx) => [
    ctx.platform === 'win32' ? join(ctx.appData, 'Block', 'goose', 'config', 'config.yaml') : join(ctx.xdgConfig, 'goose', 'config.yaml'),
  ],
  servers: { kind: 'map', path: ['extensions'] },
  entry: (p) => ({
    name: 'tarmac',
    type: 'streamable_http',
    uri: p.url,
    ...(p.token ? { headers: { Authorization: `Bearer ${p.token}` } } : {}),
    enabled: true,
    timeout: 300,
  }),
  inspect: (e) => ({ url: str(e.uri), token: bearerFrom(e.headers) }),
  transport: 'http',
  supportsOAuth: false,
};
