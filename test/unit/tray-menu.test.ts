import { describe, expect, it } from 'vitest';
import { trayMenuTemplate, trayTooltip, type TrayState } from '../../src/main/electron/tray-menu.js';

const actions = () => {
  const calls: string[] = [];
  return { calls, actions: { copyEndpoint: () => calls.push('copy'), openWindow: () => calls.push('open'), quit: () => calls.push('quit') } };
};
const running: TrayState = { endpoint: { state: 'running', url: 'http://127.0.0.1:8276/mcp' }, tools: 67, sessions: 1 };

describe('tray menu', () => {
  it('shows the endpoint, its state and the session count when running', () => {
    const items = trayMenuTemplate(running, actions().actions);
    expect(items.map((i) => i.label ?? i.type)).toEqual([
      'Tarmac: Serving 67 tools',
      'http://127.0.0.1:8276/mcp',
      '1 active session',
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
    const state: TrayState = { endpoint: { state: 'error', url: null, error: 'Port 8276 on 127.0.0.1 is already in use' }, tools: 67, sessions: 0 };
    const items = trayMenuTemplate(state, actions().actions);
    expect(items[0]?.label).toBe('Tarmac: Not serving');
    expect(items.some((i) => i.label === 'Port 8276 on 127.0.0.1 is already in use')).toBe(true);
    expect(items.find((i) => i.label === 'Copy endpoint URL')?.enabled).toBe(false);
    expect(trayTooltip(state)).toBe('Tarmac: error');
  });

  it('pluralises sessions and shows starting', () => {
    expect(trayMenuTemplate({ ...running, sessions: 3 }, actions().actions)[2]?.label).toBe('3 active sessions');
    expect(trayMenuTemplate({ ...running, endpoint: { state: 'starting', url: null } }, actions().actions)[0]?.label).toBe('Tarmac: Starting…');
  });
});
