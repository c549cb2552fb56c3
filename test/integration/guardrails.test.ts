import { readFile, writeFile } from 'node:fs/promises';
import { afterEach, describe, expect, it, onTestFinished, vi } from 'vitest';
import { z } from 'zod';
import type { Client } from '@modelcontextprotocol/client';
import { runCli } from '../../src/main/cli.js';
import { createHostApi } from '../../src/main/host/api.js';
import type { TarmacEvent } from '../../src/shared/api.js';
import { defineTool } from '../../src/main/host/tools/catalogue.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';

let runs: string[] = [];
const destroy = defineTool({
  name: 'fly-apps-destroy',
  provider: 'fly',
  title: 'Destroy app',
  description: 'Destroys an app and all its machines. Cannot be undone.',
  class: 'destructive',
  input: { name: z.string() },
  run: async ({ name }) => (runs.push(name), { text: `destroyed ${name}` }),
});
const list = defineTool({ name: 'fly-apps-list', provider: 'fly', title: 'List apps', description: 'Lists apps.', class: 'read', input: {}, run: async () => ({ text: 'web' }) });

/** The shipped defaults (the test helper otherwise allows every class). */
const DEFAULTS = { policies: {} };

let t: TestHost | null = null;
afterEach(async () => {
  await t?.stop();
  t = null;
  runs = [];
});

const text = (r: unknown) => ((r as { content: { text: string }[] }).content[0]?.text ?? '');

function cli(t: TestHost) {
  const out: string[] = [];
  const err: string[] = [];
  const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), readStdin: async () => '' };
  return { out, err, run: (...argv: string[]) => runCli([...argv, '--data-dir', t.dataDir], io, { dataDir: t.dataDir }) };
}

async function until<T>(get: () => T | undefined | null | false, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = get();
    if (v) return v;
    if (Date.now() > end) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe.each(['legacy', 'modern'] as const)('guardrails over MCP (%s era)', (era) => {
  it('an ask call waits, is approved through the API and runs; denied, it is an isError with the reason', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      const client: Client = await t.connect('cursor', { era });
      const pending = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
      const waiting = await until(() => t!.host.guardrails.approvals.list()[0]);
      expect(waiting).toMatchObject({ tool: 'fly-apps-destroy', client: 'cursor', args: { name: 'web' } });
      expect(runs).toEqual([]);
      await api.api.decideApproval(waiting.id, 'allow-once');
      expect(text(await pending)).toBe('destroyed web');

      const denied = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'db' } });
      const second = await until(() => t!.host.guardrails.approvals.list()[0]);
      await api.api.decideApproval(second.id, 'deny');
      const r = await denied;
      expect(r.isError).toBe(true);
      expect(text(r)).toMatch(/declined/);
      expect(runs).toEqual(['web']);
      const calls = t.activity();
      expect(calls.find((c) => c.args.name === 'db')).toMatchObject({ status: 'denied', decision: { by: 'person', channel: 'window' } });
    } finally {
      api.close();
    }
  });

  it('an OS notification tells of the waiting call; its Approve and Deny buttons decide it', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    const shown: { title: string; body: string; actions: { label: string; run(): void }[] }[] = [];
    const api = createHostApi(t.host, { openBrowser: async () => undefined, shell: { notify: (title, body, actions = []) => shown.push({ title, body, actions }) } });
    try {
      const client = await t.connect('cursor', { era });
      const first = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
      const note = await until(() => shown[0]);
      expect(note.body).toMatch(/cursor wants to run Destroy app \(fly-apps-destroy\)/);
      expect(note.actions.map((a) => a.label)).toEqual(['Approve once', 'Deny']);
      note.actions[0]!.run();
      expect(text(await first)).toBe('destroyed web');
      expect(t.activity().at(-1)).toMatchObject({ status: 'ok', decision: { by: 'person', channel: 'notification' } });
      const second = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'db' } });
      const next = await until(() => shown[1]);
      next.actions[1]!.run();
      expect(text(await second)).toMatch(/declined/);
      expect(runs).toEqual(['web']);
    } finally {
      api.close();
    }
  });

  it('pause and read-only from the CLI apply to the next call; resuming from the CLI is refused, the window resumes', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    const client = await t.connect('cursor', { era });
    const c = cli(t);
    expect(await c.run('pause')).toBe(0);
    expect(text(await client.callTool({ name: 'fly-apps-list', arguments: {} }))).toMatch(/Tarmac is paused/);
    expect(await c.run('resume')).toBe(1);
    expect(c.err.join('\n')).toMatch(/Refused \(Tarmac resumed \(was paused\)\): loosening protection needs a person in the Tarmac window/);
    expect(text(await client.callTool({ name: 'fly-apps-list', arguments: {} }))).toMatch(/Tarmac is paused/);
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      expect(await api.call('setGuardrails', [{ paused: false }])).toMatchObject({ ok: true });
    } finally {
      api.close();
    }
    expect(await c.run('policy', 'read-only', 'on')).toBe(0);
    expect(text(await client.callTool({ name: 'fly-apps-list', arguments: {} }))).toBe('web');
    const r = await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
    expect(text(r)).toMatch(/read-only mode/);
    expect(runs).toEqual([]);
  });
});

