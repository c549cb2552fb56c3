import { chmod, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createHostApi } from '../../src/main/host/api.js';
import { CONFIRMED_ACCOUNT } from '../../src/main/host/guardrails/confirmed.js';
import { defineTool } from '../../src/main/host/tools/catalogue.js';
import { startTestHost, type TestHost } from '../helpers/host.js';

/**
 * The trust rules of the guardrails, one by one, from the source: what a hand edit of
 * settings.json can and cannot do, confirmation in the window, client rules and their client,
 * request states used once, and the flyctl program Tarmac runs.
 */
let runs: string[] = [];
const destroy = defineTool({
  name: 'fly-apps-destroy',
  provider: 'fly',
  title: 'Destroy app',
  description: 'Destroys an app and all its machines.',
  class: 'destructive',
  input: { name: z.string() },
  run: async ({ name }) => (runs.push(name), { text: `destroyed ${name}` }),
});
const list = defineTool({ name: 'fly-apps-list', provider: 'fly', title: 'List apps', description: 'Lists apps.', class: 'read', input: {}, run: async () => ({ text: 'web' }) });
const DEFAULTS = { policies: {} };
const text = (r: unknown) => ((r as { content: { text: string }[] }).content[0]?.text ?? '');

let t: TestHost | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
  runs = [];
});

async function editSettings(t: TestHost, change: (s: Record<string, unknown>) => Record<string, unknown>): Promise<void> {
  const path = t.host.settings.path;
  await writeFile(path, JSON.stringify(change(JSON.parse(await readFile(path, 'utf8')) as Record<string, unknown>)));
}

describe('changes made outside Tarmac', () => {
  it('a loosening hand edit is not in force until a person confirms it in the window; tightening applies at once', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      const client = await t.connect('cursor');
      // The agent's edit: destructive allow for everyone, and cursor may approve its own calls.
      await editSettings(t, (s) => ({ ...s, policies: { classes: { destructive: 'allow' } }, approvals: { clients: ['cursor'] } }));
      api.close(); // no window: an ask call is refused at once, so the outcome shows the policy in force
      const refused = await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
      expect(refused.isError).toBe(true);
      expect(runs).toEqual([]);
      expect(t.activity().at(-1)).toMatchObject({ status: 'denied', decision: { policy: 'ask', rule: expect.stringMatching(/default for destructive tools \(a looser change made outside Tarmac waits/) } });
      const view = await t.host.guardrails.view();
      expect(view.unconfirmed).toEqual(['cursor may approve its own calls', 'fly-apps-destroy: ask -> allow']);
      expect(await t.host.guardrails.clientMayApprove('cursor')).toBe(false);

      // Tightening by hand applies to the next call.
      await editSettings(t, (s) => ({ ...s, policies: { classes: { destructive: 'allow', read: 'deny' } } }));
      expect(text(await client.callTool({ name: 'fly-apps-list', arguments: {} }))).toMatch(/class rule read/);

      // A person confirms in the window: now the file's rules are in force.
      const window = createHostApi(t.host, { openBrowser: async () => undefined });
      try {
        // Confirming names what was shown: an edit made while the dialog was open is not confirmed with it.
        const shown = (await t.host.guardrails.view()).unconfirmedStamp;
        await editSettings(t, (s) => ({ ...s, approvals: { clients: ['cursor', 'zed'] } }));
        expect(await window.call('confirmGuardrailChanges', [shown])).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/changed again while you were looking/) } });
        expect(await t.host.guardrails.clientMayApprove('zed')).toBe(false);
        await editSettings(t, (s) => ({ ...s, approvals: { clients: ['cursor'] } }));
        expect(await window.call('confirmGuardrailChanges', [(await t.host.guardrails.view()).unconfirmedStamp])).toMatchObject({ ok: true, value: { unconfirmed: [] } });
        expect(text(await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } }))).toBe('destroyed web');
        // Discard: a new loosening edit, thrown away in the window; the file goes back.
        await editSettings(t, (s) => ({ ...s, readOnly: false, disabledTools: [], policies: { classes: { destructive: 'allow', read: 'allow' } } }));
        expect((await t.host.guardrails.view()).unconfirmed).toEqual(['fly-apps-list: deny -> allow']);
        expect(await window.call('discardGuardrailChanges', [])).toMatchObject({ ok: true, value: { unconfirmed: [] } });
        expect(JSON.parse(await readFile(t.host.settings.path, 'utf8'))).toMatchObject({ policies: { classes: { destructive: 'allow', read: 'deny' } } });
      } finally {
        window.close();
      }
    } finally {
      api.close();
    }
  });

  it('keeps what a person confirmed in the keychain, not in a file', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    await t.host.guardrails.setPolicy({ kind: 'tool', name: 'fly-apps-destroy' }, 'deny');
    const kept = JSON.parse((await t.secrets.get(CONFIRMED_ACCOUNT))!) as { policies: unknown };
    expect(kept.policies).toEqual({ tools: { 'fly-apps-destroy': 'deny' } });
  });

  it('--trust-terminal: hand edits apply at once, and stay in force after a restart without it', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS, trustTerminal: true });
    const client = await t.connect('cursor');
    await editSettings(t, (s) => ({ ...s, policies: { classes: { destructive: 'allow' } } }));
    expect(text(await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } }))).toBe('destroyed web');
    expect(t.activity().at(-1)?.decision).toMatchObject({ trustTerminal: true });
    // Kept as confirmed (the watch notices within a second), so it holds after a restart without the flag.
    await expect
      .poll(async () => (JSON.parse((await t!.secrets.get(CONFIRMED_ACCOUNT)) ?? '{}') as { policies?: unknown }).policies)
      .toEqual({ classes: { destructive: 'allow' } });
  });
});

