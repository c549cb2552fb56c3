import { execFile } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { cliCommand } from '../helpers/cli.js';

const PROBE = fileURLToPath(new URL('../fixtures/oauth-lazy-probe.ts', import.meta.url));

it('loads the authorization server (oidc-provider) on the first OAuth request only', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'tarmac-lazy-'));
  try {
    const { command, args } = cliCommand([dir], PROBE);
    const { stdout } = await promisify(execFile)(command, args, { timeout: 20_000 });
    expect(JSON.parse(stdout)).toEqual({ afterStart: false, afterIdleRequests: false, afterMetadata: true });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});
