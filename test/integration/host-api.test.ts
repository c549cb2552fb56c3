import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { API_METHODS, type SignInEvent, type TarmacApi } from '../../src/shared/api.js';
import { createHostApi } from '../../src/main/host/api.js';
import { FLY_TOKEN_ACCOUNT, createFlyProvider } from '../../src/main/host/providers/fly/index.js';
import { createFlightctlProvider } from '../../src/main/host/providers/flightctl/index.js';
import { FAKE_FLYCTL } from '../helpers/fly.js';
import { startTestHost, type TestHost } from '../helpers/host.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let t: TestHost;
let api: TarmacApi;
const events: SignInEvent[] = [];
const rulesFile = () => join(dir, 'rules.json');

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'tarmac-api-'));
  await writeFile(rulesFile(), '[]');
  t = await startTestHost({
    providers: [createFlyProvider, createFlightctlProvider],
    env: { PATH: process.env.PATH ?? '', HOME: join(dir, 'home'), FLY_CONFIG_DIR: join(dir, 'fly'), FAKE_FLYCTL_CONTROL: rulesFile() },
    settings: { flyctlPath: FAKE_FLYCTL },
  });
  api = createHostApi(t.host, { openBrowser: async () => undefined, onSignInEvent: (e) => events.push(e) });
});

afterAll(async () => {
  await t?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe('the host API', () => {
  it('implements every request the UI contract names', () => {
    for (const method of API_METHODS) expect(typeof api[method], method).toBe('function');
  });

  it('reports the endpoint and the providers', async () => {
    expect(await api.getStatus()).toEqual({ state: 'running', url: t.url, tools: t.host.catalogue.size, sessions: 0 });
    expect(t.host.catalogue.size).toBeGreaterThanOrEqual(70);
    const providers = await api.getProviders();
    expect(providers.map((p) => p.id)).toEqual(['fly', 'flightctl']);
    expect(providers[1]?.state).toBe('unconfigured');
  });

  it('signs in to Fly.io with a token and out again', async () => {
    const signedIn = await api.signInFlyToken('FlyV1 fm2_api-token-3c5e7a9b1d');
    expect(signedIn).toMatchObject({ id: 'fly', state: 'ready', details: { tokenSource: 'keychain' } });
    const signedOut = await api.signOut('fly');
    expect(signedOut.details.tokenSource).not.toBe('keychain');
    expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
  });

  it('cancels a waiting Fly.io browser sign-in and stores nothing', async () => {
    await writeFile(rulesFile(), JSON.stringify([{ match: 'auth login', hang: true }]));
    try {
      const pending = api.signInFlyBrowser();
      await waitFor(() => events.some((e) => e.kind === 'waiting' && e.provider === 'fly'), 'waiting event');
      // Cancel as the UI's Cancel button would (before or after flyctl started: both end the same).
      await api.cancelSignIn('fly');
      await expect(pending).rejects.toThrow('Fly.io sign-in was cancelled.');
      expect(await t.secrets.get(FLY_TOKEN_ACCOUNT)).toBeNull();
    } finally {
      await writeFile(rulesFile(), '[]');
    }
  });

  it('gives a clear error for a provider this host does not run', async () => {
    const bare = await startTestHost({ providers: [createFlyProvider], env: { PATH: process.env.PATH ?? '' } });
    try {
      const other = createHostApi(bare.host, { openBrowser: async () => undefined });
      await expect(other.listFlightctlOrganizations()).rejects.toThrow('The Flight Control provider is not enabled in this Tarmac.');
    } finally {
      await bare.stop();
    }
  });
});
