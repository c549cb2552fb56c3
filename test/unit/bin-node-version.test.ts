import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parse } from 'acorn';
import { describe, expect, it } from 'vitest';

const BIN = fileURLToPath(new URL('../../bin/tarmac.js', import.meta.url));
const PRETEND_20 = fileURLToPath(new URL('../fixtures/old-node/pretend-node-20.cjs', import.meta.url));

describe('bin/tarmac.js on an old Node', () => {
  it('prints one line (found, needed, how to get it) and exits 1 before loading anything', () => {
    const run = spawnSync(process.execPath, ['--require', PRETEND_20, BIN, '--help'], { encoding: 'utf8', timeout: 20_000 });
    expect(run.status).toBe(1);
    expect(run.stdout).toBe('');
    const lines = run.stderr.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/needs Node\.js 22\.13 or newer/);
    expect(lines[0]).toContain('is Node.js 20.11.0');
    expect(lines[0]).toContain(process.execPath);
    expect(lines[0]).toMatch(/https:\/\/nodejs\.org\//);
  });

  it('is ES5 without imports, so even a Node that cannot run Tarmac parses it', () => {
    const source = readFileSync(BIN, 'utf8');
    expect(() => parse(source, { ecmaVersion: 5, sourceType: 'script', allowHashBang: true })).not.toThrow();
  });

  it('asks for the same minimum as package.json "engines"', () => {
    const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { engines: { node: string } };
    const needed = /var NEEDED = \[(\d+), (\d+)\]/.exec(readFileSync(BIN, 'utf8'));
    expect(pkg.engines.node).toBe(`>=${needed?.[1]}.${needed?.[2]}`);
  });
});
