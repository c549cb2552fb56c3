import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ESLint } from 'eslint';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../..', import.meta.url));
const eslint = new ESLint({ cwd: root });
/**
 * Lints a real file of a layer with an import (or code) added: the sources are linted with type
 * information, which needs a file the TypeScript project knows.
 */
const lint = async (path: string, extra: string) =>
  (await eslint.lintText(`${readFileSync(`${root}/${path}`, 'utf8')}\n${extra}\n`, { filePath: `${root}/${path}` }))[0]!.messages.map((m) => m.ruleId ?? m.message);

const HOST = 'src/main/host/version.ts';
const SHARED = 'src/shared/api-schema.ts';
const RENDERER = 'src/renderer/hooks/useHost.ts';
const SHELL = 'src/main/electron/autostart.ts';
const VIEWS = 'src/views/common/use-tool-result.ts';

describe('the layers', () => {
  it.each([HOST, SHARED, RENDERER, VIEWS])('forbids electron in %s', async (path) => {
    expect(await lint(path, "import { app } from 'electron';\nexport const probeA = app;")).toContain('no-restricted-imports');
  });

  it.each([SHARED, RENDERER, VIEWS])('forbids Node built-ins in %s', async (path) => {
    expect(await lint(path, "import { readFile } from 'node:fs';\nexport const probeR = readFile;")).toContain('no-restricted-imports');
  });

  it('src/renderer imports only src/shared and itself', async () => {
    expect(await lint(RENDERER, "import { createHost } from '../../main/host/index.js';\nexport const probeC = createHost;")).toContain('no-restricted-imports');
    expect(await lint(RENDERER, "import { API_METHODS } from '../../shared/api.js';\nexport const probeM = API_METHODS;")).toEqual([]);
  });

  it('src/views imports only itself: no host, window or shared code', async () => {
    for (const target of ['../../main/host/index.js', '../../renderer/api.js', '../../shared/api.js']) {
      expect(await lint(VIEWS, `import * as probe from '${target}';\nexport const probeV = probe;`), target).toContain('no-restricted-imports');
    }
    expect(await lint(VIEWS, "import { resultText as probe } from './use-tool-result.js';\nexport const probeV = probe;")).toEqual([]);
  });

  it('src/shared imports nothing but itself and zod', async () => {
    expect(await lint(SHARED, "import { createHost } from '../main/host/index.js';\nexport const probeC = createHost;")).toContain('no-restricted-imports');
    expect(await lint(SHARED, "import { useState } from 'react';\nexport const probeS = useState;")).toContain('no-restricted-imports');
    expect(await lint(SHARED, "import { API_METHODS } from './api.js';\nexport const probeA = API_METHODS;")).toEqual([]);
  });

  it('src/main/host imports nothing from src/main/electron (nor the web server or the CLI)', async () => {
    for (const target of ['../electron/tray.js', './electron/ipc.js', '../web/server.js', '../cli/io.js']) {
      expect(await lint(HOST, `import * as probe from '${target}';\nexport const probeX = probe;`), target).toContain('no-restricted-imports');
    }
  });

  it("src/main/host takes oidc-provider's named export, never its default (the CLI bundle's interop breaks it)", async () => {
    expect(await lint(HOST, "import Provider from 'oidc-provider';\nexport const probeO = Provider;")).toContain('no-restricted-imports');
    expect(await lint(HOST, "import { Provider } from 'oidc-provider';\nexport const probeO = Provider;")).toEqual([]);
  });

  it('allows electron in the desktop shell', async () => {
    expect(await lint(SHELL, "import { app } from 'electron';\nexport const probeA = app;")).not.toContain('no-restricted-imports');
  });

  it('a promise nobody awaits is an error, in the host and in the renderer', async () => {
    expect(await lint(HOST, 'export function probe(): void {\n  Promise.resolve(1);\n}')).toContain('@typescript-eslint/no-floating-promises');
    expect(await lint(RENDERER, 'export function probe(): void {\n  fetch("x");\n}')).toContain('@typescript-eslint/no-floating-promises');
    expect(await lint(HOST, 'export function probe(): void {\n  void Promise.resolve(1);\n}')).toEqual([]);
  });
});
