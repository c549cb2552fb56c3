/**
 * The Fly provider served by a real host and called with the MCP SDK client over Streamable
 * HTTP: every tool's annotations and exact flyctl argv, cancellation, redaction in the activity
 * log and the app log, and the token only in flyctl's environment.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Client } from '@modelcontextprotocol/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { annotationsFor } from '../../src/shared/policy.js';
import { FLY_CASES, FLY_CLASSES } from '../helpers/fly-cases.js';
import { alive, FAKE_FLYCTL, waitFor, type FlyCall } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';

const TOKEN = 'fm2_endpoint-test-token-9f8e7d6c5b4a';
let t: TestHost;
let client: Client;
let dir: string;
const files = () => ({ log: join(dir, 'calls.jsonl'), rules: join(dir, 'rules.json'), pids: join(dir, 'pids.txt') });

async function calls(): Promise<FlyCall[]> {
  const raw = await readFile(files().log, 'utf8').catch(() => '');
  return raw
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as FlyCall);
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-fly-endpoint-'));
  await writeFile(files().rules, '[]');
  t = await startTestHost({
    providers: [createFlyProvider],
    env: {
      PATH: process.env.PATH,
      HOME: dir,
      FAKE_FLYCTL_LOG: files().log,
      FAKE_FLYCTL_CONTROL: files().rules,
      FAKE_FLYCTL_PIDS: files().pids,
    },
    settings: { flyctlPath: FAKE_FLYCTL },
  });
  await t.secrets.set(FLY_TOKEN_ACCOUNT, TOKEN);
  client = await t.connect();
});

afterAll(async () => {
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('fly tools through the MCP endpoint', () => {
  it('lists the 60 tools with annotations from their class', async () => {
    const { tools } = await client.listTools();
    const fly = tools.filter((tool) => tool.name.startsWith('fly-'));
    expect(fly.map((tool) => tool.name).sort()).toEqual(Object.keys(FLY_CLASSES).sort());
    for (const tool of fly) {
      const cls = FLY_CLASSES[tool.name]!;
      expect(tool.annotations, tool.name).toMatchObject(annotationsFor(cls));
      expect(tool.annotations?.title, tool.name).toBeTruthy();
      expect(tool.description?.length, tool.name).toBeGreaterThan(40);
      expect(tool.inputSchema.type).toBe('object');
    }
    const create = fly.find((tool) => tool.name === 'fly-machine-create')!;
    expect(create.inputSchema.properties?.autostop).toMatchObject({ enum: ['off', 'stop', 'suspend'], default: 'off' });
    expect(create.inputSchema.properties?.['vm-cpu-kind']).toMatchObject({ enum: ['shared', 'performance'] });
    expect(create.inputSchema.required).toEqual(['app', 'image']);
  });

  it.each(FLY_CASES.map((c, i) => [`${c.tool} #${i}`, c] as const))('%s runs flyctl with the exact argv', async (_l, c) => {
    const before = (await calls()).length;
    const result = await client.callTool({ name: c.tool, arguments: c.args });
    const text = resultText(result);
    expect(result.isError, `${c.tool}: ${text}`).toBeFalsy();
    const after = await calls();
    expect(after.length).toBe(before + 1);
    const call = after.at(-1)!;
    expect(call.argv).toEqual(c.argv);
    expect(call.stdin).toBe(c.stdin);
    expect(call.env.FLY_ACCESS_TOKEN).toBe(TOKEN);
    expect(call.argv.join('\0')).not.toContain(TOKEN);
    if (c.expect) expect(text).toMatch(c.expect instanceof RegExp ? c.expect : new RegExp(c.expect.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')));
  });

  it('returns structuredContent for JSON commands', async () => {
    const result = await client.callTool({ name: 'fly-machine-list', arguments: { app: 'my-app' } });
    expect((result.structuredContent as { machines: Array<{ id: string }> }).machines.map((m) => m.id)).toEqual(['148ed599b12289', 'e2865013b43698']);
  });

  it('runs a zero-argument tool called without an arguments object (D17)', async () => {
    const result = await client.callTool({ name: 'fly-platform-regions' });
    expect(result.isError, resultText(result)).toBeFalsy();
    expect(resultText(result)).toContain('Amsterdam');
  });

  it('answers an injection attempt with isError and runs nothing', async () => {
    const before = (await calls()).length;
    const result = await client.callTool({ name: 'fly-apps-destroy', arguments: { name: '--help' } });
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('must not start with "-"');
    expect((await calls()).length).toBe(before);
  });

  it('client cancellation kills flyctl and its child; the call is recorded as cancelled', async () => {
    await writeFile(files().rules, JSON.stringify([{ match: 'machine exec', hang: true }]));
    try {
        const abort = new AbortController();
      const pending = client.callTool({ name: 'fly-machine-exec', arguments: { id: '148ed599b12289', command: 'sleep 999', app: 'my-app' } }, {
        signal: abort.signal,
      });
      pending.catch(() => undefined);
      const pidCount = async () => (await readFile(files().pids, 'utf8').catch(() => '')).split('\n').filter(Boolean).length;
      expect(await waitFor(async () => (await pidCount()) === 2)).toBe(true);
      const pids = (await readFile(files().pids, 'utf8')).split('\n').filter(Boolean).map(Number);
      expect(pids.every(alive)).toBe(true);
      abort.abort('user pressed stop');
      await expect(pending).rejects.toThrow();
      expect(await waitFor(() => pids.every((p) => !alive(p)))).toBe(true);
      expect(await waitFor(() => t.activity().some((a) => a.tool === 'fly-machine-exec' && a.status === 'cancelled'))).toBe(true);
    } finally {
      await writeFile(files().rules, '[]');
    }
  });

  it('fly-logs on an app with no logs answers within its bound', async () => {
    await writeFile(files().rules, JSON.stringify([{ match: 'logs', hang: true }]));
    try {
      const result = await client.callTool({ name: 'fly-logs', arguments: { app: 'quiet', 'wait-seconds': 1 } });
      expect(result.isError).toBeFalsy();
      expect(resultText(result)).toContain('No recent log lines');
    } finally {
      await writeFile(files().rules, '[]');
    }
  });

  it('keeps secret values and the token out of activity, activity files, app log and errors', async () => {
    const value = 'sk_live_51HdQe2eZvKYlo2C';
    await writeFile(files().rules, JSON.stringify([{ match: 'secrets import', fail: { code: 1, stderr: `Error: could not set STRIPE_KEY=${value}` } }]));
    try {
        const failed = await client.callTool({ name: 'fly-secrets-set', arguments: { app: 'my-app', keyvalues: [`STRIPE_KEY=${value}`] } });
      expect(failed.isError).toBe(true);
      expect(resultText(failed)).toContain('STRIPE_KEY=[redacted]');
      expect(resultText(failed)).not.toContain(value);
      await writeFile(files().rules, '[]');
      const ok = await client.callTool({ name: 'fly-secrets-set', arguments: { app: 'my-app', keyvalues: [`STRIPE_KEY=${value}`] } });
      expect(ok.isError).toBeFalsy();

      const recorded = t.activity().filter((a) => a.tool === 'fly-secrets-set');
      expect(recorded.length).toBeGreaterThanOrEqual(2);
      const everything = [JSON.stringify(t.activity()), await t.readActivityFiles(), await t.readLogs()].join('\n');
      expect(everything).not.toContain(value);
      expect(everything).not.toContain(TOKEN);
      expect(JSON.stringify(recorded[0]!.args)).toContain('[redacted]');
    } finally {
      await writeFile(files().rules, '[]');
    }
  });

  it('reports provider status for the UI and `tarmac status`', async () => {
    const [status] = await t.host.status();
    expect(status).toMatchObject({
      id: 'fly',
      state: 'ready',
      details: { flyctlPath: FAKE_FLYCTL, flyctlVersion: '0.4.87', account: 'alice@example.com', tokenSource: 'keychain' },
    });
    expect(JSON.stringify(status)).not.toContain(TOKEN);
  });
});
