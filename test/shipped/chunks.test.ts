import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { assertCliBuilt } from '../helpers/cli.js';

/**
 * Every file of what ships loads: the CLI's CommonJS chunks (with their interop towards ES-module
 * packages checked) and the desktop main's ES modules (every import linked, electron stood in).
 * The OAuth server once failed only in the bundle ("oidc_provider.default is not a constructor").
 */
const LOADER = fileURLToPath(new URL('../fixtures/shipped/load-chunks.mjs', import.meta.url));
const OUT = fileURLToPath(new URL('../../out/', import.meta.url));
const home = mkdtempSync(join(tmpdir(), 'tarmac-chunks-'));
afterAll(() => rmSync(home, { recursive: true, force: true }));

function load(kind: 'cjs' | 'esm', dir: string): { loaded: string[]; failed: Array<{ file: string; error: string }> } {
  const run = spawnSync(process.execPath, [LOADER, kind, join(OUT, dir)], {
    encoding: 'utf8',
    timeout: 60_000,
    // Nothing a module does at load reaches the real home, data dir or keychain.
    env: { PATH: process.env.PATH, HOME: home, TARMAC_DATA_DIR: join(home, 'data'), TARMAC_KEYCHAIN_SERVICE: 'tarmac-test-chunks' },
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{"loaded"'));
  expect(line, `${run.stdout}\n${run.stderr}`).toBeTruthy();
  return JSON.parse(line!) as { loaded: string[]; failed: Array<{ file: string; error: string }> };
}

describe('what ships loads', () => {
  it('every chunk of out/cli loads, and none reads the default of an ES module through Node-mode interop', () => {
    assertCliBuilt();
    const { loaded, failed } = load('cjs', 'cli');
    expect(failed).toEqual([]);
    // The OAuth server's chunk is among them (it is loaded lazily, so no command test reaches it at start).
    expect(loaded.length).toBeGreaterThan(20);
    expect(loaded.some((f) => f.startsWith('chunks/provider-'))).toBe(true);
  });

  it('every module of out/main (the desktop main) links and loads', () => {
    const { loaded, failed } = load('esm', 'main');
    expect(failed).toEqual([]);
    expect(loaded).toContain('index.js');
  });
});
