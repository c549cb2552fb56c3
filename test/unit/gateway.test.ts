import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { Redactor } from '../../src/main/host/activity/redact.js';
import { ActivityStore } from '../../src/main/host/activity/store.js';
import { silentLog } from '../../src/main/host/log.js';
import { defineTool } from '../../src/main/host/tools/catalogue.js';
import { Catalogue } from '../../src/main/host/tools/catalogue.js';
import { Gateway } from '../../src/main/host/tools/gateway.js';

const tool = defineTool({
  name: 'fly-apps-destroy',
  provider: 'fly',
  title: 'Destroy app',
  description: 'd',
  class: 'destructive',
  input: { name: z.string() },
  run: async ({ name }) => ({ text: `destroyed ${name}` }),
});

function gateway(extra: Partial<ConstructorParameters<typeof Gateway>[0]> = {}) {
  const activity = new ActivityStore();
  return { activity, gw: new Gateway({ activity, redactor: new Redactor(), log: silentLog(), ...extra }) };
}
const text = (r: { content: unknown }) => (r.content as Array<{ text: string }>)[0]!.text;

describe('Gateway', () => {
  it('runs allowed calls', async () => {
    const { gw, activity } = gateway();
    const r = await gw.call(tool, { name: 'web' }, { client: 'cursor', sessionId: null });
    expect(text(r)).toBe('destroyed web');
    expect(activity.list()[0]).toMatchObject({ status: 'ok', tool: 'fly-apps-destroy', provider: 'fly', client: 'cursor' });
  });

  it('records a denied call without running it', async () => {
    let ran = false;
    const spy = { ...tool, run: async () => ((ran = true), { text: 'x' }) };
    const { gw, activity } = gateway({ policy: () => 'deny' });
    const r = await gw.call(spy, { name: 'web' }, { client: 'cursor', sessionId: null });
    expect(r.isError).toBe(true);
    expect(text(r)).toMatch(/policy does not allow/);
    expect(ran).toBe(false);
    expect(activity.list()[0]?.status).toBe('denied');
  });

  it('asks when the policy says ask, and runs only when approved', async () => {
    const asked: string[] = [];
    const approveOnce = gateway({ policy: () => 'ask', approve: async ({ spec }) => (asked.push(spec.name), asked.length === 1) });
    expect((await approveOnce.gw.call(tool, { name: 'a' }, { client: 'c', sessionId: null })).isError).toBeFalsy();
    const second = await approveOnce.gw.call(tool, { name: 'b' }, { client: 'c', sessionId: null });
    expect(text(second)).toMatch(/declined/);
    expect(asked).toEqual(['fly-apps-destroy', 'fly-apps-destroy']);
  });

  it('treats ask with nobody to ask as a refusal', async () => {
    const { gw } = gateway({ policy: () => 'ask' });
    expect((await gw.call(tool, { name: 'a' }, { client: 'c', sessionId: null })).isError).toBe(true);
  });

  it('cancels running calls when the host stops', async () => {
    const hang = defineTool({ ...tool, name: 'hang', input: {}, run: () => new Promise(() => undefined) });
    const { gw, activity } = gateway();
    const pending = gw.call(hang, {}, { client: 'c', sessionId: null });
    gw.stopAll();
    expect((await pending).isError).toBe(true);
    expect(activity.list()[0]?.status).toBe('cancelled');
  });

  it('keeps error messages to one bounded paragraph', async () => {
    const noisy = defineTool({ ...tool, name: 'noisy', input: {}, run: async () => { throw new Error('x'.repeat(5000)); } });
    const { gw } = gateway();
    const r = await gw.call(noisy, {}, { client: 'c', sessionId: null });
    expect(text(r).length).toBeLessThanOrEqual(2001);
  });
});

describe('Catalogue', () => {
  it('refuses duplicate and invalid names', () => {
    expect(() => new Catalogue([tool, tool])).toThrow(/Duplicate/);
    expect(() => new Catalogue([{ ...tool, name: 'bad name!' }])).toThrow(/Invalid tool name/);
  });
});

describe('Gateway failing closed', () => {
  it('denies and records a call when the policy itself fails', async () => {
    let ran = false;
    const spy = { ...tool, run: async () => ((ran = true), { text: 'x' }) };
    const { gw, activity } = gateway({
      policy: () => {
        throw new Error('settings unreadable');
      },
    });
    const r = await gw.call(spy, { name: 'web' }, { client: 'cursor', sessionId: null });
    expect(r.isError).toBe(true);
    expect(ran).toBe(false);
    expect(activity.list()[0]?.status).toBe('denied');
  });
});
