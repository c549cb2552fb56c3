/**
 * `tarmac policy show | head -1`: a reader that stops early closes the pipe. The CLI leaves
 * quietly with the command's exit code instead of dying on an unhandled EPIPE, from the source
 * and from the build users install (bin/tarmac.js, `npm run build:cli`).
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUILDS, cliCommand, cliEnv } from '../helpers/cli.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-epipe-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs `<tarmac args> | <reader>` in bash: the reader's output, tarmac's stderr and exit code. */
function piped(build: (typeof BUILDS)[number], args: string[], reader: string): Promise<{ out: string; err: string; code: number }> {
  const { command, args: argv } = cliCommand([...args, '--data-dir', join(dir, 'data')], undefined, build);
  const script = `${[command, ...argv].map(quote).join(' ')} 2>${quote(join(dir, 'err'))} | ${reader}; code=\${PIPESTATUS[0]}; cat ${quote(join(dir, 'err'))} >&2; exit $code`;
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], { env: cliEnv({ HOME: join(dir, 'home') }), stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => (out += c.toString()));
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ out, err, code: code ?? -1 }));
  });
}

describe.each(BUILDS)('a closed stdout (%s)', (build) => {
  it('`policy show | head -1` prints the first line; `| true` (closed before the first write) exits 0 without EPIPE', async () => {
    const head = await piped(build, ['policy', 'show'], 'head -1');
    expect(head.out.trim().split('\n')).toHaveLength(1);
    expect(head.out).toMatch(/\S/);
    expect(head.code).toBe(0);
    expect(head.err).not.toMatch(/EPIPE|Unhandled 'error' event/);
    // `true` reads nothing and exits at once: every write of tarmac meets a closed pipe.
    for (let i = 0; i < 3; i++) {
      const closed = await piped(build, ['policy', 'show'], 'true');
      expect(closed.err).not.toMatch(/EPIPE|Unhandled 'error' event/);
      expect(closed.code).toBe(0);
    }
  }, 60_000);
});
