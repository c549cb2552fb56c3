import { join } from 'node:path';
import { str, bearerFrom, type ClientDef } from '../types.js';

// Source: shared/reference/client-configs.md (OpenAI Codex): $CODEX_HOME/config.toml (default
// ~/.codex), table [mcp_servers.<name>] with `url`. A literal `http_headers` works (measured with
// Codex CLI 0.171.0) and needs nothing set before Codex starts, unlike `bearer_token_env_var`;
// the file is made 0600. OAuth: the URL alone, then `codex mcp login tarmac`.
export const codex: ClientDef = {
  id: 'codex',
  label: 'OpenAI Codex',
  format: 'toml',
  files: (ctx) => [join(ctx.env.CODEX_HOME || join(ctx.home, '.codex'), 'config.toml')],
  servers: { kind: 'map', path: ['mcp_servers'] },
  entry: (p) => ({ url: p.url, ...(p.token ? { http_headers: { Authorization: `Bearer ${p.token}` } } : {}) }),
  inspect: (e) => ({ url: str(e.url), token: bearerFrom(e.http_headers) }),
  transport: 'http',
  supportsOAuth: true,
};
