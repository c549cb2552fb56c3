import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';
import type { Plugin } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };
const define = { __TARMAC_VERSION__: JSON.stringify(pkg.version) };

/**
 * The app icon (resources/icon.png) as the window's favicon.png, next to index.html, which links
 * it; browser mode also answers /favicon.ico with it. The dev server serves it from resources/.
 */
function favicon(): Plugin {
  const icon = resolve('resources/icon.png');
  return {
    name: 'tarmac-favicon',
    configureServer(server) {
      server.middlewares.use('/favicon.png', (_req, res) => {
        res.setHeader('Content-Type', 'image/png');
        res.end(readFileSync(icon));
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'favicon.png', source: readFileSync(icon) });
    },
  };
}

export default defineConfig({
  main: {
    define,
    build: {
      rollupOptions: { input: { index: resolve('src/main/electron/main.ts') } },
    },
  },
  preload: {
    build: {
      // Sandboxed preloads must be CommonJS.
      rollupOptions: {
        input: { preload: resolve('src/main/electron/preload.ts') },
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: 'src/renderer',
    plugins: [react(), favicon()],
    // Minified: the window's first paint is measured (bench:ui), in Electron and in browser mode.
    build: { minify: true, rollupOptions: { input: resolve('src/renderer/index.html') } },
  },
});
