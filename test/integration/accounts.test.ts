/**
 * Several accounts per back end (issue 23, item 5): two Flight Control servers and two Fly.io
 * tokens, each bound to a profile; every client's calls reach its own profile's account, the
 * activity log and the approval queue name it, a binding changed from the terminal is refused,
 * and the single account of older Tarmacs is "default" with nothing to migrate.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { accountContext } from '../../src/main/host/accounts/scope.js';
import { LooseningRefusedError } from '../../src/main/host/guardrails/guardrails.js';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import { startFlightctlSim, type FlightctlSim } from '../fixtures/flightctl-sim/index.js';
import { signIn } from '../fixtures/flightctl-sim/session.js';
import { FAKE_FLYCTL, type FlyCall } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { resultText } from '../helpers/mcp.js';
import { waitFor } from '../helpers/wait.js';

const ops = { name: 'ops', description: 'Staging only', bounds: { toolsets: ['*'] }, start: { all: true } };

describe('two Flight Control servers', () => {
  let prod: FlightctlSim;
  let staging: FlightctlSim;
  let t: TestHost;

  beforeAll(async () => {
    [prod, staging] = await Promise.all([startFlightctlSim({ devices: 3 }), startFlightctlSim({ devices: 7 })]);
    t = await startTestHost({
      providers: [createFlightctlProvider],
      env: { HOME: '/nonexistent-tarmac-test-home' },
      settings: {
        // Today's single account (settings.flightctl + flightctl:session) stays "default".
        flightctl: { apiUrl: prod.url },
        flightctlAccounts: { staging: { apiUrl: staging.url } },
        accounts: { flightctl: { staging: { name: 'staging' } } },
        profiles: { defs: { ops }, clients: { alice: 'everything', bob: 'ops' }, accounts: { ops: { flightctl: 'staging' } } },
      },
    });
    await signIn(prod, t.secrets);
    await signIn(staging, accountContext(t.host.context, 'staging').secrets);
  });

  afterAll(async () => {
    await t?.stop();
    await prod?.stop();
    await staging?.stop();
  });

  it('each client sees the devices of its own profile’s server', async () => {
    const alice = await t.connect('alice');
    const bob = await t.connect('bob');
    const a = await alice.callTool({ name: 'query_devices', arguments: { limit: 100 } });
    const b = await bob.callTool({ name: 'query_devices', arguments: { limit: 100 } });
    expect(a.isError).toBeFalsy();
    expect(b.isError).toBeFalsy();
    expect((a.structuredContent as { count: number }).count).toBe(3);
    expect((b.structuredContent as { count: number }).count).toBe(7);
    expect(resultText(a)).toMatch(/^3 devices/);
    expect(resultText(b)).toMatch(/^7 devices/);
    // Each server saw only its own client's bearer.
    expect(prod.requests.some((r) => r.path === '/api/v1/devices')).toBe(true);
    expect(staging.requests.some((r) => r.path === '/api/v1/devices')).toBe(true);
  });

  it('the activity log names the account each call used', async () => {
    await waitFor(() => t.activity().filter((c) => c.tool === 'query_devices' && c.status === 'ok').length >= 2);
    const byClient = new Map(t.activity().filter((c) => c.tool === 'query_devices').map((c) => [c.client, c.account]));
    expect(byClient.get('alice')).toBe('default');
    expect(byClient.get('bob')).toBe('staging');
  });

  it('the keychain entries of the two accounts are apart', async () => {
    const names = await t.secrets.list('flightctl');
    expect(names).toEqual(expect.arrayContaining(['flightctl:session', 'flightctl@staging:session']));
  });

  it('binding a profile to another account from the terminal is refused (a loosening), from the window it applies', async () => {
    await expect(t.host.guardrails.setProfileAccount('everything', 'flightctl', 'staging', 'terminal')).rejects.toThrow(LooseningRefusedError);
    await expect(t.host.guardrails.setProfileAccount('ops', 'flightctl', 'default', 'terminal')).rejects.toThrow(LooseningRefusedError);
    await t.host.guardrails.setProfileAccount('everything', 'flightctl', 'staging', 'person');
    const alice = await t.connect('alice');
    const a = await alice.callTool({ name: 'query_devices', arguments: { limit: 100 } });
    expect((a.structuredContent as { count: number }).count).toBe(7);
    await t.host.guardrails.setProfileAccount('everything', 'flightctl', 'default', 'person');
  });

  it('a hand edit of a binding does not apply until a person confirms it', async () => {
    await t.host.settings.update((s) => ({ ...s, profiles: { ...s.profiles, accounts: { ops: { flightctl: 'staging' }, everything: { flightctl: 'staging' } } } }));
    t.host.settings.invalidate();
    const alice = await t.connect('alice');
    const a = await alice.callTool({ name: 'query_devices', arguments: { limit: 100 } });
    expect((a.structuredContent as { count: number }).count).toBe(3);
  });
});

describe('an organization per Flight Control account', () => {
  const A = { id: '0a1b2c3d-0000-4000-8000-00000000000a', displayName: 'Edge team' };
  const B = { id: '0a1b2c3d-0000-4000-8000-00000000000b', displayName: 'Retail stores' };
  let prod: FlightctlSim;
  let staging: FlightctlSim;
  let t: TestHost;

  beforeAll(async () => {
    [prod, staging] = await Promise.all([startFlightctlSim({ devices: 2 }), startFlightctlSim({ devices: 4, orgs: [A, B] })]);
    t = await startTestHost({
      providers: [createFlightctlProvider],
      env: { HOME: '/nonexistent-tarmac-test-home' },
      settings: {
        flightctl: { apiUrl: prod.url },
        flightctlAccounts: { staging: { apiUrl: staging.url, organization: A.id } },
        accounts: { flightctl: { staging: { name: 'staging' } } },
        profiles: { defs: { ops }, clients: { bob: 'ops' }, accounts: { ops: { flightctl: 'staging' } } },
      },
    });
    await signIn(prod, t.secrets);
    await signIn(staging, accountContext(t.host.context, 'staging').secrets);
  });

  afterAll(async () => {
    await t?.stop();
    await prod?.stop();
    await staging?.stop();
  });

  it('the window lists and sets each account’s own organization; the other account keeps its own', async () => {
    const { createHostApi } = await import('../../src/main/host/api.js');
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      const [choice] = await api.api.providerChoices('flightctl', 'staging');
      expect(choice).toMatchObject({ id: 'organization', current: A.id });
      expect(choice!.options.map((o) => o.value)).toEqual([A.id, B.id]);
      const [prodChoice] = await api.api.providerChoices('flightctl');
      expect(prodChoice!.options.map((o) => o.value)).toEqual([prod.orgs[0]!.id]);

      const after = await api.api.setProviderChoice('flightctl', 'organization', B.id, 'staging');
      expect(after.details.organization).toContain(B.id);
      const settings = await t.host.settings.read();
      expect(settings.flightctlAccounts?.staging?.organization).toBe(B.id);
      expect(settings.flightctl?.organization).toBeUndefined();
      // The staging profile's calls now go to that organization.
      const bob = await t.connect('bob');
      expect((await bob.callTool({ name: 'query_devices', arguments: { limit: 10 } })).isError).toBeFalsy();
      expect(staging.requests.filter((r) => r.path === '/api/v1/devices').at(-1)?.orgId).toBe(B.id);
      expect(await api.call('providerChoices', ['flightctl', 'nobody'])).toMatchObject({ ok: false, error: { code: 'not-found' } });
    } finally {
      api.close();
    }
  });
});

describe('two Fly.io tokens', () => {
  let dir: string;
  let t: TestHost;
  const PERSONAL = 'fm2_personal-token-1111aaaa';
  const DEPLOY = 'fm2_org-deploy-token-2222bbbb';
  const log = () => join(dir, 'calls.jsonl');
  const calls = async (): Promise<FlyCall[]> =>
    (await readFile(log(), 'utf8').catch(() => ''))
      .split('\n')
      .filter(Boolean)
      .map((l) => JSON.parse(l) as FlyCall);

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tarmac-accounts-fly-'));
    await writeFile(join(dir, 'rules.json'), '[]');
    t = await startTestHost({
      providers: [createFlyProvider],
      env: { PATH: process.env.PATH, HOME: dir, FAKE_FLYCTL_LOG: log(), FAKE_FLYCTL_CONTROL: join(dir, 'rules.json'), FLY_ACCESS_TOKEN: 'fm2_from-the-environment' },
      settings: {
        flyctlPath: FAKE_FLYCTL,
        accounts: { fly: { work: { name: 'work' }, spare: { name: 'spare' } } },
        profiles: { defs: { ops: { ...ops, description: 'Work' }, idle: { ...ops, name: 'idle' } }, clients: { me: 'everything', ci: 'ops', nobody: 'idle' }, accounts: { ops: { fly: 'work' }, idle: { fly: 'spare' } } },
      },
    });
    // The old single account's entry, as an older Tarmac left it.
    await t.secrets.set(FLY_TOKEN_ACCOUNT, PERSONAL);
    await accountContext(t.host.context, 'work').secrets.set(FLY_TOKEN_ACCOUNT, DEPLOY);
  });

  afterAll(async () => {
    await t?.stop();
    await rm(dir, { recursive: true, force: true });
  });

  afterEach(async () => {
    await writeFile(log(), '');
  });

  it('each token reaches flyctl as its own FLY_ACCESS_TOKEN, never on the command line', async () => {
    const me = await t.connect('me');
    const ci = await t.connect('ci');
    expect((await me.callTool({ name: 'fly-apps-list', arguments: {} })).isError).toBeFalsy();
    expect((await ci.callTool({ name: 'fly-apps-list', arguments: {} })).isError).toBeFalsy();
    const seen = (await calls()).filter((c) => c.argv.includes('apps'));
    expect(seen.map((c) => c.env.FLY_ACCESS_TOKEN).sort()).toEqual([DEPLOY, PERSONAL].sort());
    for (const c of seen) expect(c.argv.join(' ')).not.toMatch(/fm2_/);
    const acts = t.activity().filter((c) => c.tool === 'fly-apps-list');
    expect(new Set(acts.map((c) => `${c.client}:${c.account}`))).toEqual(new Set(['me:default', 'ci:work']));
  });

  it('a named account without a token refuses, rather than using the environment’s or flyctl’s own login', async () => {
    const nobody = await t.connect('nobody');
    const r = await nobody.callTool({ name: 'fly-apps-list', arguments: {} });
    expect(r.isError).toBe(true);
    expect(resultText(r)).toContain('"spare"');
    expect((await calls()).filter((c) => c.argv.includes('apps'))).toHaveLength(0);
  });

  it('the approval queue says which account a held call would use', async () => {
    await t.host.settings.update((s) => ({ ...s, policies: { classes: { read: 'ask' } } }));
    const stopApprover = t.host.guardrails.approvals.addApprover('test');
    const ci = await t.connect('ci');
    const call = ci.callTool({ name: 'fly-apps-list', arguments: {} });
    await waitFor(() => t.host.guardrails.approvals.list().length === 1);
    const [pending] = t.host.guardrails.approvals.list();
    expect(pending?.account).toBe('work');
    t.host.guardrails.approvals.decide(pending!.id, 'deny', 'window');
    expect((await call).isError).toBe(true);
    stopApprover();
  });

  it('a client allowed to answer approvals is asked with the account named, in both eras', async () => {
    await t.host.guardrails.setClientApprovals('ci', true);
    const { Client, StreamableHTTPClientTransport } = await import('@modelcontextprotocol/client');
    const token = await t.tokenFor('ci');
    const headers = { Authorization: `Bearer ${token}` };
    // 2025 era: the question arrives as elicitation/create.
    const legacy = new Client({ name: 'ci', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } } });
    const asked: string[] = [];
    legacy.setRequestHandler('elicitation/create', async (req) => (asked.push(req.params.message), { action: 'decline' }));
    await legacy.connect(new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers } }));
    try {
      expect((await legacy.callTool({ name: 'fly-apps-list', arguments: {} })).isError).toBe(true);
    } finally {
      await legacy.close();
    }
    expect(asked).toHaveLength(1);
    expect(asked[0]).toContain('as the Fly.io account "work"');
    // 2026-07-28: the question is the input-required result's message.
    const modern = new Client({ name: 'ci', version: '1.0.0' }, { capabilities: { elicitation: { form: {} } }, versionNegotiation: { mode: { pin: '2026-07-28' } } });
    await modern.connect(new StreamableHTTPClientTransport(new URL(t.url), { requestInit: { headers } }));
    try {
      const first = (await modern.callTool({ name: 'fly-apps-list', arguments: {} } as never, { allowInputRequired: true } as never)) as unknown as {
        resultType?: string;
        inputRequests?: Record<string, { params?: { message?: string }; message?: string }>;
      };
      expect(first.resultType).toBe('input_required');
      expect(JSON.stringify(first.inputRequests)).toContain('as the Fly.io account \\"work\\"');
    } finally {
      await modern.close();
    }
    await t.host.guardrails.setClientApprovals('ci', false);
    await t.host.settings.update((s) => ({ ...s, policies: {} }));
  });

  it('an account a profile uses is not removed; once no profile does, removing it signs it out and forgets it', async () => {
    const { createHostApi } = await import('../../src/main/host/api.js');
    const api = createHostApi(t.host, { openBrowser: async () => undefined });
    try {
      const spare = accountContext(t.host.context, 'spare').secrets;
      await spare.set(FLY_TOKEN_ACCOUNT, 'fm2_spare-token-3333cccc');
      const refused = await api.call('removeAccount', ['fly', 'spare']);
      expect(refused).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('The profile idle uses the Fly.io account spare') } });
      expect(await spare.get(FLY_TOKEN_ACCOUNT)).toBe('fm2_spare-token-3333cccc');
      // The first account stays whatever happens.
      expect(await api.call('removeAccount', ['fly', 'default'])).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('cannot be removed') } });
      expect(await api.call('removeAccount', ['fly', 'nope'])).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('There is no fly account "nope"') } });

      await api.api.setProfileAccount('idle', 'fly', 'default');
      const view = await api.api.removeAccount('fly', 'spare');
      expect(view.backends.find((b) => b.provider === 'fly')!.accounts.map((a) => a.name)).toEqual(['default', 'work']);
      expect(await spare.get(FLY_TOKEN_ACCOUNT)).toBeNull();
      expect((await t.host.settings.read()).accounts?.fly).toEqual({ work: { name: 'work' } });
      // The name is free again: a new sign-in under it starts from nothing.
      expect(await api.call('signInOptions', ['fly', {}, 'spare'])).toMatchObject({ ok: true });
    } finally {
      api.close();
    }
  });
});

describe('migration from one account per back end', () => {
  let sim: FlightctlSim;
  let t: TestHost;

  afterAll(async () => {
    await t?.stop();
    await sim?.stop();
  });

  it('an older Tarmac’s keychain and settings are the account "default" of each back end, with nothing rewritten', async () => {
    sim = await startFlightctlSim({ devices: 2 });
    // What an older Tarmac left: settings.flightctl, flightctl:session and fly:token, no accounts anywhere.
    t = await startTestHost({ providers: [createFlightctlProvider, createFlyProvider], env: { HOME: '/nonexistent-tarmac-test-home', PATH: process.env.PATH }, settings: { flightctl: { apiUrl: sim.url }, flyctlPath: FAKE_FLYCTL } });
    await signIn(sim, t.secrets);
    await t.secrets.set(FLY_TOKEN_ACCOUNT, 'fm2_old-single-account-token');
    const before = await t.secrets.list();

    const { listAccounts } = await import('../../src/main/host/accounts/list.js');
    const view = await listAccounts(t.host);
    const fc = view.backends.find((b) => b.provider === 'flightctl')!.accounts;
    const fly = view.backends.find((b) => b.provider === 'fly')!.accounts;
    expect(fc.map((a) => [a.id, a.name, a.state])).toEqual([['default', 'default', 'ready']]);
    expect(fly.map((a) => [a.id, a.name])).toEqual([['default', 'default']]);
    expect(fc[0]!.profiles).toEqual(['essentials', 'fly', 'flightctl', 'everything']);

    const client = await t.connect('old');
    const r = await client.callTool({ name: 'query_devices', arguments: { limit: 10 } });
    expect((r.structuredContent as { count: number }).count).toBe(2);
    await waitFor(() => t.activity().some((c) => c.tool === 'query_devices' && c.status === 'ok'));
    expect(t.activity().find((c) => c.tool === 'query_devices')?.account).toBe('default');
    // Nothing was moved or copied: the same entries, under the same names (plus the test client's token).
    expect((await t.secrets.list()).filter((n) => n.startsWith('fly') )).toEqual(before.filter((n) => n.startsWith('fly')));
    const settings = JSON.parse(await readFile(t.host.settings.path, 'utf8')) as Record<string, unknown>;
    expect(settings.accounts).toBeUndefined();
    expect(settings.flightctlAccounts).toBeUndefined();
  });
});
