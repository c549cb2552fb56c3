import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { TarmacEvent } from '../../src/shared/api.js';
import type { PendingApproval } from '../../src/shared/policy.js';
import { createHostApi, type HostApi } from '../../src/main/host/api.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { defineTool } from '../../src/main/host/tools/catalogue.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';
import { testTools } from '../fixtures/test-tools.js';
import { filesUnder } from '../helpers/files.js';
import { startOtlpReceiver, type OtlpReceiver } from '../fixtures/otlp-receiver.js';

const ARG_CANARY = 'canary-arg-7f3a9c1e5b';
const STORED_CANARY = 'canary-stored-2d8e4f6a0c';
const KEY_CANARY = 'canary-keyed-9b1c3d5e7f';

let t: TestHost;
let errorTexts: string[] = [];

beforeAll(async () => {
  t = await startTestHost({ tools: testTools() });
  await t.secrets.set('fly:token', STORED_CANARY);
  const client = await t.connect();
  const results = await Promise.all([
    // A secret argument that the back end echoes in its error.
    client.callTool({ name: 'set-secret', arguments: { name: 'DATABASE_URL', value: ARG_CANARY } }),
    // A value the SecretStore holds, echoed by a tool that fails with it.
    client.callTool({ name: 'fail', arguments: { message: `upstream rejected token ${STORED_CANARY}` } }),
    // Echoed back as a result, the stored secret must not leak either.
    client.callTool({ name: 'echo', arguments: { text: `here is ${STORED_CANARY}` } }),
    // An argument whose key says it is secret, even though the tool did not mark it.
    client.callTool({ name: 'configure', arguments: { name: 'billing', api_key: KEY_CANARY } }),
  ]);
  errorTexts = results.map((r) => JSON.stringify(r));
  t.host.log.warn({ detail: `while handling ${STORED_CANARY}` }, `a log line that mentions ${ARG_CANARY}`);
  await waitFor(async () => (await t.readActivityFiles()).split('\n').filter(Boolean).length >= 4, 'activity written');
  t.host.log.flush();
});

afterAll(async () => t?.stop());

describe('secrets never reach logs, activity or error texts', () => {
  it('redacts secret arguments in the activity record and keeps the key names', () => {
    const call = t.activity().find((c) => c.tool === 'set-secret');
    expect(call?.args).toEqual({ name: 'DATABASE_URL', value: '[redacted]' });
    expect(call?.status).toBe('error');
  });

  it.each([
    ['the activity JSONL files', () => t.readActivityFiles()],
    ['the app log', () => t.readLogs()],
    ['the in-memory activity', async () => JSON.stringify(t.activity())],
    ['the results and error texts sent to the client', async () => errorTexts.join('\n')],
  ])('%s contain no canary', async (_what, read) => {
    const text = await read();
    expect(text.length).toBeGreaterThan(0);
    for (const canary of [ARG_CANARY, STORED_CANARY, KEY_CANARY]) expect(text).not.toContain(canary);
  });

  it('redacts an argument by its key name even when the tool did not mark it', () => {
    expect(t.activity().find((c) => c.tool === 'configure')?.args).toEqual({ name: 'billing', api_key: '[redacted]' });
  });

  it('still says what happened', async () => {
    expect(errorTexts[0]).toContain('backend refused DATABASE_URL=[redacted]');
    expect(await t.readLogs()).toContain('a log line that mentions [redacted]');
  });
});

/**
 * Canary secrets in every shape an argument can carry one, through real tool calls (the Fly tools
 * against the fake flyctl, each held for a person's approval), at debug log level, then exported
 * as CSV and JSON lines: no file under the data dir (history database, its -wal and -shm, JSONL,
 * logs, exports), no event the window receives, no notification and no answer holds a canary,
 * while the secret names stay readable.
 */
const CANARY = {
  envUrl: 'canary-envurl-3e9a1c7b5d',
  envKey: 'canary-envkey-8f2d4b6a0e',
  envPlain: 'canary-envplain-5c1e9a3f7b',
  argUrl: 'canary-argurl-2b8d6f0a4c',
  execMysql: 'canary-mysql-7a3c5e1b9d',
  execPg: 'canary-pgpass-4d6f8b0c2e',
  execToken: 'canary-token-9e1a3c5b7d',
  mapKey: 'canary-mapkey-6b0d2f4a8c',
  secretSet: 'canary-setval-1f3b5d7a9e',
};
const NAMES = ['DATABASE_URL', 'API_KEY', 'FEATURE_FLAGS', 'PGPASSWORD', 'SENTRY_DSN', 'STRIPE_KEY'];

