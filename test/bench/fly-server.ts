// The Tarmac side of bench:fly, in its own process as it is for a real AI client: a host serving
// the Fly provider with the fake flyctl and a Fly token in the keychain. Prints READY <url> <token>.
import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createHost } from '../../src/main/host/index.js';
import { createFlyProvider, FLY_TOKEN_ACCOUNT } from '../../src/main/host/providers/fly/index.js';
import type { KeychainBackend } from '../../src/main/host/secrets.js';
import { defineTool } from '../../src/main/host/tools/catalogue.js';

const [fake, flyToken, keychain] = process.argv.slice(2) as [string, string, string];
const dataDir = await mkdtemp(join(tmpdir(), 'tarmac-bench-fly-'));
const memory = new Map<string, string>();
const memoryBackend: KeychainBackend = {
  getPassword: async (s, a) => memory.get(`${s}/${a}`) ?? null,
  setPassword: async (s, a, p) => void memory.set(`${s}/${a}`, p),
  deletePassword: async (s, a) => memory.delete(`${s}/${a}`),
  findCredentials: async (s) => [...memory].filter(([k]) => k.startsWith(`${s}/`)).map(([k, password]) => ({ account: k.slice(s.length + 1), password })),
};
const host = createHost({
  dataDir,
  port: 0,
  env: { PATH: process.env.PATH, HOME: dataDir },
  logLevel: 'warn',
  keychainService: `tarmac-bench-fly-${randomUUID()}`,
  ...(keychain === 'memory' ? { keychainBackend: memoryBackend } : {}),
  providers: [createFlyProvider],
  // The endpoint's own cost, for comparison: same path through HTTP and the gateway, no flyctl.
  tools: [defineTool({ name: 'bench-noop', provider: 'bench', title: 'No-op', description: 'no-op', class: 'read', input: {}, run: async () => ({ text: 'ok' }) })],
});
await host.settings.update((s) => ({ ...s, flyctlPath: fake }));
await host.secrets.set(FLY_TOKEN_ACCOUNT, flyToken);
const bearer = await host.tokens.create('bench');
const url = await host.start();
const stop = async () => {
  await host.secrets.delete(FLY_TOKEN_ACCOUNT).catch(() => false);
  await host.tokens.revoke('bench').catch(() => undefined);
  await host.stop();
  await rm(dataDir, { recursive: true, force: true });
  process.exit(0);
};
process.on('SIGTERM', () => void stop());
process.stdout.write(`READY ${url} ${bearer} ${dataDir}\n`);