describe.each(['legacy', 'modern'] as const)('settings read per call (%s era)', (era) => {
  it('a tools/call is decided from one fresh read of settings.json; a hand edit applies to the very next call; an unreadable file fails closed', async () => {
    t = await startTestHost({ tools: [destroy, list] });
    const client = await t.connect('cursor', { era });
    const decide = vi.spyOn(t.host.guardrails, 'decide');
    expect(text(await client.callTool({ name: 'fly-apps-list', arguments: {} }))).toBe('web');
    // 2026-07-28: the request's own server was built from a read of settings.json, and the call
    // is decided from that read rather than a second one; a 2025-era session's server is older
    // than the call, so the call reads for itself.
    expect(decide).toHaveBeenCalledTimes(1);
    const handed = decide.mock.calls[0]![2];
    if (era === 'modern') expect(handed).toMatchObject({ paused: false, readOnly: false });
    else expect(handed).toBeUndefined();

    const path = t.host.settings.path;
    const saved = await readFile(path, 'utf8');
    await writeFile(path, JSON.stringify({ ...JSON.parse(saved), paused: true }));
    expect(text(await client.callTool({ name: 'fly-apps-list', arguments: {} }))).toMatch(/Tarmac is paused/);
    await writeFile(path, '{ "paused": fals');
    const r = await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/could not read its policy/);
    await writeFile(path, saved);
    expect(text(await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'db' } }))).toBe('destroyed db');
    expect(runs).toEqual(['db']);
    // The unreadable file handed nothing on: the call read again, and failed closed.
    expect(decide.mock.calls[2]![2]).toBeUndefined();
  });
});

