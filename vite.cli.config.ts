import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { defineConfig } from 'vite';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as {
  version: string;
  dependencies: Record<string, string>;
};
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...Object.keys(pkg.dependencies)];

// The headless CLI: ESM for plain Node, dependencies left in node_modules. Each command is a
// chunk of its own (dynamic import in cli.ts), so a command loads only the code it uses.
export default defineConfig({
  define: { __TARMAC_VERSION__: JSON.stringify(pkg.version) },
  build: {
    ssr: 'src/main/cli-main.ts',
    outDir: 'out/cli',
    emptyOutDir: true,
    target: 'node22',
    sourcemap: true,
    rollupOptions: {
      external: (id) => external.some((e) => id === e || id.startsWith(`${e}/`)),
      output: { format: 'es', entryFileNames: 'tarmac.js', chunkFileNames: 'chunks/[name]-[hash].js' },
    },
  },
});
