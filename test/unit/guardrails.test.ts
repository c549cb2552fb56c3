import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import type { ActivityEvent } from '../../src/shared/activity.js';
import { decidePolicy, describeRule, loosenings, type GuardState, type ProtectedState } from '../../src/shared/policy.js';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { ActivityStore } from '../../src/main/host/activity/store.js';
import { ApprovalQueue } from '../../src/main/host/guardrails/approvals.js';
import { memoryConfirmedStore } from '../../src/main/host/guardrails/confirmed.js';
import { Guardrails } from '../../src/main/host/guardrails/guardrails.js';
import { approvalHook } from '../../src/main/host/guardrails/hooks.js';
import { silentLog } from '../../src/main/host/log.js';
import { SettingsStore } from '../../src/main/host/settings.js';
import { Catalogue, defineTool } from '../../src/main/host/tools/catalogue.js';
import { Gateway } from '../../src/main/host/tools/gateway.js';

const state = (over: Partial<GuardState> = {}): GuardState => ({ policies: {}, readOnly: false, paused: false, disabledTools: [], ...over });
const destroy = { name: 'fly-apps-destroy', provider: 'fly', class: 'destructive' as const };
const list = { name: 'fly-apps-list', provider: 'fly', class: 'read' as const };
const create = { name: 'fly-apps-create', provider: 'fly', class: 'write' as const };

describe('decidePolicy', () => {
  it('defaults by class: read allow, write ask, destructive ask', () => {
    expect(decidePolicy(state(), list, 'c')).toEqual({ policy: 'allow', rule: { kind: 'default', name: 'read' } });
    expect(decidePolicy(state(), create, 'c').policy).toBe('ask');
    expect(decidePolicy(state(), destroy, 'c').policy).toBe('ask');
  });

  it('without a deny, the most specific rule wins, a client rule before the global one at each level', () => {
    const policies = {
      classes: { destructive: 'ask' as const, read: 'ask' as const },
      providers: { fly: 'allow' as const },
      tools: { 'fly-apps-destroy': 'ask' as const },
      clients: { cursor: { tools: { 'fly-apps-destroy': 'allow' as const }, classes: { read: 'ask' as const } } },
    };
    expect(decidePolicy(state({ policies }), destroy, 'cursor')).toEqual({ policy: 'allow', rule: { kind: 'tool', name: 'fly-apps-destroy', client: 'cursor' } });
    expect(decidePolicy(state({ policies }), destroy, 'zed')).toEqual({ policy: 'ask', rule: { kind: 'tool', name: 'fly-apps-destroy' } });
    // The provider rule is more specific than the client's class rule.
    expect(decidePolicy(state({ policies }), list, 'cursor').rule).toEqual({ kind: 'provider', name: 'fly' });
    expect(decidePolicy(state({ policies: { classes: { destructive: 'deny' } } }), destroy, null).rule).toEqual({ kind: 'class', name: 'destructive' });
  });

  it('an explicit deny at any level, global or for the client, beats every allow', () => {
    const clientAllow = { clients: { cursor: { tools: { 'fly-apps-destroy': 'allow' as const } } } };
    // A client rule allows; a later global deny of that tool stops that client too.
    expect(decidePolicy(state({ policies: { ...clientAllow, tools: { 'fly-apps-destroy': 'deny' } } }), destroy, 'cursor')).toEqual({ policy: 'deny', rule: { kind: 'tool', name: 'fly-apps-destroy' } });
    // So does a deny of its provider or its class, however specific the allow.
    expect(decidePolicy(state({ policies: { ...clientAllow, providers: { fly: 'deny' } } }), destroy, 'cursor')).toEqual({ policy: 'deny', rule: { kind: 'provider', name: 'fly' } });
    expect(decidePolicy(state({ policies: { ...clientAllow, classes: { destructive: 'deny' } } }), destroy, 'cursor').policy).toBe('deny');
    // And a client's own deny beats a global allow.
    expect(decidePolicy(state({ policies: { tools: { 'fly-apps-list': 'allow' }, clients: { zed: { providers: { fly: 'deny' } } } } }), list, 'zed')).toEqual({ policy: 'deny', rule: { kind: 'provider', name: 'fly', client: 'zed' } });
  });

  it('with a confirmed rule set, a call gets the stricter verdict of the two', () => {
    const confirmedPolicies = { classes: { destructive: 'ask' as const } };
    const looser = state({ policies: { classes: { destructive: 'allow' } }, confirmedPolicies });
    expect(decidePolicy(looser, destroy, 'cursor')).toEqual({ policy: 'ask', rule: { kind: 'class', name: 'destructive' }, unconfirmed: true });
    const stricter = state({ policies: { classes: { destructive: 'deny' } }, confirmedPolicies });
    expect(decidePolicy(stricter, destroy, 'cursor').policy).toBe('deny');
  });

  it('loosenings names what a change loosens, and nothing for tightening', () => {
    const base = { policies: {}, readOnly: true, paused: true, disabledTools: ['fly-apps-list'], clientApprovals: [], flyctlPath: null };
    expect(loosenings(base, { ...base, policies: { classes: { destructive: 'deny' } } }, [destroy, list, create])).toEqual([]);
    expect(
      loosenings(base, { ...base, readOnly: false, paused: false, disabledTools: [], clientApprovals: ['zed'], flyctlPath: '/tmp/x', policies: { clients: { cursor: { tools: { 'fly-apps-destroy': 'allow' } } } } }, [destroy, list, create]),
    ).toEqual(['Tarmac resumed (was paused)', 'read-only mode off', 'fly-apps-list turned back on', 'zed may approve its own calls', 'flyctl program set to /tmp/x', 'fly-apps-destroy: ask -> allow for cursor']);
  });

  it('pause refuses everything; read-only refuses write and destructive; a tool turned off is refused', () => {
    const allowAll = { classes: { read: 'allow' as const, write: 'allow' as const, destructive: 'allow' as const } };
    expect(decidePolicy(state({ paused: true, policies: allowAll }), list, 'c')).toEqual({ policy: 'deny', rule: { kind: 'paused' } });
    expect(decidePolicy(state({ readOnly: true, policies: allowAll }), create, 'c')).toEqual({ policy: 'deny', rule: { kind: 'read-only' } });
    expect(decidePolicy(state({ readOnly: true, policies: allowAll }), list, 'c').policy).toBe('allow');
    expect(decidePolicy(state({ disabledTools: ['fly-apps-list'] }), list, 'c')).toEqual({ policy: 'deny', rule: { kind: 'disabled' } });
    expect(describeRule({ kind: 'tool', name: 'x', client: 'cursor' })).toBe('tool rule x for cursor');
  });
});

