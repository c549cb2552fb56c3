// `npm start`: build the desktop app and run it with Electron. Where the Electron binary was not
// installed (ELECTRON_SKIP_BINARY_DOWNLOAD, an offline machine), say so in one message with the
// two ways on, instead of Electron's download attempt and stack trace.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

export function electronBinary() {
  let dir;
  try {
    dir = dirname(createRequire(import.meta.url).resolve('electron/package.json'));
  } catch {
    return null;
  }
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, readPath(dir) ?? 'electron');
    return existsSync(p) ? p : null;
  }
  const rel = readPath(dir);
  const p = rel ? join(dir, 'dist', rel) : null;
  return p && existsSync(p) ? p : null;
}

function readPath(dir) {
  try {
    return readFileSync(join(dir, 'path.txt'), 'utf8').trim();
  } catch {
    return null;
  }
}

const binary = electronBinary();
if (!binary) {
  console.error(
    'tarmac: the Electron binary is not installed here, so the desktop app cannot start.\n' +
      '  Install it:            node node_modules/electron/install.js   (needs access to Electron\'s downloads)\n' +
      '  Or use browser mode:   npx tarmac ui                           (the same window, in your browser)',
  );
  process.exit(1);
}

const build = spawnSync(process.execPath, [createRequire(import.meta.url).resolve('electron-vite/bin/electron-vite.js'), 'build'], { stdio: 'inherit' });
if (build.status !== 0) process.exit(build.status ?? 1);
const child = spawn(binary, ['.', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 0));
