import { randomUUID } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Client, StreamableHTTPClientTransport, type ClientCapabilities } from '@modelcontextprotocol/client';
import type { ToolCall } from '../../src/shared/activity.js';
import { createHost, type Host, type HostOptions } from '../../src/main/host/index.js';
import type { ProviderFactory } from '../../src/main/host/providers/provider.js';
import type { SecretStore } from '../../src/main/host/secrets.js';
import type { Settings } from '../../src/main/host/settings.js';
import type { AnyToolSpec } from '../../src/main/host/tools/catalogue.js';

export interface TestHostOptions extends Partial<HostOptions> {
  providers?: ProviderFactory[];
  tools?: AnyToolSpec[];
  env?: NodeJS.ProcessEnv;
  settings?: Partial<Settings>;
}

export interface TestHost {
  host: Host;
  url: string;
  /** Bearer token of the client named "test". */
  token: string;
  dataDir: string;
  secrets: SecretStore;
  /**
   * A connected SDK client; a token is created for the name on first use. By default it speaks
   * the 2025-era protocol (initialize, sessions); era 'modern' pins 2026-07-28 (server/discover,
   * stateless), and protocolVersion makes a legacy client offer only that revision.
   */
  connect(clientName?: string, options?: ConnectOptions): Promise<Client>;
  tokenFor(clientName: string): Promise<string>;
  activity(): ToolCall[];
  readLogs(): Promise<string>;
  readActivityFiles(): Promise<string>;
  stop(): Promise<void>;
}

export interface ConnectOptions {
  era?: 'legacy' | 'modern';
  protocolVersion?: string;
  /** What the client declares besides the SDK's own (e.g. the MCP Apps extension). */
  capabilities?: ClientCapabilities;
}

/** An SDK client for one protocol era (see TestHost.connect). */
export function eraClient(name: string, { era = 'legacy', protocolVersion, capabilities }: ConnectOptions = {}): Client {
  return new Client(
    { name, version: '1.0.0' },
    {
      ...(era === 'modern' ? { versionNegotiation: { mode: { pin: '2026-07-28' } } } : {}),
      ...(protocolVersion ? { supportedProtocolVersions: [protocolVersion] } : {}),
      ...(capabilities ? { capabilities } : {}),
    },
  );
}

export const ALLOW_ALL: Settings['policies'] = { classes: { read: 'allow', write: 'allow', destructive: 'allow' } };

/** Creates a unique keychain service name so tests never share (or touch real) entries. */
export function testKeychainService(): string {
  return `tarmac-test-${randomUUID()}`;
}

/**
 * A real host on an ephemeral loopback port, with a temp data dir, its own keychain service in
 * the real keyring, and SDK clients that connect to it. stop() removes everything it made.
 */
export async function startTestHost(options: TestHostOptions = {}): Promise<TestHost> {
  const { settings, ...hostOptions } = options;
  const dataDir = options.dataDir ?? (await mkdtemp(join(tmpdir(), 'tarmac-test-')));
  const host = createHost({
    port: 0,
    keychainService: testKeychainService(),
    logLevel: 'debug',
    env: {},
    ...hostOptions,
    dataDir,
  });
  // Tests of tools, not of guardrails, run every class without asking; guardrail tests pass
  // their own `policies` (`{}` for the defaults: read allow, write and destructive ask).
  await host.settings.update((s) => ({ ...s, policies: ALLOW_ALL, ...settings }));
  const tokens = new Map<string, string>();
  const tokenFor = async (name: string) => {
    let token = tokens.get(name);
    if (!token) {
      token = await host.tokens.create(name);
      tokens.set(name, token);
    }
    return token;
  };
  const token = await tokenFor('test');
  const url = await host.start();
  const clients: Client[] = [];

  return {
    host,
    url,
    token,
    dataDir,
    secrets: host.secrets,
    tokenFor,
    async connect(clientName = 'test', connectOptions = {}) {
      const bearer = await tokenFor(clientName);
      const client = eraClient(`vitest-${clientName}`, connectOptions);
      const transport = new StreamableHTTPClientTransport(new URL(url), {
        requestInit: { headers: { Authorization: `Bearer ${bearer}` } },
      });
      await client.connect(transport);
      clients.push(client);
      return client;
    },
    activity: () => host.activity.list({ limit: 10_000 }),
    readLogs: () => readAll(join(dataDir, 'logs')),
    readActivityFiles: () => readAll(join(dataDir, 'activity')),
    async stop() {
      await Promise.allSettled(clients.map((c) => c.close()));
      const service = host.secrets;
      for (const account of await service.list().catch(() => [])) await service.delete(account).catch(() => false);
      await host.stop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

async function readAll(dir: string): Promise<string> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return '';
  }
  const parts = await Promise.all(names.sort().map((n) => readFile(join(dir, n), 'utf8').catch(() => '')));
  return parts.join('\n');
}