describe('canaries in every argument shape, through approvals, logs and exports', () => {
  let h: TestHost;
  let dir: string;
  let api: HostApi;
  let client: Client;
  const events: TarmacEvent[] = [];
  const approvals: PendingApproval[] = [];
  const notes: string[] = [];
  const answers: string[] = [];
  const canaries = Object.values(CANARY);
  // OpenTelemetry export with the arguments included: the spans go through the same redaction.
  let rx: OtlpReceiver;

  const settings = defineTool({
    name: 'configure-service',
    provider: 'test',
    title: 'Configure a service',
    description: 'Takes a map of settings, some of which are secrets it does not mark.',
    class: 'write',
    input: { service: z.string(), settings: z.record(z.string(), z.string()) },
    run: async ({ service, settings: s }) => ({ text: `configured ${service} with ${Object.keys(s).join(', ')}` }),
  });

  const dataFiles = () => filesUnder(h.dataDir);

  function expectNoCanary(what: string, text: string | Buffer): void {
    for (const canary of canaries) expect(text.includes(canary), `${canary} in ${what}`).toBe(false);
  }

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tarmac-canary-fly-'));
    const rules = join(dir, 'rules.json');
    // flyctl echoes what it was given: an error quoting the env, an answer quoting the command.
    await writeFile(
      rules,
      JSON.stringify([
        { match: 'machine run', fail: { code: 1, stderr: `Error: invalid env DATABASE_URL=postgres://app:${CANARY.envUrl}@db.internal/app FEATURE_FLAGS=${CANARY.envPlain} (${CANARY.envKey})` } },
        { match: 'machine exec', stdout: `mysql: [Warning] Using a password on the command line (${CANARY.execMysql}) can be insecure.\\n1\\n` },
      ]),
    );
    rx = await startOtlpReceiver();
    h = await startTestHost({
      providers: [createFlyProvider],
      tools: [settings],
      env: {
        PATH: process.env.PATH,
        HOME: join(dir, 'home'),
        FAKE_FLYCTL_CONTROL: rules,
        FAKE_FLYCTL_LOG: join(dir, 'flyctl.jsonl'),
        OTEL_EXPORTER_OTLP_ENDPOINT: rx.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: 'http/json',
        OTEL_BSP_SCHEDULE_DELAY: '50',
      },
      // The defaults: write tools wait for a person.
      settings: { flyctlPath: FAKE_FLYCTL, policies: {}, telemetry: { includeArguments: true } },
    });
    expect(h.host.log.level).toBe('debug');
    await h.secrets.set(FLY_TOKEN_ACCOUNT, 'fm2_canary-fly-token-0a1b2c3d4e');
    const exportsDir = join(h.dataDir, 'exports');
    await mkdir(exportsDir, { recursive: true });
    api = createHostApi(h.host, {
      openBrowser: async () => undefined,
      emit: (e) => events.push(e),
      coalesceMs: 1,
      shell: {
        notify: (title, body) => notes.push(title, body),
        async saveFile(name, chunks) {
          let text = '';
          for await (const chunk of chunks) text += chunk;
          await writeFile(join(exportsDir, name), text);
          return join(exportsDir, name);
        },
      },
    });
    // A person approves each call in the window, after it has been shown to them.
    h.host.guardrails.approvals.onChange((change) => {
      if (change.type !== 'added') return;
      approvals.push(change.approval);
      setTimeout(() => void api.api.decideApproval(change.approval.id, 'allow-once').catch(() => undefined), 5);
    });
    client = await h.connect('canary-client');
    const calls: Array<[string, Record<string, unknown>]> = [
      [
        'fly-machine-run',
        {
          app: 'web',
          image: 'nginx:1.27',
          env: [`DATABASE_URL=postgres://app:${CANARY.envUrl}@db.internal/app`, `API_KEY=${CANARY.envKey}`, `FEATURE_FLAGS=${CANARY.envPlain}`, 'PORT=8080', 'LOG_LEVEL=debug'],
        },
      ],
      ['fly-machine-update', { app: 'web', id: '148ed599b12289', metadata: [`repo=https://deploy:${CANARY.argUrl}@git.example.com/web.git`, 'team=infra'] }],
      [
        'fly-machine-exec',
        {
          app: 'web',
          id: '148ed599b12289',
          command: `sh -c "PGPASSWORD=${CANARY.execPg} psql -h db -c 'select 1' && mysql -u root -p${CANARY.execMysql} -e 'select 1' && curl --token ${CANARY.execToken} https://api.example.com"`,
        },
      ],
      ['configure-service', { service: 'errors', settings: { SENTRY_DSN: CANARY.mapKey, REGION: 'iad' } }],
      ['fly-secrets-set', { app: 'web', keyvalues: [`STRIPE_KEY=${CANARY.secretSet}`] }],
    ];
    for (const [name, args] of calls) answers.push(JSON.stringify(await client.callTool({ name, arguments: args })));
    await waitFor(async () => (await h.readActivityFiles()).split('\n').filter(Boolean).length >= calls.length, 'activity written');
    expect(await api.api.exportActivity({}, 'csv')).toMatchObject({ path: expect.stringMatching(/\.csv$/) });
    expect(await api.api.exportActivity({}, 'jsonl')).toMatchObject({ path: expect.stringMatching(/\.jsonl$/) });
    h.host.log.flush();
  });

  afterAll(async () => {
    api?.close();
    await h?.stop();
    await rx?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('the exported spans, arguments included, hold no canary and still name the secrets', async () => {
    await expect.poll(() => rx.spans.filter((s) => s.name.startsWith('tools/call ')).length, { timeout: 10_000 }).toBe(5);
    await h.host.telemetry.flush();
    const exported = Buffer.concat(rx.requests.map((r) => r.body)).toString('utf8');
    expectNoCanary('the exported telemetry', exported);
    const args = rx.spans.map((s) => s.attributes['gen_ai.tool.call.arguments']).filter((a): a is string => typeof a === 'string').join('\n');
    for (const name of NAMES) expect(args).toContain(name);
    expect(rx.spans.some((s) => s.name === 'flyctl machine run')).toBe(true);
  });

  it('every call was held for a person, shown with its secrets masked and its names, then ran', () => {
    expect(approvals.map((a) => a.tool)).toEqual(['fly-machine-run', 'fly-machine-update', 'fly-machine-exec', 'configure-service', 'fly-secrets-set']);
    const [run, update, exec, service, secrets] = approvals.map((a) => a.args);
    expect(run!.env).toEqual(['DATABASE_URL=[redacted]', 'API_KEY=[redacted]', 'FEATURE_FLAGS=[redacted]', 'PORT=[redacted]', 'LOG_LEVEL=[redacted]']);
    expect(update!.metadata).toEqual(['repo=https://deploy:[redacted]@git.example.com/web.git', 'team=infra']);
    expect(exec!.command).toBe(`sh -c "PGPASSWORD=[redacted] psql -h db -c 'select 1' && mysql -u root -p[redacted] -e 'select 1' && curl --token [redacted] https://api.example.com"`);
    expect(service!.settings).toEqual({ SENTRY_DSN: '[redacted]', REGION: 'iad' });
    expect(secrets!.keyvalues).toEqual(['STRIPE_KEY=[redacted]']);
    expect(h.activity().map((c) => c.decision?.by)).toEqual(['person', 'person', 'person', 'person', 'person']);
    // The run failed with flyctl's error (which quoted the env); the others succeeded.
    expect(h.activity().map((c) => c.status).sort()).toEqual(['error', 'ok', 'ok', 'ok', 'ok']);
  });

  it('no file under the data dir holds a canary: history database, -wal, -shm, JSONL, logs, exports', async () => {
    const files = await dataFiles();
    const names = [...files.keys()].map((p) => p.slice(h.dataDir.length + 1));
    for (const expected of [/^activity\/.*\.jsonl$/, /^logs\/tarmac\.log$/, /^exports\/.*\.csv$/, /^exports\/.*\.jsonl$/, /\.db$|\.sqlite$/]) {
      expect(names.some((n) => expected.test(n)), `${expected} among ${names.join(', ')}`).toBe(true);
    }
    for (const [path, bytes] of files) expectNoCanary(path, bytes);
    const logs = await h.readLogs();
    expect(logs).toContain('fly: running flyctl');
    expect(logs).toContain('"level":20');
  });

  it('the window, the notifications and the client see no canary', () => {
    expect(events.some((e) => e.type === 'activity')).toBe(true);
    expect(events.some((e) => e.type === 'guardrails')).toBe(true);
    expectNoCanary('the window events', JSON.stringify(events));
    expectNoCanary('the approvals shown', JSON.stringify(approvals));
    expect(notes.length).toBeGreaterThan(0);
    expectNoCanary('the notifications', notes.join('\n'));
    expectNoCanary('the answers', answers.join('\n'));
    expect(answers[0]).toContain('Error: invalid env DATABASE_URL=[redacted] FEATURE_FLAGS=[redacted] ([redacted])');
    expect(answers[2]).toContain('Using a password on the command line ([redacted])');
  });

  it('the secret names stay readable in the history, its files and the exports', async () => {
    const files = await dataFiles();
    const text = (re: RegExp) => [...files].filter(([p]) => re.test(p)).map(([, b]) => b.toString('utf8')).join('\n');
    for (const where of [text(/\/activity\/.*\.jsonl$/), text(/\.csv$/), text(/\/exports\/.*\.jsonl$/), JSON.stringify(h.activity())]) {
      for (const name of NAMES) expect(where).toContain(name);
    }
  });

  it('once stopped (the -wal checkpointed into the database), still no canary anywhere', async () => {
    api.close();
    const stop = h.host.stop.bind(h.host);
    let stopped: Promise<void> | null = null;
    h.host.stop = () => (stopped ??= stop());
    await h.host.stop();
    for (const [path, bytes] of await dataFiles()) expectNoCanary(path, bytes);
  });
});