describe('ApprovalQueue', () => {
  const req = (signal = new AbortController().signal, timeoutMs = 60_000) => ({
    tool: { ...destroy, title: 'Destroy app', description: 'Destroys an app and its machines. Cannot be undone.' },
    client: 'cursor',
    args: { name: 'web' },
    timeoutMs,
    signal,
  });

  it('waits for a person and says who decided, where, and the first sentence of what it does', async () => {
    const q = new ApprovalQueue();
    const waiting = q.request(req());
    const [pending] = q.list();
    expect(pending).toMatchObject({ tool: 'fly-apps-destroy', client: 'cursor', args: { name: 'web' }, summary: 'Destroys an app and its machines.' });
    q.decide(pending!.id, 'allow-always', 'window');
    expect(await waiting).toMatchObject({ approved: true, by: 'person', channel: 'window', remember: true });
    expect(q.size).toBe(0);
    expect(() => q.decide(pending!.id, 'deny', 'cli')).toThrow(/No call is waiting/);
  });

  it('times out as a denial, and a client cancel withdraws the request', async () => {
    const q = new ApprovalQueue();
    expect(await q.request(req(undefined, 5))).toMatchObject({ approved: false, by: 'timeout' });
    const controller = new AbortController();
    const waiting = q.request(req(controller.signal));
    controller.abort();
    expect(await waiting).toMatchObject({ approved: false, by: 'withdrawn', channel: 'client' });
    expect(q.size).toBe(0);
  });
});

