import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, type ServeProcess } from '../helpers/cli.js';
import { installation, type Installation } from '../helpers/shipped.js';

/**
 * A real AI client CLI (Claude Code, from npm) after `tarmac register`, for the source and the
 * build: with a token it connects; registered for OAuth it finds Tarmac's sign-in (it once got
 * "HTTP 500 trying to load OAuth metadata" from the build alone).
 */
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const CLAUDE = join(ROOT, '.cache', 'real-clients', 'node_modules', '.bin', 'claude');
const run = promisify(execFile);

beforeAll(async () => {
  await run(join(ROOT, 'scripts', 'install-real-clients.sh'), [], { timeout: 600_000 });
}, 660_000);

describe.each(BUILDS)('Claude Code with Tarmac (%s)', (build) => {
  let inst: Installation;
  let serve: ServeProcess;

  beforeAll(async () => {
    inst = await installation(build);
    serve = await inst.serve();
  });
  afterAll(async () => {
    await serve?.stop();
    await inst?.cleanup();
  });

  /** `claude mcp list` as a terminal runs it: this HOME and PATH, nothing of Tarmac's environment. */
  const claudeList = async () =>
    (await run(CLAUDE, ['mcp', 'list'], { cwd: inst.home, env: { HOME: inst.home, PATH: `${join(ROOT, '.cache', 'node', 'bin')}:${process.env.PATH ?? ''}`, NO_COLOR: '1', CI: '1' }, timeout: 90_000 })).stdout;

  it('register claude-code: claude mcp list says connected', async () => {
    const reg = await inst.run(['register', 'claude-code']);
    expect(reg.code, reg.stderr).toBe(0);
    expect(await claudeList()).toContain(`tarmac: ${serve.url} (HTTP) - ✔ Connected`);
  }, 120_000);

  it('register claude-code --oauth: claude finds the sign-in (needs authentication), not a failure', async () => {
    const reg = await inst.run(['register', 'claude-code', '--oauth', '--force']);
    expect(reg.code, reg.stderr).toBe(0);
    const listed = await claudeList();
    expect(listed).toContain(`tarmac: ${serve.url} (HTTP) - ! Needs authentication`);
    expect(listed).not.toContain('Failed to connect');
  }, 120_000);
});
