import { mkdirSync } from 'node:fs';
import type { Level } from 'pino';
import { Redactor } from './activity/redact.js';
import { ActivityStore } from './activity/store.js';
import { createAppLog, type Logger } from './log.js';
import { DEFAULT_PORT, McpEndpoint, type EndpointOptions } from './mcp/endpoint.js';
import type { McpServer } from '@modelcontextprotocol/server';
import { ClientTokens } from './mcp/tokens.js';
import { defaultDataDir } from './paths.js';
import type { Provider, ProviderContext, ProviderFactory, ProviderStatus } from './providers/provider.js';
import { SecretStore, type KeychainBackend } from './secrets.js';
import { SettingsStore } from './settings.js';
import { Catalogue, type AnyToolSpec } from './tools/catalogue.js';
import { Gateway, type ApprovalHook, type PolicyHook } from './tools/gateway.js';

export interface HostOptions {
  dataDir?: string;
  port?: number;
  bindHost?: string;
  providers?: readonly ProviderFactory[];
  /** Tools served besides the providers' (tests, fixtures). */
  tools?: readonly AnyToolSpec[];
  env?: NodeJS.ProcessEnv;
  logLevel?: Level;
  keychainService?: string;
  keychainBackend?: KeychainBackend;
  /** false switches bearer tokens off; only the conformance fixture does this. */
  requireAuth?: boolean;
  maxSessions?: number;
  maxSessionsPerClient?: number;
  evictableAfterMs?: number;
  sessionIdleMs?: number;
  defaultToolTimeoutMs?: number;
  activityCapacity?: number;
  policy?: PolicyHook;
  approve?: ApprovalHook;
  transportOptions?: EndpointOptions['transportOptions'];
  /** Routes outside /mcp (the OAuth authorization server plugs in here). */
  routes?: EndpointOptions['routes'];
  /** The 401 answer's headers, e.g. WWW-Authenticate with resource_metadata. */
  unauthorizedHeaders?: EndpointOptions['unauthorizedHeaders'];
}

export interface Host {
  readonly dataDir: string;
  readonly log: Logger;
  readonly redactor: Redactor;
  readonly secrets: SecretStore;
  readonly settings: SettingsStore;
  readonly tokens: ClientTokens;
  readonly activity: ActivityStore;
  readonly catalogue: Catalogue;
  readonly gateway: Gateway;
  readonly providers: readonly Provider[];
  /** What the providers were given: sign-in flows work with the same stores. */
  readonly context: ProviderContext;
  provider(id: string): Provider | undefined;
  /** Start the HTTP endpoint; resolves with its URL. */
  start(): Promise<string>;
  readonly endpoint: McpEndpoint | null;
  /** A fresh McpServer for one client (stdio, tests). The SDK is loaded on first use. */
  createServer(client: string): Promise<McpServer>;
  status(): Promise<ProviderStatus[]>;
  stop(): Promise<void>;
}

/** The headless core: everything Tarmac does, without Electron. */
export function createHost(options: HostOptions = {}): Host {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? defaultDataDir(env);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });

  const redactor = new Redactor();
  const appLog = createAppLog({ dataDir, redactor, ...(options.logLevel ? { level: options.logLevel } : {}) });
  const log = appLog.log;
  const secrets = new SecretStore({
    redactor,
    ...(options.keychainService ? { service: options.keychainService } : {}),
    ...(options.keychainBackend ? { backend: options.keychainBackend } : {}),
  });
  const settings = new SettingsStore(dataDir);
  const tokens = new ClientTokens(secrets, dataDir);
  const activity = new ActivityStore({ dir: ActivityStore.dirFor(dataDir), capacity: options.activityCapacity ?? 10_000 });
  const context: ProviderContext = { dataDir, secrets, settings, redactor, log: log.child({ provider: true }), env };
  const providers = (options.providers ?? []).map((make) => make(context));
  const catalogue = new Catalogue([...providers.flatMap((p) => p.tools()), ...(options.tools ?? [])]);
  const gateway = new Gateway({
    activity,
    redactor,
    log,
    ...(options.policy ? { policy: options.policy } : {}),
    ...(options.approve ? { approve: options.approve } : {}),
    ...(options.defaultToolTimeoutMs ? { defaultTimeoutMs: options.defaultToolTimeoutMs } : {}),
  });
  // Dynamic on purpose: the SDK (about 15 MiB resident) stays unloaded until an MCP client arrives.
  const createServer = async (client: string) => (await import('./mcp/server.js')).buildMcpServer({ catalogue, gateway, client });
  let endpoint: McpEndpoint | null = null;
  let tokenWatch: NodeJS.Timeout | undefined;
  // A revoked client loses its open sessions and streams too, not only its next request.
  tokens.onReload((clients) => endpoint?.closeSessionsWhere((client) => !clients.has(client)));

  return {
    dataDir,
    log,
    redactor,
    secrets,
    settings,
    tokens,
    activity,
    catalogue,
    gateway,
    providers,
    context,
    provider: (id) => providers.find((p) => p.id === id),
    get endpoint() {
      return endpoint;
    },
    createServer,
    async start() {
      if (endpoint) return endpoint.url;
      const requireAuth = options.requireAuth ?? true;
      if (requireAuth) await tokens.reload();
      const port = options.port ?? (await settings.read()).port ?? DEFAULT_PORT;
      endpoint = new McpEndpoint({
        port,
        ...(options.bindHost ? { bindHost: options.bindHost } : {}),
        authenticate: requireAuth ? (token) => tokens.authenticate(token) : null,
        createServer,
        log,
        ...(options.maxSessions ? { maxSessions: options.maxSessions } : {}),
        ...(options.maxSessionsPerClient ? { maxSessionsPerClient: options.maxSessionsPerClient } : {}),
        ...(options.evictableAfterMs !== undefined ? { evictableAfterMs: options.evictableAfterMs } : {}),
        ...(options.sessionIdleMs ? { idleMs: options.sessionIdleMs } : {}),
        ...(options.transportOptions ? { transportOptions: options.transportOptions } : {}),
        ...(options.routes ? { routes: options.routes } : {}),
        ...(options.unauthorizedHeaders ? { unauthorizedHeaders: options.unauthorizedHeaders } : {}),
      });
      try {
        await endpoint.listen();
      } catch (err) {
        endpoint = null;
        throw err;
      }
      if (requireAuth) {
        // Revocations by another process are seen on the next request; this catches them without one.
        tokenWatch = setInterval(() => void tokens.refresh().catch(() => undefined), 5_000);
        tokenWatch.unref();
      }
      log.info({ url: endpoint.url, tools: catalogue.size }, 'MCP endpoint listening');
      return endpoint.url;
    },
    async status() {
      return Promise.all(providers.map((p) => p.status()));
    },
    async stop() {
      clearInterval(tokenWatch);
      gateway.stopAll();
      await endpoint?.close();
      endpoint = null;
      await Promise.allSettled(providers.map((p) => p.close?.()));
      await activity.close();
      await appLog.close();
    },
  };
}
