import type { MenuItemConstructorOptions } from 'electron';
import type { HostStatus, ProviderStatus } from '../../shared/api.js';

/** What the tray shows: the host's status as the window gets it, and failed calls since the person last looked. */
export type TrayState = Pick<HostStatus, 'endpoint' | 'providers' | 'keychain'> & {
  /** Guardrails: calls waiting for a person, and the two switches. */
  guard?: { waiting: number; paused: boolean; readOnly: boolean };
  /** Calls that ended in error or timeout since the window was last opened. */
  failed?: number;
  /** The latest finished call. */
  lastCall?: { tool: string; status: string } | null;
};

export type TrayIcon = 'ok' | 'attention' | 'error';

export interface TrayActions {
  copyEndpoint(): void;
  openWindow(): void;
  quit(): void;
  setPaused?(on: boolean): void;
  setReadOnly?(on: boolean): void;
}

/** error: not serving; attention: serving, but a provider or the keychain needs the person; ok otherwise. */
export function trayIcon(state: TrayState): TrayIcon {
  if (state.endpoint.state === 'error' || state.endpoint.state === 'stopped') return 'error';
  if (state.guard && (state.guard.waiting > 0 || state.guard.paused)) return 'attention';
  if (state.keychain.state !== 'ok' || state.providers.some((p) => p.state !== 'ready') || (state.failed ?? 0) > 0) return 'attention';
  return 'ok';
}

/** The icon file for a state; macOS menu bars take one-colour template images. */
export function trayIconFile(icon: TrayIcon, platform: NodeJS.Platform): string {
  if (platform === 'darwin') return icon === 'ok' ? 'trayTemplate.png' : icon === 'attention' ? 'trayAttentionTemplate.png' : 'trayErrorTemplate.png';
  return icon === 'ok' ? 'tray.png' : `tray-${icon}.png`;
}

const MARK: Record<ProviderStatus['state'], string> = { ready: '●', 'signed-out': '○', unconfigured: '○', error: '✕' };

/** The tray menu as plain data, so it is tested without Electron. */
export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const { endpoint } = state;
  const headline =
    endpoint.state === 'running'
      ? `Serving ${endpoint.tools} tools`
      : endpoint.state === 'starting'
        ? 'Starting…'
        : endpoint.state === 'error'
          ? 'Not serving'
          : 'Stopped';
  const items: MenuItemConstructorOptions[] = [
    { label: `Tarmac: ${state.guard?.paused ? 'Paused' : headline}`, enabled: false },
    { label: endpoint.url ?? 'No endpoint', enabled: false },
  ];
  const waiting = state.guard?.waiting ?? 0;
  // First thing in the menu: a call waiting for a person opens the window's approval dialog.
  if (waiting > 0) items.unshift({ label: `${waiting} call${waiting === 1 ? '' : 's'} waiting for you…`, click: () => actions.openWindow() }, { type: 'separator' });
  if (endpoint.state === 'error' && endpoint.error) items.push({ label: clip(endpoint.error), enabled: false });
  if (endpoint.state === 'running') {
    items.push({ label: `${endpoint.sessions} active session${endpoint.sessions === 1 ? '' : 's'}`, enabled: false });
  }
  if (state.providers.length || state.keychain.state !== 'ok') items.push({ type: 'separator' });
  for (const p of state.providers) items.push({ label: clip(`${MARK[p.state]} ${p.label}: ${p.summary}`), enabled: false });
  if (state.keychain.state !== 'ok') items.push({ label: '✕ Keychain unavailable: open Tarmac for what to do', enabled: false });
  if (state.guard) {
    const { paused, readOnly } = state.guard;
    items.push(
      { type: 'separator' },
      { label: 'Pause Tarmac', type: 'checkbox', checked: paused, click: () => actions.setPaused?.(!paused) },
      { label: 'Read-only mode', type: 'checkbox', checked: readOnly, click: () => actions.setReadOnly?.(!readOnly) },
    );
  }
  const failed = state.failed ?? 0;
  if (failed > 0 || state.lastCall) {
    items.push({ type: 'separator' });
    if (failed > 0) items.push({ label: `${failed} failed call${failed === 1 ? '' : 's'} since you last looked`, click: () => actions.openWindow() });
    if (state.lastCall) items.push({ label: clip(`Last call: ${state.lastCall.tool} (${state.lastCall.status})`), enabled: false });
  }
  items.push(
    { type: 'separator' },
    { label: 'Copy endpoint URL', enabled: endpoint.url !== null, click: () => actions.copyEndpoint() },
    { label: 'Open Tarmac', click: () => actions.openWindow() },
    { type: 'separator' },
    { label: 'Quit Tarmac', role: 'quit', click: () => actions.quit() },
  );
  return items;
}

/** Tooltip text for the tray icon. */
export function trayTooltip(state: TrayState): string {
  const icon = trayIcon(state);
  const base = state.endpoint.state === 'running' ? `Tarmac: ${state.endpoint.url}` : `Tarmac: ${state.endpoint.state}`;
  const waiting = state.guard?.waiting ?? 0;
  if (waiting > 0) return `${base} (${waiting} call${waiting === 1 ? '' : 's'} waiting)`;
  if (state.guard?.paused) return `${base} (paused)`;
  const failed = state.failed ?? 0;
  if (failed > 0) return `${base} (${failed} failed call${failed === 1 ? '' : 's'})`;
  return icon === 'attention' ? `${base} (needs attention)` : base;
}

function clip(text: string): string {
  return text.length > 90 ? `${text.slice(0, 89)}…` : text;
}