describe('guardrails over MCP', () => {
  it('the terminal lists waiting calls and may deny them, but approving from it is refused', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      const client = await t.connect('cursor');
      const c = cli(t);
      const pending = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
      const waiting = await until(() => t!.host.guardrails.approvals.list()[0]);
      expect(await c.run('approvals')).toBe(0);
      expect(c.out.join('\n')).toMatch(new RegExp(`${waiting.id}\\s+cursor\\s+fly-apps-destroy`));
      for (const answer of ['approve', 'approve-always']) {
        expect(await c.run('approvals', answer, waiting.id)).toBe(1);
        expect(c.err.at(-1)).toMatch(/approving a call from the terminal is not allowed.*person in the Tarmac window/);
      }
      expect(t.host.guardrails.approvals.size).toBe(1);
      expect(await c.run('approvals', 'deny', waiting.id)).toBe(0);
      expect(text(await pending)).toMatch(/declined/);
      expect(runs).toEqual([]);
      expect(t.activity().at(-1)).toMatchObject({ status: 'denied', decision: { by: 'terminal', channel: 'cli' } });
      // Allowing from the terminal is refused too, with where to do it; the rule set is unchanged.
      expect(await c.run('policy', 'set', 'fly-apps-destroy', 'allow', '--client', 'cursor')).toBe(1);
      expect(c.err.at(-1)).toMatch(/Refused \(fly-apps-destroy: ask -> allow for cursor\)/);
      expect((await t.host.guardrails.view()).clients).toEqual({});
    } finally {
      api.close();
    }
  });

  it('with --trust-terminal the CLI approves from another "terminal"; policy show says which rule decided and that deny wins', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS, trustTerminal: true });
    const client = await t.connect('cursor');
    const c = cli(t);
    const pending = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
    const waiting = await until(() => t!.host.guardrails.approvals.list()[0]);
    expect(await c.run('approvals')).toBe(0);
    expect(c.out.join('\n')).toMatch(new RegExp(`${waiting.id}\\s+cursor\\s+fly-apps-destroy`));
    expect(await c.run('approvals', 'approve-always', waiting.id)).toBe(0);
    expect(text(await pending)).toBe('destroyed web');
    expect(t.activity().at(-1)).toMatchObject({ status: 'ok', decision: { by: 'terminal', channel: 'cli', trustTerminal: true } });
    // From now on this client runs it without asking.
    expect(text(await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'db' } }))).toBe('destroyed db');
    c.out.length = 0;
    expect(await c.run('policy', 'set', 'destructive', 'deny')).toBe(0);
    expect(await c.run('policy', 'show')).toBe(0);
    expect(c.out.join('\n')).toMatch(/fly-apps-destroy\s+fly\s+destructive\s+deny\s+class rule destructive/);
    expect(c.out.join('\n')).toMatch(/Rules for cursor: fly-apps-destroy allow/);
    expect(c.out.join('\n')).toMatch(/Trust terminal: on/);
    // Deny wins: the client's allow no longer runs it.
    expect(text(await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'api' } }))).toMatch(/class rule destructive/);
    expect(runs).toEqual(['web', 'db']);
    expect(await c.run('approvals', 'deny', 'nope')).toBe(1);
    expect(await c.run('policy', 'set', 'fly-nope', 'allow')).toBe(1);
    expect(c.err.join('\n')).toMatch(/not a tool, a class/);
    expect(await c.run('policy', 'set', 'write', 'sometimes')).toBe(2);
  });

  it('the host API: bad targets and unknown approvals are clear errors that change nothing; changes are pushed as events', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    const events: string[] = [];
    const api = createHostApi(t.host, { openBrowser: async () => undefined, emit: (e) => void (e.type === 'guardrails' && events.push(JSON.stringify(e.data.classes))) });
    try {
      const before = await readFile(t.host.settings.path, 'utf8');
      expect(await api.call('setPolicy', [{ kind: 'tool', name: 'fly-nope' }, 'allow', null])).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringMatching(/not a tool/) } });
      expect(await api.call('setPolicy', [{ kind: 'class', name: 'write' }, 'maybe', null])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
      expect(await api.call('decideApproval', ['nope', 'allow-once'])).toMatchObject({ ok: false, error: { code: 'not-found', message: expect.stringMatching(/tarmac approvals/) } });
      expect(await readFile(t.host.settings.path, 'utf8')).toBe(before);
      const set = await api.call('setPolicy', [{ kind: 'class', name: 'write' }, 'deny', null]);
      expect(set).toMatchObject({ ok: true, value: { classes: expect.arrayContaining([{ class: 'write', policy: 'deny', own: 'deny' }]) } });
      await until(() => events.some((e) => e.includes('"own":"deny"')));
    } finally {
      api.close();
    }
  });

  it('the host API says what became of each waiting call (approvalSettled), before the list without it', async () => {
    t = await startTestHost({ tools: [destroy], settings: DEFAULTS });
    const seen: TarmacEvent[] = [];
    const api = createHostApi(t.host, { openBrowser: async () => undefined, emit: (e) => void seen.push(e) });
    onTestFinished(() => api.close());
    const client = await t.connect('cursor');

    const controller = new AbortController();
    const withdrawn = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } }, { signal: controller.signal });
    const first = await until(() => t!.host.guardrails.approvals.list()[0]);
    controller.abort();
    await expect(withdrawn).rejects.toThrow();
    const settled = await until(() => seen.find((e) => e.type === 'approvalSettled' && e.data.approval.id === first.id));
    expect(settled.data).toMatchObject({ approval: { tool: 'fly-apps-destroy', client: 'cursor' }, approved: false, by: 'withdrawn', channel: 'client' });
    const emptied = await until(() => seen.findIndex((e) => e.type === 'guardrails' && e.data.pending.length === 0) + 1);
    expect(seen.indexOf(settled)).toBeLessThan(emptied - 1);

    const allowed = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'db' } });
    const second = await until(() => t!.host.guardrails.approvals.list()[0]);
    await api.api.decideApproval(second.id, 'allow-once');
    expect(text(await allowed)).toBe('destroyed db');
    expect(seen.find((e) => e.type === 'approvalSettled' && e.data.approval.id === second.id)?.data).toMatchObject({ approved: true, by: 'person', channel: 'window' });
  });

  it('the timeout denies with a message the model can act on', async () => {
    t = await startTestHost({ tools: [destroy], settings: { ...DEFAULTS, approvals: { timeoutSeconds: 5 } } });
    // A window is open (someone could answer) but nobody does.
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    const client = await t.connect('cursor');
    const r = await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
    api.close();
    expect(text(r)).toMatch(/did not approve "fly-apps-destroy" within 5 seconds; ask them to approve it in Tarmac/);
    expect(t.activity().at(-1)).toMatchObject({ status: 'denied', decision: { by: 'timeout' } });
  });

  it('with only a terminal that may not approve (no window), an ask call is refused at once', async () => {
    t = await startTestHost({ tools: [destroy], settings: DEFAULTS });
    const client = await t.connect('cursor');
    const r = await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } });
    expect(r.isError).toBe(true);
    expect(t.activity().at(-1)).toMatchObject({ status: 'denied', decision: { by: 'none' } });
  });

  it('progress notifications keep a waiting call alive; the client cancelling withdraws the approval', async () => {
    t = await startTestHost({ tools: [destroy], approvalProgressMs: 20, settings: DEFAULTS });
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    onTestFinished(() => api.close());
    const client = await t.connect('cursor');
    const controller = new AbortController();
    const progress: number[] = [];
    const pending = client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } }, { signal: controller.signal, onprogress: (p) => progress.push(p.progress) });
    await until(() => progress.length >= 3);
    expect(t.host.guardrails.approvals.size).toBe(1);
    controller.abort();
    await expect(pending).rejects.toThrow();
    await until(() => t!.host.guardrails.approvals.size === 0);
    await until(() => t!.activity().at(-1)?.status === 'cancelled');
    expect(runs).toEqual([]);
  });

  it('approval through the client itself (elicitation), when a person turned it on for that client: allow once, recorded as decided in the client', async () => {
    t = await startTestHost({ tools: [destroy], settings: { ...DEFAULTS, approvals: { clients: ['zed'] } } });
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const client = new Client({ name: 'vitest-elicit', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    const asked: string[] = [];
    client.setRequestHandler('elicitation/create', async (req) => {
      asked.push(req.params.message);
      return { action: 'accept', content: { decision: 'allow-once' } };
    });
    const token = await t.tokenFor('zed');
    await client.connect(new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      expect(text(await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } }))).toBe('destroyed web');
      expect(asked[0]).toMatch(/Destroy app/);
      expect(t.activity().at(-1)).toMatchObject({ status: 'ok', decision: { by: 'client', channel: 'client' } });
    } finally {
      await client.close();
    }
  });

  it('2026-07-28: approval through an input-required result, answered by the SDK client, once; allow-always is never a rule; a forged retry is not an answer', async () => {
    t = await startTestHost({ tools: [destroy], settings: { ...DEFAULTS, approvals: { clients: ['zed'] } } });
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const client = new Client({ name: 'vitest-mrtr', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    const asked: string[] = [];
    let decision = 'allow-always';
    client.setRequestHandler('elicitation/create', async (req) => {
      asked.push(req.params.message);
      return { action: 'accept', content: { decision } };
    });
    const token = await t.tokenFor('zed');
    await client.connect(new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers: { Authorization: `Bearer ${token}` } } }));
    try {
      expect(text(await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'web' } }))).toBe('destroyed web');
      expect(asked[0]).toMatch(/Destroy app/);
      expect(t.activity().at(-1)).toMatchObject({ status: 'ok', decision: { by: 'client', channel: 'client' } });
      // The client answered "allow-always": it allowed that one call; the next one is asked again.
      expect(text(await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'db' } }))).toBe('destroyed db');
      expect(asked).toHaveLength(2);
      expect((await t.host.guardrails.view()).clients).toEqual({});
      decision = 'deny';
      const denied = await client.callTool({ name: 'fly-apps-destroy', arguments: { name: 'api' } });
      expect(text(denied)).toMatch(/declined/);
      // A retry whose state we did not sign is asked again, never taken as an answer.
      const forged = await client.callTool(
        { name: 'fly-apps-destroy', arguments: { name: 'x' }, inputResponses: { approval: { action: 'accept', content: { decision: 'allow-once' } } }, requestState: 'forged.state' } as never,
        { allowInputRequired: true } as never,
      );
      expect((forged as { resultType?: string }).resultType).toBe('input_required');
      expect(runs).toEqual(['web', 'db']);
    } finally {
      await client.close();
    }
  });

  it('a tool turned off leaves tools/list and list_changed arrives', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: DEFAULTS });
    const client = await t.connect('cursor');
    let changed = 0;
    client.setNotificationHandler('notifications/tools/list_changed' as never, (() => void changed++) as never);
    expect((await client.listTools()).tools.map((x) => x.name)).toContain('fly-apps-list');
    const c = cli(t);
    expect(await c.run('policy', 'tool', 'fly-apps-list', 'off')).toBe(0);
    await until(() => changed > 0);
    expect((await client.listTools()).tools.map((x) => x.name)).not.toContain('fly-apps-list');
    const modern = await t.connect('zed', { era: 'modern' });
    expect((await modern.listTools()).tools.map((x) => x.name)).toEqual(['fly-apps-destroy']);
    // Still registered, so the call reaches the guardrails: refused (and recorded) with a reason.
    const refused = await modern.callTool({ name: 'fly-apps-list', arguments: {} });
    expect(refused.isError).toBe(true);
    expect(resultText(refused)).toMatch(/turned off in Tarmac/);
  });

  it('a 2026-07-28 client listening on subscriptions/listen hears a tool turned back on (in the window; the terminal may not)', async () => {
    t = await startTestHost({ tools: [destroy, list], settings: { ...DEFAULTS, disabledTools: ['fly-apps-list'] } });
    const modern = await t.connect('zed', { era: 'modern' });
    let changed = 0;
    modern.setNotificationHandler('notifications/tools/list_changed' as never, (() => void changed++) as never);
    const subscription = await modern.listen({ toolsListChanged: true });
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      expect((await modern.listTools()).tools.map((x) => x.name)).toEqual(['fly-apps-destroy']);
      expect(await cli(t).run('policy', 'tool', 'fly-apps-list', 'on')).toBe(1);
      expect(await api.call('setToolEnabled', ['fly-apps-list', true])).toMatchObject({ ok: true });
      await until(() => changed > 0);
      expect((await modern.listTools()).tools.map((x) => x.name).sort()).toEqual(['fly-apps-destroy', 'fly-apps-list']);
    } finally {
      api.close();
      await subscription.close();
    }
  });
});

