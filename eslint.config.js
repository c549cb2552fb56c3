import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noElectron = {
  'no-restricted-imports': [
    'error',
    {
      paths: [{ name: 'electron', message: 'The host and shared code stay free of Electron: put it in src/main/electron.' }],
      patterns: [{ group: ['electron/*'], message: 'The host and shared code stay free of Electron.' }],
    },
  ],
};

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.cache/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': 'error',
    },
  },
  { files: ['src/main/host/**/*.ts', 'src/shared/**/*.ts'], rules: noElectron },
  {
    // The shared contract is pure: no Node built-ins either.
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: [{ name: 'electron', message: 'src/shared is pure TypeScript.' }], patterns: [{ group: ['node:*'], message: 'src/shared is pure TypeScript.' }] },
      ],
    },
  },
);
