import { join } from 'node:path';
import { bearerFrom, str, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (Continue: YAML, array `mcpServers`) and Continue's
// config.yaml reference: ~/.continue/config.yaml (CONTINUE_GLOBAL_DIR moves ~/.continue); each
// server is `{name, type: streamable-http, url}` with headers under `requestOptions.headers`.
export const continueDev: ClientDef = {
  id: 'continue',
  label: 'Continue',
  format: 'yaml',
  files: (ctx) => [join(ctx.env.CONTINUE_GLOBAL_DIR || join(ctx.home, '.continue'), 'config.yaml')],
  servers: { kind: 'list', path: ['mcpServers'], nameField: 'name' },
  entry: (p) => ({
    name: 'tarmac',
    type: 'streamable-http',
    url: p.url,
    ...(p.token ? { requestOptions: { headers: { Authorization: `Bearer ${p.token}` } } } : {}),
  }),
  inspect: (e) => ({ url: str(e.url), token: bearerFrom((e.requestOptions as { headers?: unknown } | undefined)?.headers) }),
  transport: 'http',
  supportsOAuth: false,
};