describe('client rules belong to their client', () => {
  it('a revoked client takes its rules along; a new client of the same name starts with none', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      expect(await api.call('createToken', ['cursor'])).toMatchObject({ ok: true });
      await t.host.guardrails.setPolicy({ kind: 'tool', name: 'fly-apps-destroy' }, 'allow', 'cursor');
      await t.host.guardrails.setClientApprovals('cursor', true);
      expect((await t.host.guardrails.view()).clients).toEqual({ cursor: { tools: { 'fly-apps-destroy': 'allow' } } });
      expect(await api.call('revokeCredential', ['cursor'])).toMatchObject({ ok: true });
      const after = await t.host.guardrails.view();
      expect(after.clients).toEqual({});
      expect(after.clientApprovals).toEqual([]);
      // A rule left by hand for a name nobody holds is dropped when a new client takes the name.
      await editSettings(t, (s) => ({ ...s, policies: { clients: { cursor: { tools: { 'fly-apps-destroy': 'allow' } } } } }));
      expect(await api.call('createToken', ['cursor'])).toMatchObject({ ok: true });
      expect((await t.host.guardrails.view()).clients).toEqual({});

      // The confirmed copy goes too, even when a hand edit had taken the rule out of the file
      // first (else it would come back, confirmed, once the new client holds the name).
      await t.host.guardrails.setPolicy({ kind: 'tool', name: 'fly-apps-destroy' }, 'allow', 'cursor');
      await t.host.guardrails.setClientApprovals('cursor', true);
      await editSettings(t, (s) => ({ ...s, policies: {}, approvals: {} }));
      expect(await api.call('revokeCredential', ['cursor'])).toMatchObject({ ok: true });
      expect(await api.call('createToken', ['cursor'])).toMatchObject({ ok: true });
      await editSettings(t, (s) => ({ ...s, policies: { clients: { cursor: { tools: { 'fly-apps-destroy': 'allow' } } } }, approvals: { clients: ['cursor'] } }));
      expect(await t.host.guardrails.clientMayApprove('cursor')).toBe(false);
      expect((await t.host.guardrails.view()).unconfirmed).toEqual(['cursor may approve its own calls', 'fly-apps-destroy: ask -> allow for cursor']);
    } finally {
      api.close();
    }
  });
});

