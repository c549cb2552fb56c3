import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertCliBuilt, startServe, type ServeProcess } from '../helpers/cli.js';
import { installation, type Installation } from '../helpers/shipped.js';
import { waitFor } from '../helpers/wait.js';
import { filesUnder } from '../helpers/files.js';

/**
 * Redaction by meaning holds for what ships: canary secrets in every argument shape, sent by an
 * SDK client to the built `bin/tarmac.js serve` at debug log level, each call held for approval
 * and approved with `tarmac approvals` (the server runs with --trust-terminal, the unattended
 * set-up), then read back with `tarmac activity --json`. No file under the data dir, no approval
 * listing, no activity output, no answer and nothing serve printed holds a canary; the names do.
 */
const CANARY = {
  envUrl: 'canary-b-envurl-5d7f9b1c3e',
  envKey: 'canary-b-envkey-0a2c4e6b8d',
  envPlain: 'canary-b-envplain-7e9a1c3d5f',
  argUrl: 'canary-b-argurl-4c6e8a0b2d',
  execMysql: 'canary-b-mysql-9d1f3b5a7c',
  execPg: 'canary-b-pgpass-2e4a6c8d0f',
  secretSet: 'canary-b-setval-8b0d2f4a6c',
};
const canaries = Object.values(CANARY);
const FLY_TOKEN = 'fo1_shipped-canary-token-0123456789';

describe('canary secrets through the built CLI', () => {
  let inst: Installation;
  let serve: ServeProcess | undefined;
  let client: Client;
  const shown: string[] = [];
  const answers: string[] = [];

  const expectNoCanary = (what: string, text: string | Buffer) => {
    for (const canary of canaries) expect(text.includes(canary), `${canary} in ${what}`).toBe(false);
  };

  const dataFiles = () => filesUnder(inst.dataDir);

  /** Call a tool, wait until it is listed as waiting, approve it from the terminal, and return its answer. */
  async function approvedCall(name: string, args: Record<string, unknown>): Promise<string> {
    const result = client.callTool({ name, arguments: args });
    let listing = '';
    await waitFor(async () => {
      listing = (await inst.run(['approvals', 'list', '--json'])).stdout;
      return (JSON.parse(listing || '[]') as unknown[]).length === 1;
    }, `${name} waiting for approval`, 20_000);
    shown.push(listing);
    const [pending] = JSON.parse(listing) as Array<{ id: string; tool: string }>;
    expect(pending!.tool).toBe(name);
    const approved = await inst.run(['approvals', 'approve', pending!.id]);
    expect(approved.code, approved.stderr).toBe(0);
    return JSON.stringify(await result);
  }

  beforeAll(async () => {
    assertCliBuilt();
    inst = await installation('build');
    expect((await inst.run(['login', 'fly', '--token-stdin'], { input: FLY_TOKEN })).code).toBe(0);
    const rules = join(inst.root, 'rules.json');
    // flyctl echoes what it was given: an error quoting the env, an answer quoting the command.
    await writeFile(
      rules,
      JSON.stringify([
        { match: 'machine run', fail: { code: 1, stderr: `Error: invalid env DATABASE_URL=postgres://app:${CANARY.envUrl}@db/app (${CANARY.envKey}, ${CANARY.envPlain})` } },
        { match: 'machine exec', stdout: `mysql: [Warning] Using a password on the command line (${CANARY.execMysql}) can be insecure.\n` },
      ]),
    );
    serve = await startServe(['--port', '0', '--data-dir', inst.dataDir, '--trust-terminal'], { ...inst.env, FAKE_FLYCTL_CONTROL: rules }, { build: 'build' });
    client = await inst.connect(serve.url, 'canary-agent');
    answers.push(
      await approvedCall('fly-machine-run', {
        app: 'web',
        image: 'nginx:1.27',
        env: [`DATABASE_URL=postgres://app:${CANARY.envUrl}@db/app`, `API_KEY=${CANARY.envKey}`, `FEATURE_FLAGS=${CANARY.envPlain}`, 'PORT=8080'],
      }),
      await approvedCall('fly-machine-update', { app: 'web', id: '148ed599b12289', metadata: [`repo=https://deploy:${CANARY.argUrl}@git.example.com/web.git`] }),
      await approvedCall('fly-machine-exec', { app: 'web', id: '148ed599b12289', command: `sh -c "PGPASSWORD=${CANARY.execPg} psql -h db && mysql -u root -p${CANARY.execMysql}"` }),
      await approvedCall('fly-secrets-set', { app: 'web', keyvalues: [`STRIPE_KEY=${CANARY.secretSet}`] }),
    );
    await client.close();
  }, 120_000);

  afterAll(async () => {
    await serve?.stop();
    await inst?.cleanup();
  });

  it('the approvals listed in the terminal show names and masked values only', () => {
    expect(shown).toHaveLength(4);
    expectNoCanary('tarmac approvals list', shown.join('\n'));
    expect(shown[0]).toContain('DATABASE_URL=[redacted]');
    expect(shown[1]).toContain('https://deploy:[redacted]@git.example.com/web.git');
    expect(shown[2]).toContain('PGPASSWORD=[redacted] psql -h db && mysql -u root -p[redacted]');
    expect(shown[3]).toContain('STRIPE_KEY=[redacted]');
  });

  it('the answers and tarmac activity --json hold no canary; the names are there', async () => {
    expectNoCanary('the answers', answers.join('\n'));
    let activity = await inst.run(['activity', '--json']);
    // The history is written in batches: the last call may land a moment after its answer.
    await waitFor(async () => (activity = await inst.run(['activity', '--json'])).stdout.trim().split('\n').length === 4, 'four calls in the history');
    expect(activity.code, activity.stderr).toBe(0);
    expectNoCanary('tarmac activity --json', activity.stdout);
    for (const name of ['DATABASE_URL', 'API_KEY', 'FEATURE_FLAGS', 'PGPASSWORD', 'STRIPE_KEY']) expect(activity.stdout).toContain(name);
  });

  it('no file under the data dir holds a canary, running and after serve stopped; serve printed none', async () => {
    const running = await dataFiles();
    expect([...running.keys()].some((p) => p.endsWith('-wal'))).toBe(true);
    expect([...running.keys()].some((p) => /logs\/tarmac\.log$/.test(p))).toBe(true);
    for (const [path, bytes] of running) expectNoCanary(path, bytes);
    expect((await readFile(join(inst.dataDir, 'logs', 'tarmac.log'), 'utf8')).includes('"level":20')).toBe(true);
    await serve!.stop();
    for (const [path, bytes] of await dataFiles()) expectNoCanary(`${path} (stopped)`, bytes);
    expectNoCanary('serve stderr', serve!.stderr());
  });
});
