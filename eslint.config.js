import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// The layers, as VS Code keeps them: each folder may import only what its layer allows, and a
// test (test/unit/eslint-boundary.test.ts) proves every rule fires.
const electron = { name: 'electron', message: 'Only src/main/electron imports electron.' };
const electronDeep = { group: ['electron/*'], message: 'Only src/main/electron imports electron.' };
const nodeBuiltins = { regex: '^node:', message: 'No Node built-ins here.' };

const layers = {
  // The host is plain Node: never the desktop shell, the browser-mode server or the UI.
  host: {
    paths: [
      electron,
      // The CLI bundle is CommonJS and require()s this ESM package: its interop makes `default`
      // the namespace, so only the named export is the class.
      { name: 'oidc-provider', importNames: ['default'], message: "Import { Provider } from 'oidc-provider': the CommonJS CLI bundle's interop breaks its default export." },
    ],
    patterns: [
      electronDeep,
      { regex: '(^|/)(electron|web|renderer|cli)/', message: 'src/main/host imports nothing from src/main/electron, src/main/web, src/main/cli or src/renderer.' },
    ],
  },
  // The shared contract is pure TypeScript: itself and zod, nothing else.
  shared: {
    paths: [electron],
    patterns: [electronDeep, nodeBuiltins, { regex: '^(?!zod$|\\./)', message: 'src/shared imports only itself (and zod).' }],
  },
  // The MCP Apps views run sandboxed in an AI client: their data comes only from the tool result
  // the client passes in, never from the host's code or the window's.
  views: {
    paths: [electron],
    patterns: [electronDeep, nodeBuiltins, { regex: '(^|/)(main|renderer|shared)/', message: 'src/views imports only itself (and its packages): a view gets its data from the tool result.' }],
  },
  // The UI reaches the host only through the contract in src/shared.
  renderer: {
    paths: [electron],
    patterns: [electronDeep, nodeBuiltins, { regex: '(^|/)main/', message: 'src/renderer imports only src/shared and itself: talk to the host through the API.' }],
  },
};
const restrict = (layer) => ({ 'no-restricted-imports': ['error', layer] });

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'coverage/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  {
    // A promise nobody awaits loses its error: type-aware, so only over the sources.
    files: ['src/**/*.ts', 'src/**/*.tsx'],
    languageOptions: {
      parserOptions: {
        project: ['./tsconfig.node.json', './tsconfig.web.json'],
        tsconfigRootDir: import.meta.dirname,
        // With CI set, typescript-eslint would assume one run over files as they are on disk and
        // parse from its program, not from the text it is given: the layer test lints edited text.
        disallowAutomaticSingleRunInference: true,
      },
    },
    rules: { '@typescript-eslint/no-floating-promises': 'error' },
  },
  {
    // The installed entry is CommonJS in ES5 so any Node parses it (bin/package.json).
    files: ['bin/**/*.js'],
    languageOptions: { sourceType: 'commonjs', globals: { require: 'readonly' } },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  { files: ['src/main/host/**/*.ts'], rules: restrict(layers.host) },
  { files: ['src/shared/**/*.ts'], rules: restrict(layers.shared) },
  { files: ['src/renderer/**/*.ts', 'src/renderer/**/*.tsx'], rules: restrict(layers.renderer) },
  { files: ['src/views/**/*.ts', 'src/views/**/*.tsx'], rules: restrict(layers.views) },
);
