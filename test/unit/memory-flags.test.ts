import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { delimiter, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { CLI_SHEBANG, MALLOC_ENV, SEMI_SPACE_MIB, V8_MEMORY_FLAGS } from '../../src/main/host/memory.js';

// V8 takes heap flags only when it starts: every entry point passes the one cap in memory.ts.
const BIN = fileURLToPath(new URL('../../bin/tarmac.js', import.meta.url));
const MAIN = fileURLToPath(new URL('../../src/main/electron/main.ts', import.meta.url));

describe('semi-space cap', () => {
  it('is a small whole number of MiB', () => {
    expect(V8_MEMORY_FLAGS).toBe(`--max-semi-space-size=${SEMI_SPACE_MIB}`);
    expect(SEMI_SPACE_MIB).toBeGreaterThanOrEqual(1);
    expect(SEMI_SPACE_MIB).toBeLessThanOrEqual(16);
  });

  it('reaches Node, with the allocator setting, when the installed `tarmac` command runs (shebang)', () => {
    expect(CLI_SHEBANG).toBe(`#!/usr/bin/env -S MALLOC_ARENA_MAX=${MALLOC_ENV.MALLOC_ARENA_MAX} node ${V8_MEMORY_FLAGS}`);
    expect(readFileSync(BIN, 'utf8').split('\n')[0]).toBe(CLI_SHEBANG);
    if (process.platform === 'win32') return; // npm's cmd shim reads the same line there
    // Run the file itself, this Node first on PATH; a preloaded one-liner reports Node's own flags.
    const run = spawnSync(BIN, ['--version'], {
      env: {
        ...process.env,
        PATH: `${dirname(process.execPath)}${delimiter}${process.env.PATH ?? ''}`,
        MALLOC_ARENA_MAX: '',
        // Before bin/tarmac.js runs: what Node was started with; at exit: what its children would inherit.
        NODE_OPTIONS:
          '--import=data:text/javascript,globalThis.arenas=process.env.MALLOC_ARENA_MAX;process.on(`exit`,()=>process.stderr.write(JSON.stringify([globalThis.arenas,process.env.MALLOC_ARENA_MAX??null,...process.execArgv])))',
      },
      encoding: 'utf8',
      timeout: 20_000,
    });
    expect(run.status, run.stderr).toBe(0);
    const [arenas, inherited, ...execArgv] = JSON.parse(run.stderr.trim().split('\n').pop()!) as (string | null)[];
    expect(execArgv).toContain(V8_MEMORY_FLAGS);
    expect(arenas).toBe(MALLOC_ENV.MALLOC_ARENA_MAX);
    // The programs Tarmac starts (flyctl, a browser) do not inherit it.
    expect(inherited).toBeNull();
  });

  it('reaches the Electron processes through js-flags', () => {
    expect(readFileSync(MAIN, 'utf8')).toContain("app.commandLine.appendSwitch('js-flags', V8_MEMORY_FLAGS)");
  });
});
