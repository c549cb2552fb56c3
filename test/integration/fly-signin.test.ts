import { mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { FlyAccounts, flyConfigPath } from '../../src/main/host/accounts/fly.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { runCliProcess } from '../helpers/cli.js';
import { FAKE_FLYCTL, type FlyCall } from '../helpers/fly.js';
import { startTestHost, testKeychainService, type TestHost } from '../helpers/host.js';

const LOGIN_TOKEN = 'FlyV1 fm2_browser-login-9c1e5b7f3a';
const PASTED = 'FlyV1 fm2_pasted-readonly-2d8e4f6a0c';

let dir: string;
let env: Record<string, string>;
let t: TestHost;
let fly: FlyAccounts;

async function calls(): Promise<FlyCall[]> {
  const text = await readFile(env.FAKE_FLYCTL_LOG!, 'utf8').catch(() => '');
  return text.split('\n').filter(Boolean).map((l) => JSON.parse(l) as FlyCall);
}

/** The runs that sign in or act, without the serving host's look at which flyctl it has (`version`, no credential). */
async function work(): Promise<FlyCall[]> {
  return (await calls()).filter((c) => !(c.argv.length === 1 && c.argv[0] === 'version' && c.env.FLY_ACCESS_TOKEN === undefined));
}

beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-flysignin-'));
  env = {
    PATH: process.env.PATH ?? '',
    HOME: join(dir, 'home'),
    FLY_CONFIG_DIR: join(dir, 'flyconfig'),
    FAKE_FLYCTL_LOG: join(dir, 'calls.jsonl'),
    FAKE_FLYCTL_LOGIN_TOKEN: LOGIN_TOKEN,
  };
  t = await startTestHost({ providers: [createFlyProvider], env, settings: { flyctlPath: FAKE_FLYCTL } });
  fly = new FlyAccounts({ ctx: t.host.context, provider: t.host.provider('fly')! });
});

