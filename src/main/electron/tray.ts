import { clipboard, Menu, nativeImage, Tray } from 'electron';
import { join } from 'node:path';
import { trayIcon, trayIconFile, trayMenuTemplate, trayTooltip, type TrayActions, type TrayIcon, type TrayState } from './tray-menu.js';

/** The tray icon and its menu; re-rendered whenever the host's status changes. */
export class TarmacTray {
  readonly #tray: Tray;
  readonly #actions: TrayActions;
  readonly #resources: string;
  #state: TrayState;
  #icon: TrayIcon | null = null;

  constructor(resourcesDir: string, actions: Omit<TrayActions, 'copyEndpoint'>, state: TrayState) {
    this.#resources = resourcesDir;
    this.#state = state;
    this.#tray = new Tray(this.#image('ok'));
    this.#actions = {
      ...actions,
      copyEndpoint: () => {
        if (this.#state.endpoint.url) void clipboard.writeText(this.#state.endpoint.url);
      },
    };
    this.update(state);
  }

  update(state: TrayState): void {
    this.#state = state;
    const icon = trayIcon(state);
    if (icon !== this.#icon) {
      this.#icon = icon;
      this.#tray.setImage(this.#image(icon));
    }
    this.#tray.setToolTip(trayTooltip(state));
    this.#tray.setContextMenu(Menu.buildFromTemplate(trayMenuTemplate(state, this.#actions)));
  }

  destroy(): void {
    this.#tray.destroy();
  }

  #image(icon: TrayIcon) {
    // macOS picks the Template image up and tints it for light and dark menu bars.
    return nativeImage.createFromPath(join(this.#resources, trayIconFile(icon, process.platform)));
  }
}
