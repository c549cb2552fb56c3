import type { MenuItemConstructorOptions } from 'electron';

/** What the tray shows; derived from the host, rendered by tray.ts. */
export interface TrayState {
  endpoint: { state: 'starting' | 'running' | 'stopped' | 'error'; url: string | null; error?: string };
  tools: number;
  sessions: number;
}

export interface TrayActions {
  copyEndpoint(): void;
  openWindow(): void;
  quit(): void;
}

/** The tray menu as plain data, so it is tested without Electron. */
export function trayMenuTemplate(state: TrayState, actions: TrayActions): MenuItemConstructorOptions[] {
  const { endpoint } = state;
  const headline =
    endpoint.state === 'running'
      ? `Serving ${state.tools} tools`
      : endpoint.state === 'starting'
        ? 'Starting…'
        : endpoint.state === 'error'
          ? 'Not serving'
          : 'Stopped';
  const items: MenuItemConstructorOptions[] = [
    { label: `Tarmac: ${headline}`, enabled: false },
    { label: endpoint.url ?? 'No endpoint', enabled: false },
  ];
  if (endpoint.state === 'error' && endpoint.error) items.push({ label: endpoint.error.slice(0, 120), enabled: false });
  if (endpoint.state === 'running') {
    items.push({ label: `${state.sessions} active session${state.sessions === 1 ? '' : 's'}`, enabled: false });
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
  return state.endpoint.state === 'running' ? `Tarmac: ${state.endpoint.url}` : `Tarmac: ${state.endpoint.state}`;
}
