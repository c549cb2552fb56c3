import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, type SignInEvent, type TarmacEvent } from '../../src/shared/api.js';
import { API_ARGS } from '../../src/shared/api-schema.js';
import { createHostApi, type HostApi } from '../../src/main/host/api.js';
import { FLY_TOKEN_ACCOUNT, createFlyProvider } from '../../src/main/host/providers/fly/index.js';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let t: TestHost;
let hostApi: HostApi;
const events: TarmacEvent[] = [];
const signIns = (): SignInEvent[] => events.flatMap((e) => (e.type === 'signIn' ? [e.data] : []));
const rulesFile = () => join(dir, 'rules.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-api-'));
  await writeFile(rulesFile(), '[]');
  t = await startTestHost({
    providers: [createFlyProvider, createFlightctlProvider],
    env: { PATH: process.env.PATH ?? '', HOME: join(dir, 'home'), FLY_CONFIG_DIR: join(dir, 'fly'), FAKE_FLYCTL_CONTROL: rulesFile() },
    settings: { flyctlPath: FAKE_FLYCTL },
    clientActivityNotifyMs: 50,
  });
  hostApi = createHostApi(t.host, { openBrowser: async () => undefined, emit: (e) => events.push(e), coalesceMs: 1 });
});

afterAll(async () => {
  hostApi?.close();
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the host API', () => {
  it('implements every request the UI contract names, each with an argument schema', () => {
    for (const method of API_METHODS) {
      expect(typeof hostApi.api[method], method).toBe('function');
      expect(API_ARGS[method], method).toBeDefined();
    }
    expect(Object.keys(API_ARGS).sort()).toEqual([...API_METHODS].sort());
  });

  it('reports the endpoint, sessions per client, the providers (each with the action that fixes it) and the keychain', async () => {
    const status = await hostApi.api.getStatus();
    expect(status.endpoint).toEqual({ state: 'running', url: t.url, tools: t.host.catalogue.size, sessions: 0 });
    expect(t.host.catalogue.size).toBeGreaterThanOrEqual(70);
    expect(status.providers.map((p) => p.id)).toEqual(['fly', 'flightctl']);
    expect(status.providers[1]).toMatchObject({ state: 'unconfigured', fix: { action: 'sign-in', label: 'Sign in to Flight Control' } });
    expect(status.keychain).toEqual({ state: 'ok', message: null });

    const client = await t.connect('claude-code');
    await waitFor(() => events.some((e) => e.type === 'statusChanged' && e.data.clients.some((c) => c.client === 'claude-code')), 'a statusChanged event with the new session');
    expect((await hostApi.api.getStatus()).clients).toEqual([{ client: 'claude-code', sessions: 1, inFlight: 0, streams: expect.any(Number), lastRequestAt: expect.any(String) }]);
    await client.close();
  });

  it('says per client when it last made a request and what it has open, sessions or not (2026-07-28 clients have none), as statusChanged events', async () => {
    const before = Date.now();
    const legacy = await t.connect('cursor');
    await legacy.listTools();
    const modern = await t.connect('codex', { era: 'modern' });
    await modern.listTools();
    const seen = (name: string) => events.flatMap((e) => (e.type === 'statusChanged' ? e.data.clients.filter((c) => c.client === name) : [])).at(-1);
    // Both were told as events, without anyone asking for the status.
    await waitFor(() => Boolean(seen('codex')), 'a statusChanged event naming the stateless client');
    const codex = seen('codex')!;
    expect(codex).toMatchObject({ client: 'codex', sessions: 0, streams: 0 });
    expect(Date.parse(codex.lastRequestAt!)).toBeGreaterThanOrEqual(before - 1000);
    await waitFor(() => seen('cursor')?.sessions === 1, 'a statusChanged event naming the legacy client and its session');
    // Every request was answered: nothing in flight (a stream the legacy client listens on is not a request).
    const now = (await hostApi.api.getStatus()).clients;
    expect(now.find((c) => c.client === 'codex')).toMatchObject({ inFlight: 0, sessions: 0 });
    expect(now.find((c) => c.client === 'cursor')).toMatchObject({ inFlight: 0, sessions: 1 });
    expect(now.map((c) => c.client)).toEqual(['claude-code', 'codex', 'cursor']);
    await legacy.close();
    await modern.close();
  });

  it('signs in to Fly.io with a token and out again, through the provider-generic requests', async () => {
    const options = await hostApi.api.signInOptions('fly', {});
    expect(options.methods.map((m) => m.id)).toEqual(['browser', 'token']);
    expect(options.methods[1]?.fields).toEqual([expect.objectContaining({ name: 'token', kind: 'secret' })]);
    const signedIn = await hostApi.api.signIn('fly', 'token', { token: 'FlyV1 fm2_api-token-3c5e7a9b1d' });
    expect(signedIn).toMatchObject({ id: 'fly', state: 'ready', details: { tokenSource: 'keychain' } });
    expect(signedIn.fix).toBeUndefined();
    expect(signIns()).toContainEqual({ kind: 'finished', provider: 'fly', ok: true });
    // The window hears about it without asking.
    await waitFor(() => events.some((e) => e.type === 'statusChanged' && e.data.providers.find((p) => p.id === 'fly')?.state === 'ready'), 'statusChanged with Fly.io ready');
    const signedOut = await hostApi.api.signOut('fly');
    expect(signedOut.details.tokenSource).not.toBe('keychain');
    expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
  });

  it('cancels a waiting Fly.io browser sign-in and stores nothing; the error crosses as { code, message }', async () => {
    await writeFile(rulesFile(), JSON.stringify([{ match: 'auth login', hang: true }]));
    try {
      const pending = hostApi.call('signIn', ['fly', 'browser', {}]);
      await waitFor(() => signIns().some((e) => e.kind === 'waiting' && e.provider === 'fly'), 'waiting event');
      await hostApi.api.cancelSignIn('fly');
      expect(await pending).toEqual({ ok: false, error: { code: 'cancelled', message: 'Fly.io sign-in was cancelled; nothing was saved.' } });
      expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
    } finally {
      await writeFile(rulesFile(), '[]');
    }
  });

  it('maps failures to codes the UI branches on, with secrets taken out of the text', async () => {
    const bad = await hostApi.call('signIn', ['fly', 'token', { token: 'invalid-secret-token-abcdef' }]);
    expect(bad).toMatchObject({ ok: false, error: { code: 'invalid-token' } });
    expect(JSON.stringify(bad)).not.toContain('invalid-secret-token-abcdef');
    expect(await hostApi.call('signIn', ['fly', 'carrier-pigeon', {}])).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await hostApi.call('signInOptions', ['Fly', {}])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await hostApi.call('getStatus', 'not-a-list')).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await hostApi.call('toString', [])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const flightctl = await hostApi.call('signIn', ['flightctl', 'token', { apiUrl: 'ftp://example.com', token: 'x' }]);
    expect(flightctl).toMatchObject({ ok: false, error: { code: 'invalid-input', message: expect.stringContaining('must start with https://') } });
    expect(await hostApi.call('updateSettings', [{ flyctlPath: '/nonexistent/flyctl' }])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    expect(await hostApi.call('updateSettings', [{ launchAtLogin: true }])).toMatchObject({ ok: false, error: { code: 'unsupported' } });
    expect(await hostApi.call('openFolder', ['data'])).toMatchObject({ ok: false, error: { code: 'unsupported', message: expect.stringContaining(t.dataDir) } });
  });

  it('settings: read, changed (log level applies at once), and a settingsChanged event', async () => {
    const before = await hostApi.api.getSettings();
    expect(before).toMatchObject({ port: t.host.endpoint!.port, flyctlPath: FAKE_FLYCTL, logLevel: 'info', theme: 'system', launchAtLogin: null });
    const after = await hostApi.api.updateSettings({ logLevel: 'warn', theme: 'dark' });
    expect(after).toMatchObject({ logLevel: 'warn', theme: 'dark' });
    expect(t.host.log.level).toBe('warn');
    expect(events).toContainEqual({ type: 'settingsChanged', data: after });
    expect(await t.host.settings.read()).toMatchObject({ logLevel: 'warn', theme: 'dark', flyctlPath: FAKE_FLYCTL });
    await hostApi.api.updateSettings({ logLevel: 'debug' });
  });

  it('settings: the history limits are read, checked, saved and handed to the history', async () => {
    expect((await hostApi.api.getSettings()).activityRetention).toEqual({ maxCalls: 100_000, maxDays: 90 });
    expect(await hostApi.call('updateSettings', [{ activityRetention: { maxCalls: 5, maxDays: 1 } }])).toMatchObject({ ok: false, error: { code: 'invalid-input' } });
    const applied: unknown[] = [];
    const setRetention = t.host.activity.setRetention.bind(t.host.activity);
    t.host.activity.setRetention = (r) => {
      applied.push(r);
      setRetention(r);
    };
    await hostApi.api.updateSettings({ activityRetention: { maxCalls: 100, maxDays: 30 } });
    expect(applied).toEqual([{ maxCalls: 100, maxDays: 30 }]);
    expect((await t.host.settings.read()).activity).toEqual({ maxCalls: 100, maxDays: 30 });
    expect((await hostApi.api.getSettings()).activityRetention).toEqual({ maxCalls: 100, maxDays: 30 });
  });

  it('gives a clear error for a provider this host does not run', async () => {
    const bare = await startTestHost({ providers: [createFlyProvider], env: { PATH: process.env.PATH ?? '' } });
    try {
      const other = createHostApi(bare.host, { openBrowser: async () => undefined });
      expect(await other.call('providerChoices', ['flightctl'])).toEqual({ ok: false, error: { code: 'not-found', message: 'There is no provider "flightctl" in this Tarmac.' } });
      other.close();
    } finally {
      await bare.stop();
    }
  });
});