describe('tarmac policy with no Tarmac running', () => {
  it('saves to settings.json, says so, and refuses a bad target without writing anything', async () => {
    const { mkdtemp, rm, readFile: read } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const dir = await mkdtemp(join(tmpdir(), 'tarmac-policy-offline-'));
    const out: string[] = [];
    const err: string[] = [];
    const io = { out: (l: string) => out.push(l), err: (l: string) => err.push(l), readStdin: async () => '' };
    try {
      expect(await runCli(['policy', 'set', 'nope', 'allow', '--data-dir', dir], io, { dataDir: dir })).toBe(1);
      expect(err.join('\n')).not.toMatch(/saved in settings/);
      await expect(read(join(dir, 'settings.json'), 'utf8')).rejects.toThrow();
      expect(await runCli(['policy', 'read-only', 'on', '--data-dir', dir], io, { dataDir: dir }), err.join('\n')).toBe(0);
      expect(err.join('\n')).toMatch(/No Tarmac is running .*saved in settings/);
      expect(JSON.parse(await read(join(dir, 'settings.json'), 'utf8'))).toEqual({ readOnly: true });
      expect(await runCli(['approvals', '--data-dir', dir], io, { dataDir: dir })).toBe(1);
      expect(err.join('\n')).toMatch(/no call is waiting/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
