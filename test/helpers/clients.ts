import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'vitest';
import { createClientRegistrar, type ClientRegistrar } from '../../src/main/host/clients/registrar.js';
import type { Launcher } from '../../src/main/host/clients/types.js';
import { createHost, type Host } from '../../src/main/host/index.js';
import { MemoryKeychain } from '../../src/main/host/secrets.js';

export const FIXED_LAUNCHER: Launcher = { command: '/opt/tarmac/node', args: ['/opt/tarmac/bin/tarmac.js'], env: {} };
export const FIXTURES = new URL('../fixtures/clients/', import.meta.url).pathname;

export interface ClientsEnv {
  root: string;
  home: string;
  dataDir: string;
  env: NodeJS.ProcessEnv;
  host: Host;
  registrar: ClientRegistrar;
  /** Replace the machine-specific parts (tokens, temp folders) so files compare with golden ones. */
  normalize(text: string): string;
  stop(): Promise<void>;
}

/** A temporary HOME and data dir, an in-memory keychain, and the registrar over them (Linux paths). */
export async function clientsEnv(options: { env?: NodeJS.ProcessEnv; platform?: NodeJS.Platform } = {}): Promise<ClientsEnv> {
  const root = await mkdtemp(join(tmpdir(), 'tarmac-clients-'));
  const home = join(root, 'home');
  const dataDir = join(root, 'data');
  const env: NodeJS.ProcessEnv = { HOME: home, ...options.env };
  const host = createHost({ dataDir, env, keychainBackend: new MemoryKeychain(), keychainService: `tarmac-test-${randomUUID()}`, providers: [] });
  const registrar = createClientRegistrar({
    dataDir,
    settings: host.settings,
    tokens: host.tokens,
    clients: host.clients,
    env,
    platform: options.platform ?? 'linux',
    launcher: FIXED_LAUNCHER,
  });
  return {
    root,
    home,
    dataDir,
    env,
    host,
    registrar,
    normalize: (text) => text.replace(/tmc_[A-Za-z0-9_-]{20,}/g, 'TOKEN').split(dataDir).join('<DATA>').split(home).join('<HOME>'),
    async stop() {
      await host.stop();
      await rm(root, { recursive: true, force: true });
    },
  };
}

/** Compare with a golden file; UPDATE_GOLDEN=1 rewrites it (review the diff before committing). */
export async function expectGolden(file: string, actual: string): Promise<void> {
  if (process.env.UPDATE_GOLDEN === '1') {
    await writeFile(file, actual);
    return;
  }
  expect(actual).toBe(await readFile(file, 'utf8'));
}