describe('Guardrails with the gateway', () => {
  async function setup() {
    const dir = await mkdtemp(join(tmpdir(), 'tarmac-guard-'));
    let runs = 0;
    const tool = defineTool({ name: 'fly-apps-destroy', provider: 'fly', title: 'Destroy', description: 'Destroys an app.', class: 'destructive', input: { name: z.string() }, run: async () => (runs++, { text: 'gone' }) });
    const read = defineTool({ name: 'fly-apps-list', provider: 'fly', title: 'List', description: 'Lists apps.', class: 'read', input: {}, run: async () => (runs++, { text: 'apps' }) });
    const settings = new SettingsStore(dir);
    const guardrails = new Guardrails(settings, new Catalogue([tool, read]), silentLog());
    const activity = new ActivityStore();
    const progress: number[] = [];
    const gw = new Gateway({ activity, redactor: new Redactor(), log: silentLog(), policy: (s, c) => guardrails.decide(s, c), approve: approvalHook(guardrails, { progressMs: 5 }) });
    const call = (t = tool, client = 'cursor', signal?: AbortSignal) =>
      gw.call(t, t === tool ? { name: 'web' } : {}, { client, sessionId: null, ...(signal ? { signal } : {}), progress: (p) => progress.push(p) });
    return { dir, settings, guardrails, activity, call, runs: () => runs, progress, tool, read };
  }
  const text = (r: { content: unknown }) => (r.content as Array<{ text: string }>)[0]!.text;

  it('with nobody to ask, ask is a refusal that says why', async () => {
    const t = await setup();
    const r = await t.call();
    expect(text(r)).toMatch(/nobody can be asked/);
    expect(t.runs()).toBe(0);
    expect(t.activity.list()[0]).toMatchObject({ status: 'denied', decision: { policy: 'ask', by: 'none', rule: 'default for destructive tools' } });
  });

  it('a person approves once, then "for this client" becomes a rule; progress flows while waiting', async () => {
    const t = await setup();
    t.guardrails.approvals.addApprover('window');
    const first = t.call();
    await waitFor(() => t.guardrails.approvals.size === 1 && t.progress.length >= 2);
    t.guardrails.approvals.decide(t.guardrails.approvals.list()[0]!.id, 'allow-always', 'window');
    expect(text(await first)).toBe('gone');
    expect(t.activity.list()[0]).toMatchObject({ status: 'ok', decision: { by: 'person', channel: 'window' } });
    expect(t.activity.list()[0]!.decision!.waitedMs).toBeGreaterThanOrEqual(0);
    // The next call from the same client runs under the new rule; another client is still asked.
    expect(text(await t.call())).toBe('gone');
    expect(t.guardrails.approvals.size).toBe(0);
    expect((await t.guardrails.view()).clients).toEqual({ cursor: { tools: { 'fly-apps-destroy': 'allow' } } });
    void t.call(t.tool, 'zed');
    await waitFor(() => t.guardrails.approvals.size === 1);
    t.guardrails.approvals.decide(t.guardrails.approvals.list()[0]!.id, 'deny', 'cli');
  });

  it('the timeout denies with a message the model can act on', async () => {
    const t = await setup();
    await t.settings.update((s) => ({ ...s, approvals: { timeoutSeconds: 5 } }));
    t.guardrails.approvals.addApprover('cli');
    const { vi } = await import('vitest');
    vi.useFakeTimers({ toFake: ['setTimeout', 'setInterval', 'clearTimeout', 'clearInterval'] });
    try {
      const r = t.call();
      await vi.waitFor(() => expect(t.guardrails.approvals.size).toBe(1));
      await vi.advanceTimersByTimeAsync(5_000);
      expect(text(await r)).toMatch(/did not approve "fly-apps-destroy" within .*ask them to approve it in Tarmac/);
    } finally {
      vi.useRealTimers();
    }
    expect(t.activity.list()[0]).toMatchObject({ status: 'denied', decision: { by: 'timeout' } });
  });

  it('a client cancel withdraws the approval request', async () => {
    const t = await setup();
    t.guardrails.approvals.addApprover('window');
    const controller = new AbortController();
    const r = t.call(t.tool, 'cursor', controller.signal);
    await waitFor(() => t.guardrails.approvals.size === 1);
    controller.abort();
    expect((await r).isError).toBe(true);
    expect(t.guardrails.approvals.size).toBe(0);
    expect(t.activity.list()[0]).toMatchObject({ status: 'cancelled', cancelledBy: 'client', decision: { by: 'withdrawn' } });
  });

  it('a call is on record from the moment it waits; a refusal says who, where and how long it waited', async () => {
    const t = await setup();
    t.guardrails.approvals.addApprover('window');
    const events: ActivityEvent[] = [];
    t.activity.onActivity((e) => events.push(e));
    const r = t.call();
    await waitFor(() => t.guardrails.approvals.size === 1);
    // Waiting: one running record, its decision pending (the window shows "waiting for approval").
    expect(t.activity.list()).toEqual([expect.objectContaining({ status: 'running', decision: expect.objectContaining({ policy: 'ask', by: 'pending', ruleKind: 'default' }) })]);
    await new Promise((resolve) => setTimeout(resolve, 40));
    t.guardrails.approvals.decide(t.guardrails.approvals.list()[0]!.id, 'deny', 'window');
    await r;
    const [record] = t.activity.list();
    expect(record).toMatchObject({ status: 'denied', decision: { policy: 'ask', by: 'person', channel: 'window' } });
    // Not "denied, 0 ms": the record's duration is the wait.
    expect(record!.decision!.waitedMs).toBeGreaterThanOrEqual(35);
    expect(record!.durationMs).toBeGreaterThanOrEqual(35);
    expect(events.map((e) => `${e.type}:${e.call.id === record!.id}`)).toEqual(['started:true', 'finished:true']);
  });

  it('approved after a wait: the same record runs, says who approved and that it is for good, and times the run', async () => {
    const t = await setup();
    t.guardrails.approvals.addApprover('window');
    const types: string[] = [];
    t.activity.onActivity((e) => types.push(`${e.type}:${e.call.status}:${e.call.decision?.by}`));
    const r = t.call();
    await waitFor(() => t.guardrails.approvals.size === 1);
    await new Promise((resolve) => setTimeout(resolve, 40));
    t.guardrails.approvals.decide(t.guardrails.approvals.list()[0]!.id, 'allow-always', 'window');
    expect(text(await r)).toBe('gone');
    const [record] = t.activity.list();
    expect(t.activity.list()).toHaveLength(1);
    expect(record).toMatchObject({ status: 'ok', decision: { by: 'person', channel: 'window', remembered: true } });
    expect(record!.decision!.waitedMs).toBeGreaterThanOrEqual(35);
    // The run of an instant tool, not the wait before it.
    expect(record!.durationMs).toBeLessThan(record!.decision!.waitedMs!);
    expect(types).toEqual(['started:running:pending', 'updated:running:person', 'finished:ok:person']);
  });

  it('refusals without a wait have no duration, and say which kind of rule refused them', async () => {
    const t = await setup();
    await writeFile(join(t.dir, 'settings.json'), JSON.stringify({ paused: true }));
    await t.call(t.read);
    await writeFile(join(t.dir, 'settings.json'), JSON.stringify({ readOnly: true }));
    await t.call();
    await writeFile(join(t.dir, 'settings.json'), JSON.stringify({ disabledTools: ['fly-apps-list'] }));
    await t.call(t.read);
    await writeFile(join(t.dir, 'settings.json'), JSON.stringify({ policies: { tools: { 'fly-apps-list': 'deny' } } }));
    await t.call(t.read);
    const records = t.activity.list().reverse();
    expect(records.map((c) => [c.status, c.decision?.ruleKind, c.durationMs])).toEqual([
      ['denied', 'paused', null],
      ['denied', 'read-only', null],
      ['denied', 'disabled', null],
      ['denied', 'tool', null],
    ]);
  });

  it('settings changed by another process apply to the next call: pause, read-only, tool off', async () => {
    const t = await setup();
    await writeFile(join(t.dir, 'settings.json'), JSON.stringify({ paused: true }));
    expect(text(await t.call(t.read))).toMatch(/Tarmac is paused/);
    await writeFile(join(t.dir, 'settings.json'), JSON.stringify({ readOnly: true, policies: { classes: { destructive: 'allow' } } }) + '\n');
    expect(text(await t.call())).toMatch(/read-only mode/);
    expect(text(await t.call(t.read))).toBe('apps');
    await writeFile(join(t.dir, 'settings.json'), JSON.stringify({ disabledTools: ['fly-apps-list'] }));
    expect(text(await t.call(t.read))).toMatch(/turned off/);
    expect(t.runs()).toBe(1);
  });

  it('fails closed: a policy that cannot be read refuses the call', async () => {
    const t = await setup();
    await writeFile(join(t.dir, 'settings.json'), '{ "paused": fals');
    const r = await t.call(t.read);
    expect(text(r)).toMatch(/could not read its policy/);
    expect(t.runs()).toBe(0);
    expect(t.activity.list()[0]).toMatchObject({ status: 'denied', decision: { rule: 'policy unreadable' } });
  });

  it('sets and removes rules by name, refuses unknown targets, and tells listeners', async () => {
    const t = await setup();
    const seen: boolean[] = [];
    t.guardrails.onChange((s) => seen.push(s.readOnly));
    expect(t.guardrails.resolveTarget('write')).toEqual({ kind: 'class', name: 'write' });
    expect(t.guardrails.resolveTarget('fly')).toEqual({ kind: 'provider', name: 'fly' });
    expect(() => t.guardrails.resolveTarget('fly-nope')).toThrow(/not a tool, a class/);
    await t.guardrails.setPolicy({ kind: 'class', name: 'read' }, 'deny');
    expect((await t.guardrails.view()).tools.find((x) => x.name === 'fly-apps-list')).toMatchObject({ policy: 'deny', rule: { kind: 'class', name: 'read' } });
    await t.guardrails.setPolicy({ kind: 'class', name: 'read' }, null);
    await t.guardrails.setReadOnly(true);
    await t.guardrails.setToolEnabled('fly-apps-list', false);
    const view = await t.guardrails.view();
    expect(view).toMatchObject({ readOnly: true, paused: false });
    expect(view.tools.find((x) => x.name === 'fly-apps-list')).toMatchObject({ enabled: false, policy: 'allow' });
    expect(await t.settings.read()).toEqual({ readOnly: true, disabledTools: ['fly-apps-list'] });
    expect(seen).toContain(true);
  });
});

