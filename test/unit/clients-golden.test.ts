import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLIENTS } from '../../src/main/host/clients/table.js';
import { pathContext } from '../../src/main/host/clients/types.js';
import { clientsEnv, expectGolden, FIXTURES } from '../helpers/clients.js';

const REQUIRED = [
  'claude-desktop', 'claude-code', 'cursor', 'vscode', 'vscode-insiders', 'windsurf', 'zed', 'gemini-cli', 'codex', 'cline',
  'roo-code', 'kilo-code', 'continue', 'lm-studio', 'copilot-cli', 'opencode', 'goose', 'qwen-code', 'kiro', 'antigravity', 'amazon-q',
];

describe('client table', () => {
  it('has at least 25 clients with unique ids, including every named one', () => {
    const ids = CLIENTS.map((c) => c.id);
    expect(ids.length).toBeGreaterThanOrEqual(25);
    expect(new Set(ids).size).toBe(ids.length);
    for (const id of REQUIRED) expect(ids).toContain(id);
  });
});

describe.each(CLIENTS.map((c) => [c.id, c] as const))('%s golden files', (id, def) => {
  it('register, repair and unregister change only Tarmac\'s entry', async () => {
    const t = await clientsEnv();
    try {
      const ext = def.format === 'toml' ? 'toml' : def.format === 'yaml' ? 'yaml' : 'json';
      const dir = join(FIXTURES, id);
      const before = await readFile(join(dir, `before.${ext}`), 'utf8');
      const file = def.files(pathContext(t.env, 'linux'))[0]!;
      await mkdir(dirname(file), { recursive: true });
      await writeFile(file, before);

      const [registered] = await t.registrar.register([id]);
      expect(registered!.written).toBe(true);
      await expectGolden(join(dir, `after-register.${ext}`), t.normalize(await readFile(file, 'utf8')));
      expect((await t.registrar.list()).find((c) => c.id === id)).toMatchObject({ status: 'registered', detected: true });
      // Registering again changes nothing: the client's token is reused.
      expect((await t.registrar.register([id]))[0]!.changed).toBe(false);

      // Tarmac moved to another port: the entry is stale, and repair fixes it.
      await t.host.settings.update((s) => ({ ...s, port: 9999 }));
      const stale = (await t.registrar.list()).find((c) => c.id === id)!;
      expect(stale.status).toBe(def.transport === 'bridge' ? 'registered' : 'stale');
      if (def.transport === 'http') expect(stale.reason).toMatch(/points at http:\/\/127\.0\.0\.1:8276\/mcp; Tarmac is at http:\/\/127\.0\.0\.1:9999\/mcp/);
      await t.registrar.repair([]);
      await expectGolden(join(dir, `after-repair.${ext}`), t.normalize(await readFile(file, 'utf8')));
      expect((await t.registrar.list()).find((c) => c.id === id)!.status).toBe('registered');

      await t.registrar.unregister([id]);
      const after = await readFile(file, 'utf8');
      await expectGolden(join(dir, `after-unregister.${ext}`), t.normalize(after));
      // Every format comes back byte for byte.
      expect(after).toBe(before);
      expect((await t.registrar.list()).find((c) => c.id === id)!.status).toBe('not-registered');
      expect(await t.host.tokens.get(id)).toBeNull();
    } finally {
      await t.stop();
    }
  });
});

describe('golden fixtures', () => {
  it('exist for every client', () => {
    for (const c of CLIENTS) expect(existsSync(join(FIXTURES, c.id)), c.id).toBe(true);
  });
});
