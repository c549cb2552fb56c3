import { spawn } from 'node:child_process';
import { chmod, lstat, mkdir, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse, type ParseError } from 'jsonc-parser';
import { ConfigLimitError } from '../../src/main/host/clients/errors.js';
import { ConfigParseError } from '../../src/main/host/clients/formats/index.js';
import { nestedDeeperThan } from '../../src/main/host/clients/formats/limits.js';
import { clientDef } from '../../src/main/host/clients/table.js';
import { pathContext } from '../../src/main/host/clients/types.js';
import { writeInstance } from '../../src/main/host/instance.js';
import { cliCommand } from '../helpers/cli.js';
import { clientsEnv } from '../helpers/clients.js';

const fileOf = (id: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform = 'linux') => clientDef(id)!.files(pathContext(env, platform))[0]!;

async function put(file: string, text: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  await writeFile(file, text);
}

describe('safe writes', () => {
  it.each([
    ['cursor', '{ "mcpServers": { "a": 1, } }\n', /mcp\.json:1:27: not valid JSON/],
    ['zed', '// ok\n{\n  "context_servers": {\n    "a": \n  }\n}\n', /settings\.json:5:3: not valid JSONC/],
    ['codex', 'model = "x"\n[mcp_servers.a\nurl = 1\n', /config\.toml:2:\d+: not valid TOML/],
    ['goose', 'extensions:\n  a: [1, 2\nb: c\n', /config\.yaml:\d+:\d+: not valid YAML/],
  ])('leaves a corrupt %s file byte for byte and names the file and line', async (id, text, message) => {
    const t = await clientsEnv();
    try {
      const file = fileOf(id, t.env);
      await put(file, text);
      const error = await t.registrar.register([id]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigParseError);
      expect((error as Error).message).toMatch(message);
      expect((error as Error).message).toMatch(/left the file as it was/);
      expect(await readFile(file, 'utf8')).toBe(text);
      // Not Tarmac's to repair: the list says the file cannot be read, where, and why, in words.
      expect((await t.registrar.list()).find((c) => c.id === id)).toMatchObject({ status: 'unreadable', reason: expect.stringMatching(/^line \d+, column \d+: not valid [A-Z]+: [a-z]/) });
      expect(await readdir(dirname(file))).toEqual([file.split('/').pop()]);
      // The token made for this registration went with it.
      expect(await t.host.tokens.get(id)).toBeNull();
      expect((await t.host.clients.list()).map((c) => c.name)).not.toContain(id);
    } finally {
      await t.stop();
    }
  });

  const deep = (open: string, close: string, n = 500_000) => open.repeat(n) + close.repeat(n);
  it.each([
    ['cursor', `{ "mcpServers": {}, "x": ${deep('[', ']')} }\n`],
    ['zed', `// settings\n{ "x": ${deep('{"a":', '}')} }\n`],
    ['codex', `x = ${deep('[', ']')}\n`],
    ['goose', `x: ${deep('[', ']')}\n`],
    ['continue', Array.from({ length: 3_000 }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n'],
  ])('refuses a %s file nested too deep with a clear message, and leaves it as it was', async (id, text) => {
    const t = await clientsEnv();
    try {
      const file = fileOf(id, t.env);
      await put(file, text);
      const error = await t.registrar.register([id]).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ConfigLimitError);
      expect((error as Error).message).toContain(`${file} is nested more than 64 levels deep`);
      expect((error as Error).message).toMatch(/left this one as it was.*add the "tarmac" entry by hand/);
      expect(await readFile(file, 'utf8')).toBe(text);
      expect(await t.host.tokens.get(id)).toBeNull();
      expect((await t.registrar.list()).find((c) => c.id === id)).toMatchObject({ status: 'unreadable', reason: expect.stringMatching(/nested more than 64 levels/) });
    } finally {
      await t.stop();
    }
  });

  it('refuses a config file over 5 MiB unread, with a clear message, and leaves it as it was', async () => {
    const t = await clientsEnv();
    try {
      const file = fileOf('claude-code', t.env);
      const text = JSON.stringify({ projects: { '/src/app': { history: 'x'.repeat(6 * 1024 * 1024) } }, mcpServers: {} });
      await put(file, text);
      for (const attempt of [() => t.registrar.register(['claude-code']), () => t.registrar.register(['claude-code'], { dryRun: true })]) {
        const error = await attempt().catch((e: unknown) => e);
        expect(error).toBeInstanceOf(ConfigLimitError);
        expect((error as Error).message).toMatch(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is 6\\.0 MiB; Tarmac edits client config files of up to 5 MiB and left this one as it was`));
      }
      expect(await readFile(file, 'utf8')).toBe(text);
      expect(await t.host.tokens.get('claude-code')).toBeNull();
      expect((await t.registrar.list()).find((c) => c.id === 'claude-code')).toMatchObject({ status: 'unreadable', reason: expect.stringMatching(/is 6\.0 MiB/) });
    } finally {
      await t.stop();
    }
  });

  it('counts nesting outside strings and comments only', () => {
    const brackets = '['.repeat(100);
    expect(nestedDeeperThan('json', `{ "a": "${brackets}" }`, 64)).toBe(false);
    expect(nestedDeeperThan('jsonc', `// ${brackets}\n/* ${brackets} */ { "a": "\\"${brackets}" }`, 64)).toBe(false);
    expect(nestedDeeperThan('toml', `# ${brackets}\na = "${brackets}"\nb = '${brackets}'\nc = """\n${brackets}"""\n`, 64)).toBe(false);
    expect(nestedDeeperThan('yaml', `a: "${brackets}" # ${brackets}\nb: '${brackets}'\n`, 64)).toBe(false);
    const block = (levels: number) => Array.from({ length: levels }, (_, i) => `${' '.repeat(i)}k${i}:`).join('\n') + ' 1\n';
    expect(nestedDeeperThan('yaml', block(64), 64)).toBe(false);
    expect(nestedDeeperThan('yaml', block(65), 64)).toBe(true);
    expect(nestedDeeperThan('yaml', `a:\n${'- '.repeat(64)}x\n`, 64)).toBe(true);
    expect(nestedDeeperThan('yaml', 'a:\n  b:\n  - c\n  - d:\n      e: |\n        text\n\n          more\n# comment\nf: 1\n', 64)).toBe(false);
    for (const format of ['json', 'jsonc', 'toml', 'yaml'] as const) {
      expect(nestedDeeperThan(format, `a = ${'['.repeat(64)}${']'.repeat(64)}`, 64), format).toBe(false);
      expect(nestedDeeperThan(format, `a = ${'['.repeat(65)}${']'.repeat(65)}`, 64), format).toBe(true);
    }
  });

  it('a register that cannot write the file leaves no token behind; one of an earlier registration stays', async () => {
    const t = await clientsEnv();
    try {
      // ~/.cursor is a file: the config folder cannot be made.
      await put(join(t.home, '.cursor'), 'not a folder');
      const error = await t.registrar.register(['cursor']).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Error);
      expect(await t.host.tokens.get('cursor')).toBeNull();
      expect(await t.host.clients.list()).toEqual([]);

      // Registered before: a failed re-registration does not take the client's working token away.
      await rm(join(t.home, '.cursor'));
      await t.registrar.register(['cursor']);
      const token = await t.host.tokens.get('cursor');
      expect(token).toMatch(/^tmc_/);
      await writeFile(fileOf('cursor', t.env), '{ "mcpServers": { "tarmac": 1, } }\n');
      await expect(t.registrar.register(['cursor'])).rejects.toThrow(ConfigParseError);
      expect(await t.host.tokens.get('cursor')).toBe(token);
    } finally {
      await t.stop();
    }
  });

  it('edits a symlinked config at its target and keeps the link', async () => {
    const t = await clientsEnv();
    try {
      const file = fileOf('cursor', t.env);
      const real = join(t.root, 'dotfiles', 'cursor-mcp.json');
      await put(real, '{ "mcpServers": {} }\n');
      await mkdir(dirname(file), { recursive: true });
      await symlink(real, file);
      await t.registrar.register(['cursor']);
      expect((await lstat(file)).isSymbolicLink()).toBe(true);
      expect(parse(await readFile(real, 'utf8')).mcpServers.tarmac.url).toBe('http://127.0.0.1:8276/mcp');
    } finally {
      await t.stop();
    }
  });

  it('makes a file that holds a token 0600; an OAuth entry keeps the file\'s mode', async () => {
    const t = await clientsEnv();
    try {
      const cursor = fileOf('cursor', t.env);
      await put(cursor, '{}\n');
      await chmod(cursor, 0o644);
      await t.registrar.register(['cursor']);
      expect((await stat(cursor)).mode & 0o777).toBe(0o600);
      const code = fileOf('claude-code', t.env);
      await put(code, '{"numStartups": 3}\n');
      await chmod(code, 0o644);
      await t.registrar.register(['claude-code'], { oauth: true });
      expect((await stat(code)).mode & 0o777).toBe(0o644);
      const entry = parse(await readFile(code, 'utf8')).mcpServers.tarmac;
      expect(entry).toEqual({ type: 'http', url: 'http://127.0.0.1:8276/mcp' });
      expect((await t.registrar.list()).find((c) => c.id === 'claude-code')).toMatchObject({ status: 'registered', credential: 'oauth' });
      // Switching the way it signs in: the header comes back, and goes again.
      await t.registrar.register(['claude-code']);
      expect(parse(await readFile(code, 'utf8')).mcpServers.tarmac.headers.Authorization).toMatch(/^Bearer tmc_/);
      await t.registrar.register(['claude-code'], { oauth: true });
      expect(parse(await readFile(code, 'utf8')).mcpServers.tarmac.headers).toBeUndefined();
      expect(await t.host.tokens.get('claude-code')).toBeNull();
    } finally {
      await t.stop();
    }
  });

  it('refuses OAuth for a client that cannot sign in with it', async () => {
    const t = await clientsEnv();
    try {
      await expect(t.registrar.register(['windsurf'], { oauth: true })).rejects.toThrow(/Windsurf cannot sign in with OAuth: register it without --oauth/);
    } finally {
      await t.stop();
    }
  });

  it('keeps the last 5 backups of a file, each a copy of the file before the change', async () => {
    const t = await clientsEnv();
    try {
      const file = fileOf('cursor', t.env);
      await put(file, '{"v": 0}\n');
      const backups: string[] = [];
      for (let i = 1; i <= 7; i++) {
        await writeFile(file, `{"v": ${i}}\n`);
        const [change] = await t.registrar.register(['cursor']);
        backups.push(change!.backup!);
        await t.registrar.unregister(['cursor']);
      }
      expect(await readFile(backups[6]!, 'utf8')).toBe('{"v": 7}\n');
      const kept = await readdir(join(t.dataDir, 'client-backups'));
      expect(kept).toHaveLength(5);
      for (const b of kept) expect((await stat(join(t.dataDir, 'client-backups', b))).mode & 0o777).toBe(0o600);
    } finally {
      await t.stop();
    }
  });

  it('a dry run returns the exact diff, with the token masked, and writes nothing', async () => {
    const t = await clientsEnv();
    try {
      const file = fileOf('zed', t.env);
      await put(file, '// Zed settings\n{\n  "theme": "One Dark"\n}\n');
      const [change] = await t.registrar.register(['zed'], { dryRun: true });
      expect(change).toMatchObject({ changed: true, written: false, backup: null });
      expect(change!.diff).toContain('+  "context_servers": {');
      expect(change!.diff).toContain('"Authorization": "Bearer tmc_••••••');
      expect(await readFile(file, 'utf8')).toBe('// Zed settings\n{\n  "theme": "One Dark"\n}\n');
      expect(await t.host.tokens.get('zed')).toBeNull();
    } finally {
      await t.stop();
    }
  });

  it('a diff masks an old token being replaced (revoked), not only the current one', async () => {
    const t = await clientsEnv();
    try {
      await t.registrar.register(['cursor']);
      const old = (await t.host.tokens.get('cursor'))!;
      await t.host.tokens.revoke('cursor');
      const [change] = await t.registrar.repair(['cursor'], { dryRun: true });
      expect(change!.diff).toContain('-        "Authorization": "Bearer tmc_••••••(old)"');
      expect(change!.diff).toContain('+        "Authorization": "Bearer tmc_••••••"');
      expect(change!.diff).not.toContain(old);
    } finally {
      await t.stop();
    }
  });

  it('two processes adding servers to the same file at once both land', async () => {
    const t = await clientsEnv();
    try {
      const file = join(t.home, 'shared.json');
      await put(file, '// shared\n{ "mcpServers": {} }\n');
      const run = (prefix: string) =>
        new Promise<number | null>((resolve, reject) => {
          const { command, args } = cliCommand([file, prefix, '15', 'add', join(t.dataDir, 'b')], new URL('../fixtures/clients-proc/edit-loop.ts', import.meta.url).pathname);
          const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'inherit'] });
          child.on('error', reject);
          child.on('exit', resolve);
        });
      expect(await Promise.all([run('a'), run('b')])).toEqual([0, 0]);
      const servers = Object.keys(parse(await readFile(file, 'utf8')).mcpServers as object);
      expect(servers).toHaveLength(30);
      expect(await readFile(file, 'utf8')).toMatch(/^\/\/ shared\n/);
    } finally {
      await t.stop();
    }
  });

  it('a writer killed at any moment leaves the old file or the new one, never a mix', async () => {
    const t = await clientsEnv();
    try {
      const file = join(t.home, 'crash.json');
      const original = '{ "mcpServers": {} }\n';
      await put(file, original);
      for (let round = 0; round < 5; round++) {
        const { command, args } = cliCommand([file, 'x', '0', 'toggle', join(t.dataDir, 'b')], new URL('../fixtures/clients-proc/edit-loop.ts', import.meta.url).pathname);
        const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'inherit'] });
        child.stdout.resume();
        await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
        await new Promise((r) => setTimeout(r, 20 + round * 37));
        child.kill('SIGKILL');
        await new Promise((r) => child.once('exit', r));
        const text = await readFile(file, 'utf8');
        const errors: ParseError[] = [];
        const value = parse(text, errors) as { mcpServers: { x?: { pad: string } } };
        // Either state, each whole: the file parses and the entry is all there or not there.
        expect(errors).toEqual([]);
        const x = value.mcpServers.x;
        expect(x === undefined || x.pad.length === 20_000).toBe(true);
        await writeFile(file, original);
        // The killed writer's lock would be taken over after 10 s (stale); no need to wait here.
        await rm(`${file}.tarmac.lock`, { recursive: true, force: true });
      }
    } finally {
      await t.stop();
    }
  });
});

