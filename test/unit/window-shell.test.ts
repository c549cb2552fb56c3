import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { autostartEntry, autostartPath } from '../../src/main/electron/autostart.js';
import { bundledCliLauncher } from '../../src/main/electron/cli-launcher.js';
import { DEFAULT_SIZE, restoreBounds } from '../../src/main/electron/window-state.js';

const screen = { x: 0, y: 0, width: 1920, height: 1080 };

describe('window size and place', () => {
  it('reopens where it was when that is on a screen', () => {
    expect(restoreBounds({ x: 100, y: 80, width: 1100, height: 760 }, [screen])).toEqual({ x: 100, y: 80, width: 1100, height: 760 });
  });

  it('keeps only the size when the screen it was on is gone, and the default size the first time', () => {
    expect(restoreBounds({ x: 2500, y: 80, width: 1100, height: 760 }, [screen])).toEqual({ width: 1100, height: 760 });
    expect(restoreBounds(undefined, [screen])).toEqual(DEFAULT_SIZE);
  });

  it('never restores a window too small to use', () => {
    expect(restoreBounds({ x: 10, y: 10, width: 300, height: 200 }, [screen])).toEqual({ x: 10, y: 10, width: 720, height: 520 });
  });
});

describe('launch at login on Linux (XDG autostart)', () => {
  it('writes a desktop entry that starts Tarmac hidden, quoting what needs it', () => {
    const entry = autostartEntry('/opt/Tarmac/tarmac', ['--hidden']);
    expect(entry).toContain('[Desktop Entry]\nType=Application\nName=Tarmac');
    expect(entry).toContain('Exec=/opt/Tarmac/tarmac --hidden\n');
    expect(autostartEntry('/home/ana/My Apps/tar"mac', [])).toContain('Exec="/home/ana/My Apps/tar\\"mac"\n');
  });

  it('lives in $XDG_CONFIG_HOME/autostart (else ~/.config/autostart)', () => {
    expect(autostartPath({ XDG_CONFIG_HOME: '/x', HOME: '/h' })).toBe('/x/autostart/tarmac.desktop');
    expect(autostartPath({ HOME: '/h' })).toBe('/h/.config/autostart/tarmac.desktop');
  });
});

describe('how AI clients start the bridge from the desktop app', () => {
  it('runs the app itself as Node with the CLI bundled inside it', () => {
    expect(bundledCliLauncher('/Applications/Tarmac.app/Contents/MacOS/Tarmac', '/Applications/Tarmac.app/Contents/Resources/app.asar')).toEqual({
      command: '/Applications/Tarmac.app/Contents/MacOS/Tarmac',
      args: ['/Applications/Tarmac.app/Contents/Resources/app.asar/out/cli/tarmac.cjs'],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    // That is where the CLI build writes its entry, and the package ships out/**.
    expect(readFileSync('vite.cli.config.ts', 'utf8')).toMatch(/outDir: 'out\/cli'[\s\S]*entryFileNames: 'tarmac\.cjs'/);
    expect(readFileSync('electron-builder.yml', 'utf8')).toMatch(/^ {2}- out\/\*\*$/m);
  });
});
