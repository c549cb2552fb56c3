import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });
const lint = async (path: string, code: string) => (await eslint.lintText(code, { filePath: `${root}/${path}` }))[0]!.messages.map((m) => m.ruleId);

describe('the import boundary', () => {
  it.each(['src/main/host/secrets-probe.ts', 'src/shared/probe.ts'])('forbids electron in %s', async (path) => {
    expect(await lint(path, "import { app } from 'electron';\nexport const a = app;\n")).toContain('no-restricted-imports');
  });

  it('forbids Node built-ins in src/shared', async () => {
    expect(await lint('src/shared/probe.ts', "import { readFile } from 'node:fs';\nexport const r = readFile;\n")).toContain('no-restricted-imports');
  });

  it('allows electron in the desktop shell', async () => {
    expect(await lint('src/main/electron/probe.ts', "import { app } from 'electron';\nexport const a = app;\n")).not.toContain('no-restricted-imports');
  });
});