afterEach(async () => {
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('Fly.io sign-in with the browser', () => {
  it('runs `flyctl auth login`, keeps the token flyctl saved in the keychain, and verifies it', async () => {
    const status = await fly.signInWithBrowser();
    expect(status).toMatchObject({ state: 'ready', details: { account: 'alice@example.com', tokenSource: 'keychain' } });
    expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBe(LOGIN_TOKEN);
    const [login, whoami] = await work();
    expect(login?.argv).toEqual(['auth', 'login']);
    // flyctl signs in with its own session, not with a token Tarmac or the environment had.
    expect(login?.env.FLY_ACCESS_TOKEN).toBeUndefined();
    expect(whoami?.argv).toEqual(['auth', 'whoami', '--json']);
    expect(whoami?.env.FLY_ACCESS_TOKEN).toBe(LOGIN_TOKEN);
    expect((await calls()).every((c) => !c.argv.join(' ').includes(LOGIN_TOKEN))).toBe(true);
    // A tool call now runs with the keychain token.
    const client = await t.connect();
    await client.callTool({ name: 'fly-apps-list', arguments: {} });
    expect((await calls()).at(-1)?.env.FLY_ACCESS_TOKEN).toBe(LOGIN_TOKEN);
  });

  it('reads $FLY_CONFIG_DIR/config.yml, else ~/.fly/config.yml', () => {
    expect(flyConfigPath({ FLY_CONFIG_DIR: '/x/fly', HOME: '/home/a' })).toBe('/x/fly/config.yml');
    expect(flyConfigPath({ HOME: '/home/a' })).toBe('/home/a/.fly/config.yml');
  });

  it("reports flyctl's own error when the browser sign-in fails, and stores nothing", async () => {
    await t.secrets.set(FLY_TOKEN_ACCOUNT, PASTED);
    const rules = join(dir, 'rules.json');
    await writeFile(rules, JSON.stringify([{ match: 'auth login', fail: { code: 1, stderr: 'Error: the login session was cancelled in the browser' } }]));
    const failing = new FlyAccounts({ ctx: { ...t.host.context, env: { ...env, FAKE_FLYCTL_CONTROL: rules } }, provider: t.host.provider('fly')! });
    await expect(failing.signInWithBrowser()).rejects.toThrow('flyctl auth login failed: Error: the login session was cancelled in the browser');
    expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBe(PASTED);
  });

  it('says so when flyctl saved no token', async () => {
    const rules = join(dir, 'rules.json');
    await writeFile(rules, JSON.stringify([{ match: 'auth login', stdout: 'nothing saved\n' }]));
    const noSave = new FlyAccounts({ ctx: { ...t.host.context, env: { ...env, FAKE_FLYCTL_CONTROL: rules } }, provider: t.host.provider('fly')! });
    await expect(noSave.signInWithBrowser()).rejects.toThrow(/found no .*config\.yml to take the token from/);
    expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
  });
});

describe('Fly.io token paste', () => {
  it('verifies a good token with whoami, then stores it', async () => {
    const status = await fly.signInWithToken(`  ${PASTED}\n`);
    expect(status.state).toBe('ready');
    expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBe(PASTED);
    expect((await calls()).at(-1)?.env.FLY_ACCESS_TOKEN).toBe(PASTED);
  });

  it("refuses a bad token with flyctl's reason and leaves the stored one as it was", async () => {
    await fly.signInWithToken(PASTED);
    const bad = 'invalid-token-5e7f9b1c3d';
    const err = (await fly.signInWithToken(bad).then(
      () => new Error('expected a refusal'),
      (e: unknown) => e as Error,
    ));
    expect(err.message).toBe('Fly.io did not accept the token: Error: You must be authenticated to view this. The stored token was left as it was.');
    expect(err.message).not.toContain(bad);
    expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBe(PASTED);
    expect(await t.readLogs()).not.toContain(bad);
  });

  it('refuses empty and multi-line tokens without running flyctl', async () => {
    await expect(fly.signInWithToken('   ')).rejects.toThrow(/empty/);
    await expect(fly.signInWithToken('abc\ndef')).rejects.toThrow(/single line/);
    expect(await calls()).toEqual([]);
  });
});

describe('Fly.io sign-out', () => {
  it("deletes Tarmac's copy and leaves flyctl's own login file alone", async () => {
    await fly.signInWithBrowser();
    const configPath = flyConfigPath(env);
    const before = await readFile(configPath, 'utf8');
    const status = await fly.signOut();
    expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
    expect(await readFile(configPath, 'utf8')).toBe(before);
    expect(status.details.tokenSource).not.toBe('keychain');
    // The very next tool call runs without the old token.
    const client = await t.connect();
    await client.callTool({ name: 'fly-apps-list', arguments: {} });
    expect((await calls()).at(-1)?.env.FLY_ACCESS_TOKEN).toBeUndefined();
  });
});

describe('tarmac login / logout fly', () => {
  async function cli(args: string[], extraEnv: Record<string, string> = {}, input = '') {
    return runCliProcess([...args, '--data-dir', join(dir, 'data')], { env: { ...env, TARMAC_KEYCHAIN_SERVICE: cliService, ...extraEnv }, input });
  }
  let cliService: string;
  beforeEach(async () => {
    cliService = testKeychainService();
    await mkdir(join(dir, 'data'), { recursive: true });
    await writeFile(join(dir, 'data', 'settings.json'), JSON.stringify({ flyctlPath: FAKE_FLYCTL }));
  });

  it('takes a token from stdin, never argv, and signs out', async () => {
    const login = await cli(['login', 'fly', '--token-stdin'], {}, `${PASTED}\n`);
    expect(login.stderr).toContain('Fly.io: signed in as alice@example.com (token in the keychain)');
    expect(login.code).toBe(0);
    const status = await cli(['status']);
    expect(status.stdout).toMatch(/Fly\.io: ready: signed in as alice@example.com/);
    expect(status.stdout).not.toContain(PASTED);
    const logout = await cli(['logout', 'fly']);
    expect(logout.code).toBe(0);
    expect((await cli(['status'])).stdout).not.toMatch(/token in the keychain/);
  });

  it('signs in through flyctl in the browser', async () => {
    const login = await cli(['login', 'fly']);
    expect(login.code).toBe(0);
    expect(login.stderr).toMatch(/flyctl auth login/);
    const logout = await cli(['logout', 'fly']);
    expect(logout.code).toBe(0);
  });

  it('fails clearly with no Secret Service and writes nothing anywhere', async () => {
    const dead = { DBUS_SESSION_BUS_ADDRESS: 'unix:path=/nonexistent/tarmac-test-bus', DISPLAY: '' };
    for (const [args, input] of [
      [['login', 'fly'], ''],
      [['login', 'fly', '--token-stdin'], `${PASTED}\n`],
    ] as const) {
      const result = await cli([...args], dead, input);
      expect(result.code, args.join(' ')).toBe(1);
      expect(result.stderr).toMatch(/tarmac: No Secret Service keychain is available/);
      expect(result.stderr).not.toContain(PASTED);
    }
    // flyctl never ran to sign in (so no login file was written), and Tarmac's settings are as they were.
    expect(await work()).toEqual([]);
    await expect(stat(env.FLY_CONFIG_DIR!)).rejects.toThrow();
    expect(JSON.parse(await readFile(join(dir, 'data', 'settings.json'), 'utf8'))).toEqual({ flyctlPath: FAKE_FLYCTL });
  });
});

describe('Fly.io organizations', () => {
  it('lists the signed-in account\'s organizations with the keychain token (`orgs list --json`), sorted by name', async () => {
    await fly.signInWithToken(PASTED);
    expect(await fly.organizations()).toEqual([
      { slug: 'acme-corp', name: 'Acme Corp' },
      { slug: 'personal', name: 'Alice Example' },
    ]);
    const list = (await calls()).at(-1)!;
    expect(list.argv).toEqual(['orgs', 'list', '--json']);
    expect(list.env.FLY_ACCESS_TOKEN).toBe(PASTED);
    // As the window asks for them: a list to show, nothing to choose.
    const account = t.host.provider('fly')!.account!({ openBrowser: async () => undefined, emit: () => undefined });
    expect(await account.choices()).toEqual([
      expect.objectContaining({ id: 'organizations', readOnly: true, options: [{ value: 'acme-corp', label: 'Acme Corp' }, { value: 'personal', label: 'Alice Example' }] }),
    ]);
  });
});