describe('the flyctl program', () => {
  it('the window refuses a program that is not flyctl, and never runs it with a credential', async () => {
    t = await startTestHost({ tools: [list], settings: DEFAULTS, env: { FLY_API_TOKEN: 'fo1_env-token-should-not-leak' } });
    const marker = join(t.dataDir, 'ran-with.txt');
    const evil = join(t.dataDir, 'not-flyctl.sh');
    await writeFile(evil, `#!/bin/sh\nenv > ${marker}\necho "definitely not flyctl"\n`);
    await chmod(evil, 0o755);
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      const res = await api.call('updateSettings', [{ flyctlPath: evil }]);
      expect(res).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/did not answer `version` like flyctl.*not changed/) } });
      expect((await t.host.settings.read()).flyctlPath).toBeUndefined();
      // It ran once, for the check, and without the token.
      expect(await readFile(marker, 'utf8')).not.toContain('fo1_env-token');
    } finally {
      api.close();
    }
  });

  it('a flyctlPath written into settings.json by another process is not the one Tarmac runs', async () => {
    t = await startTestHost({ tools: [list], settings: DEFAULTS });
    expect(await t.host.guardrails.flyctlPath()).toBeUndefined();
    await editSettings(t, (s) => ({ ...s, flyctlPath: '/tmp/evil-flyctl' }));
    expect(await t.host.guardrails.flyctlPath()).toBeUndefined();
    expect((await t.host.guardrails.view()).unconfirmed).toEqual(['flyctl program set to /tmp/evil-flyctl']);
  });
});

describe('a client answering its own approvals', () => {
  it('is not asked at all unless a person turned it on for that client', async () => {
    t = await startTestHost({ tools: [destroy], settings: DEFAULTS });
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const client = new Client({ name: 'self-approver', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    let asked = 0;
    client.setRequestHandler('elicitation/create', async () => (asked++, { action: 'accept', content: { decision: 'allow-always' } }));
    const token = await t.tokenFor('agent');
    await client.connect(new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const r = await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
      expect(r.isError).toBe(true);
      expect(asked).toBe(0);
      expect(runs).toEqual([]);
      expect((await t.host.guardrails.view()).clients).toEqual({});
    } finally {
      await client.close();
    }
  });

  it('2026-07-28: a request state runs one call once; replayed, it is asked again and runs nothing', async () => {
    t = await startTestHost({ tools: [destroy], settings: { ...DEFAULTS, approvals: { clients: ['agent'] } } });
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const client = new Client({ name: 'replayer', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const token = await t.tokenFor('agent');
    await client.connect(new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      const call = (extra: Record<string, unknown> = {}) =>
        client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' }, ...extra } as never, { allowInputRequired: true } as never) as Promise<{ resultType?: string; requestState?: string; content?: unknown }>;
      const first = await call();
      expect(first.resultType).toBe('input_required');
      const answer = { inputResponses: { approval: { action: 'accept', content: { decision: 'allow-always' } } }, requestState: first.requestState };
      expect(text(await call(answer))).toBe('destroyed web');
      // The same state again (a replay): asked again, nothing runs, no rule was written.
      expect((await call(answer)).resultType).toBe('input_required');
      // Bound to the arguments: the state of one app's call does not run another's.
      const other = await (client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'db' }, ...answer } as never, { allowInputRequired: true } as never) as Promise<{ resultType?: string }>);
      expect(other.resultType).toBe('input_required');
      expect(runs).toEqual(['web']);
      expect((await t.host.guardrails.view()).clients).toEqual({});
      expect(t.activity().filter((c) => c.status === 'ok')).toEqual([expect.objectContaining({ decision: expect.objectContaining({ by: 'client', channel: 'client' }) })]);
    } finally {
      await client.close();
    }
  });
});
