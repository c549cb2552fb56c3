import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { createAppLog } from '../../src/main/host/log.js';

describe('the app log', () => {
  it('keeps what was logged before close and drops lines logged while and after it closes, without an uncaught "write after end"', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tarmac-log-'));
    try {
      const uncaught: unknown[] = [];
      const onError = (err: unknown) => uncaught.push(err);
      process.on('uncaughtException', onError);
      const { log, close } = createAppLog({ dataDir: dir, redactor: new Redactor(), level: 'info' });
      const child = log.child({ part: 'late' });
      log.info('before close');
      const closing = close();
      // Work still finishing as the host stops, through the root logger and a child made earlier:
      // while the file is being closed, and after.
      log.info('after close');
      child.warn('after close, from a child');
      await closing;
      log.info('after close, once closed');
      await close();
      await new Promise((r) => setTimeout(r, 50));
      process.off('uncaughtException', onError);
      expect(uncaught).toEqual([]);
      const text = await readFile(join(dir, 'logs', 'tarmac.log'), 'utf8');
      expect(text).toContain('before close');
      expect(text).not.toContain('after close');
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
