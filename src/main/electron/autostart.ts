/**
 * Launch at login. macOS and Windows have it in Electron (app.setLoginItemSettings); Linux desktops
 * follow the XDG autostart spec: a .desktop file in ~/.config/autostart. The entry text is pure
 * and unit-tested; reading and writing it is a few lines around it.
 */
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

export function autostartEntry(execPath: string, args: readonly string[] = []): string {
  // Desktop Entry Exec values quote arguments with double quotes and escape ", `, $ and \.
  const quote = (s: string) => (/^[A-Za-z0-9_\-./=:]+$/.test(s) ? s : `"${s.replace(/(["`$\\])/g, '\\$1')}"`);
  return [
    '[Desktop Entry]',
    'Type=Application',
    'Name=Tarmac',
    'Comment=MCP tools for Fly.io and Flight Control',
    `Exec=${[execPath, ...args].map(quote).join(' ')}`,
    'X-GNOME-Autostart-enabled=true',
    'Terminal=false',
    '',
  ].join('\n');
}

export function autostartPath(env: NodeJS.ProcessEnv = process.env): string {
  return join(env.XDG_CONFIG_HOME || join(env.HOME || homedir(), '.config'), 'autostart', 'tarmac.desktop');
}

export function linuxAutostart(execPath: string, args: readonly string[], env: NodeJS.ProcessEnv = process.env) {
  const path = autostartPath(env);
  return {
    get: () => existsSync(path),
    set(on: boolean) {
      if (!on) return rmSync(path, { force: true });
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, autostartEntry(execPath, args), { mode: 0o644 });
    },
  };
}