describe('status', () => {
  it('names why an entry is stale: revoked token, hand edit, foreign entry', async () => {
    const t = await clientsEnv();
    try {
      const file = fileOf('cursor', t.env);
      await t.registrar.register(['cursor']);
      await t.host.clients.revoke('cursor');
      let state = (await t.registrar.list()).find((c) => c.id === 'cursor')!;
      expect(state).toMatchObject({ status: 'stale', reason: expect.stringMatching(/token was revoked/) });
      await t.registrar.repair(['cursor']);
      state = (await t.registrar.list()).find((c) => c.id === 'cursor')!;
      expect(state.status).toBe('registered');

      const entry = parse(await readFile(file, 'utf8'));
      entry.mcpServers.tarmac.headers = { Authorization: 'Bearer tmc_typed_by_hand_aaaaaaaaaaaaaaaaaaaaaa' };
      await writeFile(file, JSON.stringify(entry));
      expect((await t.registrar.list()).find((c) => c.id === 'cursor')!.reason).toMatch(/not "cursor"'s current token/);

      await writeFile(file, JSON.stringify({ mcpServers: { tarmac: { url: 'https://tarmac.example.com/mcp' } } }));
      state = (await t.registrar.list()).find((c) => c.id === 'cursor')!;
      expect(state.reason).toMatch(/an entry named "tarmac" that Tarmac did not write \(it points at https:\/\/tarmac\.example\.com\/mcp\)/);
      await expect(t.registrar.register(['cursor'])).rejects.toThrow(/rename or remove it, or run again with --force/);
      await expect(t.registrar.unregister(['cursor'])).rejects.toThrow(/Tarmac leaves it alone/);
      await t.registrar.register(['cursor'], { force: true });
      expect(parse(await readFile(file, 'utf8')).mcpServers.tarmac.url).toBe('http://127.0.0.1:8276/mcp');

      const edited = parse(await readFile(file, 'utf8'));
      edited.mcpServers.tarmac.type = 'sse';
      await writeFile(file, JSON.stringify(edited));
      expect((await t.registrar.list()).find((c) => c.id === 'cursor')!.reason).toBe(null);
    } finally {
      await t.stop();
    }
  });

  it('writes the URL of the Tarmac running on the data dir', async () => {
    const t = await clientsEnv();
    try {
      await writeInstance(t.dataDir, { pid: process.pid, url: 'http://127.0.0.1:45123/mcp', port: 45123, startedAt: new Date().toISOString() });
      await t.registrar.register(['cursor']);
      expect(parse(await readFile(fileOf('cursor', t.env), 'utf8')).mcpServers.tarmac.url).toBe('http://127.0.0.1:45123/mcp');
    } finally {
      await t.stop();
    }
  });

  it('registers VS Code in every profile, and says which one is missing', async () => {
    const t = await clientsEnv();
    try {
      const user = join(t.home, '.config', 'Code', 'User');
      await mkdir(join(user, 'profiles', '5a1b'), { recursive: true });
      const changes = await t.registrar.register(['vscode']);
      expect(changes.map((c) => c.path)).toEqual([join(user, 'mcp.json'), join(user, 'profiles', '5a1b', 'mcp.json')]);
      await mkdir(join(user, 'profiles', '9f00'), { recursive: true });
      expect((await t.registrar.list()).find((c) => c.id === 'vscode')).toMatchObject({
        status: 'stale',
        reason: `not registered in ${join(user, 'profiles', '9f00', 'mcp.json')}`,
      });
    } finally {
      await t.stop();
    }
  });
});

describe('paths', () => {
  const home = '/home/ana';
  it.each([
    ['claude-code', { HOME: home, CLAUDE_CONFIG_DIR: '/cfg/claude' }, 'linux', '/cfg/claude/.claude.json'],
    ['codex', { HOME: home, CODEX_HOME: '/cfg/codex' }, 'linux', '/cfg/codex/config.toml'],
    ['zed', { HOME: home, XDG_CONFIG_HOME: '/xdg' }, 'linux', '/xdg/zed/settings.json'],
    ['goose', { HOME: home, XDG_CONFIG_HOME: '/xdg' }, 'linux', '/xdg/goose/config.yaml'],
    ['continue', { HOME: home, CONTINUE_GLOBAL_DIR: '/cfg/continue' }, 'linux', '/cfg/continue/config.yaml'],
    ['cline-cli', { HOME: home, CLINE_MCP_SETTINGS_PATH: '/cfg/cline.json' }, 'linux', '/cfg/cline.json'],
    ['claude-desktop', { HOME: home }, 'darwin', `${home}/Library/Application Support/Claude/claude_desktop_config.json`],
    ['claude-desktop', { HOME: home, APPDATA: 'C:/Users/ana/AppData/Roaming' }, 'win32', join('C:/Users/ana/AppData/Roaming', 'Claude', 'claude_desktop_config.json')],
    ['vscode', { HOME: home }, 'darwin', `${home}/Library/Application Support/Code/User/mcp.json`],
    ['vscode-insiders', { HOME: home, XDG_CONFIG_HOME: '/xdg' }, 'linux', '/xdg/Code - Insiders/User/mcp.json'],
    ['cline', { HOME: home }, 'linux', `${home}/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json`],
    ['goose', { HOME: home, APPDATA: 'C:/AppData' }, 'win32', join('C:/AppData', 'Block', 'goose', 'config', 'config.yaml')],
    ['opencode', { HOME: home, OPENCODE_CONFIG: '/cfg/oc.json' }, 'linux', '/cfg/oc.json'],
  ])('%s with %o on %s: %s', (id, env, platform, expected) => {
    expect(fileOf(id, env, platform as NodeJS.Platform)).toBe(expected);
  });
});

describe('launcher', () => {
  it('the packaged app registers its own executable as Node, and the entry stays registered', async () => {
    const { createClientRegistrar } = await import('../../src/main/host/clients/registrar.js');
    const { electronLauncher, launcherFromProcess } = await import('../../src/main/host/clients/endpoint-url.js');
    const t = await clientsEnv();
    try {
      const registrar = createClientRegistrar({
        dataDir: t.dataDir,
        settings: t.host.settings,
        tokens: t.host.tokens,
        clients: t.host.clients,
        env: t.env,
        platform: 'darwin',
        launcher: electronLauncher('/Applications/Tarmac.app/Contents/MacOS/Tarmac', '/Applications/Tarmac.app/Contents/Resources/app.asar/out/cli/tarmac.cjs'),
      });
      await registrar.register(['claude-desktop']);
      const file = join(t.home, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json');
      const entry = parse(await readFile(file, 'utf8')).mcpServers.tarmac;
      expect(entry).toMatchObject({ command: '/Applications/Tarmac.app/Contents/MacOS/Tarmac', env: { ELECTRON_RUN_AS_NODE: '1' } });
      expect(entry.args.slice(1, 4)).toEqual(['bridge', '--client', 'claude-desktop']);
      expect((await registrar.list()).find((c) => c.id === 'claude-desktop')).toMatchObject({ status: 'registered', credential: 'bridge' });
    } finally {
      await t.stop();
    }
    // From a checkout: the absolute Node running Tarmac, never a bare `node` or `npx`.
    const own = launcherFromProcess();
    expect(own.command).toBe(process.execPath);
    expect(own.args.every((a) => !a.startsWith('.'))).toBe(true);
  });
});
