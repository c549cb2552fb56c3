import { clipboard, Menu, nativeImage, Tray } from 'electron';
import { join } from 'node:path';
import { trayMenuTemplate, trayTooltip, type TrayActions, type TrayState } from './tray-menu.js';

/** The tray icon and its menu; re-rendered whenever the state changes. */
export class TarmacTray {
  readonly #tray: Tray;
  readonly #actions: TrayActions;

  constructor(resourcesDir: string, actions: Omit<TrayActions, 'copyEndpoint'>, private state: TrayState) {
    // macOS picks the Template image up and tints it for light and dark menu bars.
    const icon = nativeImage.createFromPath(join(resourcesDir, process.platform === 'darwin' ? 'trayTemplate.png' : 'tray.png'));
    this.#tray = new Tray(icon);
    this.#actions = {
      ...actions,
      copyEndpoint: () => {
        if (this.state.endpoint.url) clipboard.writeText(this.state.endpoint.url);
      },
    };
    this.update(state);
  }

  update(state: TrayState): void {
    this.state = state;
    this.#tray.setToolTip(trayTooltip(state));
    this.#tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, this.#actions)));
  }

  destroy(): void {
    this.#tray.destroy();
  }
}
