import { describe, expect, it } from 'vitest';
import { trayIcon, trayIconFile, trayMenuTemplate, trayTooltip, type TrayState } from '../../src/main/electron/tray-menu.js';
import type { ProviderStatus } from '../../src/shared/api.js';

const actions = () => {
  const calls: string[] = [];
  return { calls, actions: { copyEndpoint: () => calls.push('copy'), openWindow: () => calls.push('open'), quit: () => calls.push('quit') } };
};
const fly: ProviderStatus = { id: 'fly', label: 'Fly.io', state: 'ready', summary: 'signed in as ana@example.com', details: {}, warnings: [] };
const running: TrayState = {
  endpoint: { state: 'running', url: 'http://127.0.0.1:8276/mcp', tools: 67, sessions: 1 },
  providers: [fly],
  keychain: { state: 'ok', message: null },
};

describe('tray menu', () => {
  it('shows the endpoint, its state and the session count when running', () => {
    const items = trayMenuTemplate(running, actions().actions);
    expect(items.map((i) => i.label ?? i.type)).toEqual([
      'Tarmac: Serving 67 tools',
      'http://127.0.0.1:8276/mcp',
      '1 active session',
      'separator',
      '● Fly.io: signed in as ana@example.com',
      'separator',
      'Copy endpoint URL',
      'Open Tarmac',
      'separator',
      'Quit Tarmac',
    ]);
    expect(trayTooltip(running)).toBe('Tarmac: http://127.0.0.1:8276/mcp');
  });

  it('wires the actions', () => {
    const { calls, actions: a } = actions();
    const items = trayMenuTemplate(running, a);
    for (const label of ['Copy endpoint URL', 'Open Tarmac', 'Quit Tarmac']) {
      const item = items.find((i) => i.label === label)!;
      (item.click as () => void)();
    }
    expect(calls).toEqual(['copy', 'open', 'quit']);
  });

  it('shows why it is not serving and disables copying', () => {
    const state: TrayState = { ...running, endpoint: { state: 'error', url: null, error: 'Port 8276 on 127.0.0.1 is already in use', tools: 67, sessions: 0 } };
    const items = trayMenuTemplate(state, actions().actions);
    expect(items[0]?.label).toBe('Tarmac: Not serving');
    expect(items.some((i) => i.label === 'Port 8276 on 127.0.0.1 is already in use')).toBe(true);
    expect(items.find((i) => i.label === 'Copy endpoint URL')?.enabled).toBe(false);
    expect(trayTooltip(state)).toBe('Tarmac: error');
  });

  it('pluralises sessions and shows starting', () => {
    expect(trayMenuTemplate({ ...running, endpoint: { ...running.endpoint, sessions: 3 } }, actions().actions)[2]?.label).toBe('3 active sessions');
    expect(trayMenuTemplate({ ...running, endpoint: { state: 'starting', url: null, tools: 0, sessions: 0 } }, actions().actions)[0]?.label).toBe('Tarmac: Starting…');
  });

  it('picks the icon: ok, needs attention (a provider signed out, the keychain locked), error (not serving)', () => {
    expect(trayIcon(running)).toBe('ok');
    const signedOut = { ...running, providers: [{ ...fly, state: 'signed-out' as const, summary: 'not signed in' }] };
    expect(trayIcon(signedOut)).toBe('attention');
    expect(trayTooltip(signedOut)).toBe('Tarmac: http://127.0.0.1:8276/mcp (needs attention)');
    expect(trayMenuTemplate(signedOut, actions().actions).map((i) => i.label)).toContain('○ Fly.io: not signed in');
    const locked = { ...running, keychain: { state: 'unavailable' as const, message: 'unlock it' } };
    expect(trayIcon(locked)).toBe('attention');
    expect(trayMenuTemplate(locked, actions().actions).map((i) => i.label)).toContain('✕ Keychain unavailable: open Tarmac for what to do');
    expect(trayIcon({ ...running, endpoint: { state: 'error', url: null, tools: 0, sessions: 0 } })).toBe('error');
    expect(trayIconFile('attention', 'linux')).toBe('tray-attention.png');
    expect(trayIconFile('error', 'darwin')).toBe('trayErrorTemplate.png');
    expect(trayIconFile('ok', 'win32')).toBe('tray.png');
  });

  it('shows failed calls since the window was last opened, and the last call; clicking opens the window', () => {
    const { calls, actions: a } = actions();
    const state = { ...running, failed: 2, lastCall: { tool: 'fly-apps-list', status: 'error' } };
    expect(trayIcon(state)).toBe('attention');
    expect(trayTooltip(state)).toBe('Tarmac: http://127.0.0.1:8276/mcp (2 failed calls)');
    const items = trayMenuTemplate(state, a);
    const failed = items.find((i) => i.label === '2 failed calls since you last looked')!;
    (failed.click as () => void)();
    expect(calls).toEqual(['open']);
    expect(items.map((i) => i.label)).toContain('Last call: fly-apps-list (error)');
    expect(trayIcon({ ...state, failed: 0 })).toBe('ok');
  });
});

describe('tray menu: guardrails', () => {
  it('puts "N calls waiting" first, opening the window, and shows pause and read-only as checkboxes', () => {
    const { calls, actions: a } = actions();
    const flips: string[] = [];
    const state: TrayState = { ...running, guard: { waiting: 2, paused: false, readOnly: true } };
    const items = trayMenuTemplate(state, { ...a, setPaused: (on) => flips.push(`paused ${on}`), setReadOnly: (on) => flips.push(`read-only ${on}`) });
    expect(items[0]?.label).toBe('2 calls waiting for you…');
    (items[0]!.click as () => void)();
    expect(calls).toEqual(['open']);
    const pause = items.find((i) => i.label === 'Pause Tarmac')!;
    const readOnly = items.find((i) => i.label === 'Read-only mode')!;
    expect([pause.type, pause.checked, readOnly.checked]).toEqual(['checkbox', false, true]);
    (pause.click as () => void)();
    (readOnly.click as () => void)();
    expect(flips).toEqual(['paused true', 'read-only false']);
    expect(trayIcon(state)).toBe('attention');
    expect(trayTooltip(state)).toBe('Tarmac: http://127.0.0.1:8276/mcp (2 calls waiting)');
  });

  it('says when Tarmac is paused, and has no waiting line when nothing waits', () => {
    const state: TrayState = { ...running, guard: { waiting: 0, paused: true, readOnly: false } };
    const items = trayMenuTemplate(state, actions().actions);
    expect(items[0]?.label).toBe('Tarmac: Paused');
    expect(items.some((i) => /waiting/.test(String(i.label)))).toBe(false);
    expect(trayTooltip(state)).toBe('Tarmac: http://127.0.0.1:8276/mcp (paused)');
  });
});
