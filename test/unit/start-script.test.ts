import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { execa } from 'execa';
import { describe, expect, it } from 'vitest';

describe('npm start without an Electron binary', () => {
  it('ends with one clear Tarmac message (how to install it, or browser mode), not a download attempt or a stack trace', async () => {
    const empty = await mkdtemp(join(tmpdir(), 'tarmac-no-electron-'));
    try {
      // An Electron "dist" folder without the binary: what an install with ELECTRON_SKIP_BINARY_DOWNLOAD leaves.
      const run = await execa(process.execPath, ['scripts/start.mjs'], { reject: false, env: { ELECTRON_OVERRIDE_DIST_PATH: empty }, timeout: 20_000 });
      expect(run.exitCode).toBe(1);
      expect(run.stdout).toBe('');
      expect(run.stderr).toMatch(/^tarmac: the Electron binary is not installed here, so the desktop app cannot start\./);
      expect(run.stderr).toContain('npx tarmac ui');
      expect(run.stderr).not.toMatch(/at .*\(|Downloading|Error:/);
    } finally {
      await rm(empty, { recursive: true, force: true });
    }
  });
});
