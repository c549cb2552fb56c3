import { builtinModules } from 'node:module';
import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin } from 'vite';
import { tarmacViews } from './vite.views.config.js';

const pkg = JSON.parse(readFileSync(new URL('./package.json', import.meta.url), 'utf8')) as { version: string };

// Left in node_modules: keytar is a native addon; oidc-provider is large and loads only with the
// first OAuth request (its own ESM graph then, never at start).
const LEFT_EXTERNAL = ['keytar', 'oidc-provider'];
const external = [...builtinModules, ...builtinModules.map((m) => `node:${m}`), ...LEFT_EXTERNAL];

/** The package a bundled module comes from ("zod", "@modelcontextprotocol/server"), or null for ours. */
function packageOf(id: string): string | null {
  // The last node_modules in the path: a nested copy belongs to its own package, not its parent.
  const matches = [...(id.split('?')[0] ?? id).matchAll(/[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)[\\/]/g)];
  const last = matches.at(-1);
  return last ? last[1]!.replace('\\', '/') : null;
}

/**
 * out/cli/packages.json: which dependencies each file of the bundle holds, so a test can tell
 * which packages a command loads (their files are gone into the bundle).
 */
function packagesManifest(): Plugin {
  return {
    name: 'tarmac-packages-manifest',
    generateBundle(_options, bundle) {
      const files: Record<string, string[]> = {};
      for (const [file, output] of Object.entries(bundle)) {
        if (output.type !== 'chunk') continue;
        files[file] = [...new Set(output.moduleIds.map(packageOf).filter((p): p is string => p !== null))].sort();
      }
      this.emitFile({ type: 'asset', fileName: 'packages.json', source: `${JSON.stringify(files, null, 1)}\n` });
    },
  };
}

// The headless CLI, bundled for plain Node as CommonJS with its dependencies inside. Why:
// Node's ESM loader alone costs an idle `tarmac serve` some 14 MiB of RSS, and loading each
// dependency's hundreds of files costs more (bench:mcp, idle RSS). Each command is a chunk of its
// own (dynamic import in cli.ts), so a command loads only the code it uses.
export default defineConfig({
  // The MCP Apps views: a chunk loaded when a client first reads one (vite.views.config.ts).
  plugins: [packagesManifest(), tarmacViews()],
  define: { __TARMAC_VERSION__: JSON.stringify(pkg.version) },
  ssr: { noExternal: true, target: 'node' },
  build: {
    ssr: 'src/main/cli-main.ts',
    outDir: 'out/cli',
    emptyOutDir: true,
    target: 'node22',
    sourcemap: true,
    rollupOptions: {
      external: (id) => external.some((e) => id === e || id.startsWith(`${e}/`)),
      output: {
        format: 'cjs',
        entryFileNames: 'tarmac.cjs',
        chunkFileNames: 'chunks/[name]-[hash].cjs',
      },
    },
  },
});
