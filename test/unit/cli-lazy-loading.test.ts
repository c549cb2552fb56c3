import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, BIN } from '../helpers/cli.js';

const RECORDER = fileURLToPath(new URL('../fixtures/record-imports.mjs', import.meta.url));
let dir: string;

beforeAll(() => {
  assertCliBuilt();
  dir = mkdtempSync(join(tmpdir(), 'tarmac-lazy-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The packages under node_modules that one run of the built CLI loads. */
function packagesLoadedBy(args: string[]): string[] {
  const record = join(dir, `imports-${randomUUID()}.txt`);
  const run = spawnSync(process.execPath, ['--import', RECORDER, BIN, ...args], {
    encoding: 'utf8',
    timeout: 30_000,
    env: {
      ...process.env,
      RECORD_IMPORTS_TO: record,
      HOME: dir,
      PATH: dirname(process.execPath), // no flyctl: status must not need to run one
      TARMAC_DATA_DIR: join(dir, 'data'),
      TARMAC_KEYCHAIN_SERVICE: `tarmac-test-${randomUUID()}`,
      NODE_DISABLE_COMPILE_CACHE: '1',
    },
  });
  expect(run.status, run.stderr).not.toBeNull();
  const urls = readFileSync(record, 'utf8').split('\n');
  const names = urls.map((u) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(u)?.[1]).filter((n): n is string => Boolean(n));
  return [...new Set(names)].sort();
}

describe('the CLI loads only what a command uses', () => {
  it('--help and --version load no dependency at all', () => {
    expect(packagesLoadedBy(['--help'])).toEqual([]);
    expect(packagesLoadedBy(['--version'])).toEqual([]);
  });

  it('status loads neither the MCP SDK nor the sign-in, console or process libraries', () => {
    const loaded = packagesLoadedBy(['status']);
    expect(loaded).toContain('keytar');
    for (const heavy of ['@modelcontextprotocol/sdk', '@modelcontextprotocol/server', '@modelcontextprotocol/node', 'openid-client', 'ws', 'execa', 'yaml']) expect(loaded).not.toContain(heavy);
  });
});