async function waitFor(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('the confirmed state under concurrent changes', () => {
  it("a terminal's change racing a person's keeps both (one queue, the store read inside it)", async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tarmac-guard-race-'));
    const inner = memoryConfirmedStore();
    // A slow keychain: saves take a while, so the two changes overlap.
    const store = { ...inner, load: () => inner.load(), save: async (state: ProtectedState) => (await new Promise((r) => setTimeout(r, 30)), inner.save(state)) };
    const tool = defineTool({ name: 'fly-apps-list', provider: 'fly', title: 'List', description: 'Lists.', class: 'read', input: {}, run: async () => ({ text: '' }) });
    const guardrails = new Guardrails(new SettingsStore(dir), new Catalogue([tool]), silentLog(), { confirmed: store });
    await guardrails.state();
    await Promise.all([guardrails.setPaused(true, 'person'), new Promise((r) => setTimeout(r, 5)).then(() => guardrails.setToolEnabled('fly-apps-list', false, 'terminal'))]);
    expect(inner.current).toMatchObject({ paused: true, disabledTools: ['fly-apps-list'] });
    // A hand edit that resumes does not: the pause is confirmed.
    await writeFile(join(dir, 'settings.json'), JSON.stringify({}));
    expect((await guardrails.state()).paused).toBe(true);
    expect(await guardrails.unconfirmed()).toEqual(['Tarmac resumed (was paused)', 'fly-apps-list turned back on']);
  });

  it('a keychain that cannot be read keeps what it holds: a change does not save defaults over it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tarmac-guard-locked-'));
    const inner = memoryConfirmedStore({ policies: { classes: { destructive: 'deny' } }, readOnly: false, paused: true, disabledTools: [], clientApprovals: [], flyctlPath: null });
    let locked = true;
    const store = { ...inner, load: async () => (locked ? Promise.reject(new Error('locked')) : inner.load()), save: async (state: ProtectedState) => (locked ? Promise.reject(new Error('locked')) : inner.save(state)) };
    const guardrails = new Guardrails(new SettingsStore(dir), new Catalogue([]), silentLog(), { confirmed: store });
    await guardrails.setReadOnly(true, 'person');
    locked = false;
    expect(inner.current).toMatchObject({ paused: true, policies: { classes: { destructive: 'deny' } } });
  });
});
