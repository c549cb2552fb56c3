// A Tarmac host with a no-op tool, for bench:activity: "on" records every call (SQLite history +
// JSONL audit files), "off" records nothing. Prints "READY <url> <token>"; stops on SIGTERM.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '../../src/main/host/index.js';
import { defineTool } from '../../src/main/host/tools/catalogue.js';

const mode = process.argv[2];
if (mode !== 'on' && mode !== 'off') {
  process.stderr.write('usage: activity-server.ts on|off\n');
  process.exit(2);
}
const dataDir = await mkdtemp(join(tmpdir(), `tarmac-bench-activity-${mode}-`));
const host = createHost({
  dataDir,
  port: 0,
  keychainService: `tarmac-bench-${randomUUID()}`,
  logLevel: 'warn',
  maxSessions: 64,
  recordActivity: mode === 'on',
  tools: [
    defineTool({
      name: 'noop',
      provider: 'bench',
      title: 'No-op',
      description: 'no-op',
      class: 'read',
      input: {},
      run: async () => ({ text: 'ok' }),
    }),
  ],
});
const token = await host.tokens.create('bench');
const url = await host.start();
process.on('SIGTERM', () => {
  void (async () => {
    const recorded = host.activity.size;
    await host.tokens.revoke('bench').catch(() => undefined);
    await host.stop();
    await rm(dataDir, { recursive: true, force: true });
    // A pipe is written asynchronously: exit once the line is out.
    process.stdout.write(`RECORDED ${recorded}\n`, () => process.exit(0));
  })();
});
process.stdout.write(`READY ${url} ${token}\n`);
