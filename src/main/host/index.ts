import { mkdirSync } from 'node:fs';
import { accountName } from './accounts/registry.js';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Level } from 'pino';
import { Redactor } from './activity/redact.js';
import { ClientRegistry } from './auth/clients.js';
import { LastUsed } from './auth/last-used.js';
import { OAuthServer } from './auth/server.js';
import { OAuthStore } from './auth/store.js';
import { AuthUrls } from './auth/urls.js';
import { createActivityApi, type ActivityApi } from './activity/api.js';
import { controlPath, feedPath, startActivityFeed, type ActivityFeed } from './activity/feed.js';
import { ActivityStore, DEFAULT_RETENTION } from './activity/store.js';
import { instanceRunningSync, removeInstance, writeInstance } from './instance.js';
import { createAppLog, type Logger } from './log.js';
import { DEFAULT_PORT } from './defaults.js';
import { checkOrigin, unauthorized } from './mcp/gate.js';
import type { EndpointOptions, McpEndpoint } from './mcp/endpoint.js';
import type { buildMcpServer } from './mcp/server.js';
import { ClientTokens } from './mcp/tokens.js';
import { startIdleTrim, type IdleTrim } from './memory-trim.js';
import { defaultDataDir } from './paths.js';
import type { Provider, ProviderContext, ProviderFactory, ProviderStatus } from './providers/provider.js';
import { SecretStore, type KeychainBackend } from './secrets.js';
import { SettingsStore } from './settings.js';
import { Catalogue, type AnyToolSpec } from './tools/catalogue.js';
import { Gateway, type ApprovalHook, type PolicyHook } from './tools/gateway.js';
import { startControlSocket, type ControlSocket } from './guardrails/control.js';
import { Guardrails, listingFrom } from './guardrails/guardrails.js';
import type { ListingSource } from './mcp/discovery.js';
import { NEW_CLIENT_PROFILE, type ClientListing } from '../../shared/profiles.js';
import type { GuardState } from '../../shared/policy.js';
import { keychainConfirmedStore, type ConfirmedStore } from './guardrails/confirmed.js';
import { checkFlyctlProgram } from './providers/fly/check-flyctl.js';
import { approvalHook } from './guardrails/hooks.js';
import { tightenDataDir } from './fs/private.js';
import { TelemetryHub } from './telemetry/hub.js';
import { readHeaderValues } from './telemetry/settings.js';

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
  /** The endpoint's header, body and idle-connection time limits (default 10 s, 30 s, 10 min). */
  httpLimits?: EndpointOptions['httpLimits'];
  /** How often, at most, clients' requests are told as a change (the Overview's "active now"). */
  clientActivityNotifyMs?: number;
  /** Quiet time after which serving hands memory back to the OS (memory-trim.ts). */
  idleTrimMs?: number;
  defaultToolTimeoutMs?: number;
  /** How long tool-call changes may wait before they go to the database (ms). */
  activityFlushMs?: number;
  /** false records no tool calls at all; only the activity benchmark's baseline uses it. */
  recordActivity?: boolean;
  /**
   * --trust-terminal: other processes of this user (the CLI, a script) may loosen protection and
   * approve calls, and hand edits of settings.json apply at once. For unattended set-ups only.
   */
  trustTerminal?: boolean;
  /** Where the guardrails a person confirmed are kept (default: the keychain). */
  confirmedStore?: ConfirmedStore;
  /** Replace the guardrails' policy (tests, fixtures). */
  policy?: PolicyHook;
  /** Replace the guardrails' approval queue (tests, fixtures). */
  approve?: ApprovalHook;
  /** While a call waits for a person, a progress notification this often (ms) keeps the client's request alive. */
  approvalProgressMs?: number;
  transportOptions?: EndpointOptions['transportOptions'];
  /** Fetch for OAuth client ID metadata documents (tests trust a loopback CA with it). */
  oauthFetch?: typeof globalThis.fetch;
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
  /** Every MCP client, static-token and OAuth, as one list. */
  readonly clients: ClientRegistry;
  /** What the OAuth authorization server keeps (clients, grants, token hashes). */
  readonly oauth: OAuthStore;
  readonly activity: ActivityStore;
  /** The Activity page's functions: query, get, stats, export, clear, cancelCall, onActivity. */
  readonly activityApi: ActivityApi;
  readonly catalogue: Catalogue;
  readonly gateway: Gateway;
  /** Policies, read-only, pause, tools turned off, and the calls waiting for a person. */
  readonly guardrails: Guardrails;
  /** OpenTelemetry export of tool calls (off unless settings or OTEL_* variables turn it on). */
  readonly telemetry: TelemetryHub;
  /** Apply the telemetry settings as they are now (after a change); resolves once in force. */
  applyTelemetry(): Promise<void>;
  readonly providers: readonly Provider[];
  /** What the providers were given: sign-in flows work with the same stores. */
  readonly context: ProviderContext;
  provider(id: string): Provider | undefined;
  /** Start the HTTP endpoint; resolves with its URL. */
  start(): Promise<string>;
  readonly endpoint: McpEndpoint | null;
  /** Why the endpoint is not running, when start() or a port change failed. */
  readonly endpointError: string | null;
  /**
   * Move the endpoint to another port: the new one listens before the old one closes, so a busy
   * port throws (BindError) and the old port keeps serving. Saved in settings once it works.
   */
  setPort(port: number): Promise<string | null>;
  /** Something the window shows changed; returns the function that stops listening. */
  onChange(listener: (what: HostChange) => void): () => void;
  /** Tell listeners (sign-in, settings) that something changed. */
  changed(what: HostChange): void;
  /** Change the app log's level from now on (Settings). */
  setLogLevel(level: Level): void;
  /**
   * A fresh MCP server for this client (stdio, HTTP sessions, tests; its code loads on first use).
   * `tool`: a server for one request that calls only this tool (see buildMcpServer).
   */
  createServer(client: string, tool?: string): Promise<ReturnType<typeof buildMcpServer>>;
  status(): Promise<ProviderStatus[]>;
  stop(): Promise<void>;
}

/** A look at the installed back ends (flyctl's file) this recent is reused by the next MCP request. */
const TOOLS_LOOK_MS = 1000;
/** How long an MCP request waits for a new flyctl's tools to be learnt; after that it is answered with what is known, and clients hear list_changed later. */
const TOOLS_WAIT_MS = 5000;

/** What changed: `clients-active` is clients' requests starting and ending (throttled), for "active now". */
export type HostChange = 'endpoint' | 'sessions' | 'clients-active' | 'providers' | 'settings';

/** The headless core: everything Tarmac does, without Electron. */
export function createHost(options: HostOptions = {}): Host {
  const env = options.env ?? process.env;
  const dataDir = options.dataDir ?? defaultDataDir(env);
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  // Files an older Tarmac (or a umask of 022) left readable by others become the user's alone.
  tightenDataDir(dataDir);

  const redactor = new Redactor();
  const appLog = createAppLog({ dataDir, redactor, ...(options.logLevel ? { level: options.logLevel } : {}) });
  const log = appLog.log;
  const secrets = new SecretStore({
    redactor,
    log,
    ...(options.keychainService ? { service: options.keychainService } : {}),
    ...(options.keychainBackend ? { backend: options.keychainBackend } : {}),
  });
  const settings = new SettingsStore(dataDir);
  const tokens = new ClientTokens(secrets, dataDir);
  // OAuth grants and tokens are kept under hashes: nothing there for the redactor to learn.
  const oauth = new OAuthStore(
    new SecretStore({
      service: secrets.service,
      ...(options.keychainBackend ? { backend: options.keychainBackend } : {}),
    }),
    dataDir,
  );
  const usage = new LastUsed(dataDir);
  // A client's guardrail rules belong to it: gone when it is revoked, none for a new one (late-bound: the guardrails come later).
  const clients = new ClientRegistry(tokens, oauth, usage, (name) => guardrails.forgetClient(name));
  const activity = new ActivityStore({
    dir: ActivityStore.dirFor(dataDir),
    log,
    ...(options.activityFlushMs ? { flushMs: options.activityFlushMs } : {}),
    ...(options.recordActivity === false ? { record: false } : {}),
  });
  // Calls a Tarmac that died left "running" never finished; unless another Tarmac runs from this folder.
  if (!instanceRunningSync(dataDir)) activity.closeOrphans();
  void settings
    .read()
    .then((s) => activity.setRetention({ maxCalls: s.activity?.maxCalls ?? DEFAULT_RETENTION.maxCalls, maxDays: s.activity?.maxDays ?? DEFAULT_RETENTION.maxDays }))
    .catch(() => undefined);
  // flyctlPath: the program a person confirmed, never one another process wrote (late-bound: the guardrails come later).
  const context: ProviderContext = { dataDir, secrets, settings, redactor, log: log.child({ provider: true }), env, flyctlPath: () => guardrails.flyctlPath() };
  const providers = (options.providers ?? []).map((make) => make(context));
  const catalogue = new Catalogue([...providers.flatMap((p) => p.tools()), ...(options.tools ?? [])]);
  const guardrails = new Guardrails(settings, catalogue, log, {
    confirmed: options.confirmedStore ?? keychainConfirmedStore(secrets),
    trustTerminal: options.trustTerminal ?? false,
    isFlyctl: (path) => checkFlyctlProgram(path, env).then(() => true, () => false),
  });
  // Turning a tool off or on: 2025-era sessions hear it from their own servers (server.ts);
  // 2026-07-28 clients listening on subscriptions/listen hear it from the endpoint.
  let disabledKey: string | null = null;
  guardrails.onChange((state) => {
    // The flyctl path may be what changed (a confirmed hand edit): while serving, its tools are looked at afresh.
    if (endpoint) void prepareTools(0);
    const key = listingKey(state);
    // Before the endpoint took its first look, any change is told (a spare list_changed costs a client one tools/list).
    if (key !== disabledKey) endpoint?.notify.toolsChanged();
    disabledKey = key;
  });
  /**
   * The providers' tools as installed now: one stat of flyctl's file when it is unchanged, the
   * learning of a new one otherwise (flyctl-capabilities.json keeps it). Waited for at most
   * TOOLS_WAIT_MS; whatever comes later reaches clients as list_changed.
   */
  const prepareTools = async (maxAgeMs: number): Promise<void> => {
    let timer: NodeJS.Timeout | undefined;
    const all = Promise.all(providers.map((p) => p.prepareTools?.({ maxAgeMs }))).then(
      () => undefined,
      () => undefined,
    );
    await Promise.race([all, new Promise<void>((resolve) => (timer = setTimeout(resolve, TOOLS_WAIT_MS)))]);
    clearTimeout(timer);
  };
  const telemetry = new TelemetryHub({ log, redactor, env, headerValues: () => readHeaderValues(secrets) });
  // Applied before the first call is served, and again whenever the settings change.
  let telemetryReady: Promise<void> | undefined;
  const configureTelemetry = () =>
    settings
      .read()
      .then((s) => telemetry.configure(s))
      .catch((err: unknown) => log.warn({ err: err instanceof Error ? err.message : String(err) }, 'telemetry settings not applied'));
  const applyTelemetry = () => (telemetryReady = (telemetryReady ?? Promise.resolve()).then(configureTelemetry));
  const gateway = new Gateway({
    activity,
    telemetry,
    redactor,
    log,
    policy: options.policy ?? ((spec, client, guard) => guardrails.decide(spec, client, guard)),
    account: async (client, provider, guard) => {
      const id = await guardrails.accountFor(client, provider, guard);
      return { id, name: accountName(await settings.readFresh(), provider, id) };
    },
    approve: options.approve ?? approvalHook(guardrails, { ...(options.approvalProgressMs ? { progressMs: options.approvalProgressMs } : {}) }),
    ...(options.defaultToolTimeoutMs ? { defaultTimeoutMs: options.defaultToolTimeoutMs } : {}),
    ...(options.trustTerminal ? { trustTerminal: true } : {}),
  });
  // Whoever serves MCP (HTTP or stdio) hands memory back after each burst of work (memory-trim.ts):
  // every new server (each 2026-07-28 request, each 2025-era session) and every tool call count as work.
  let trim: IdleTrim | null = null;
  const ensureTrim = () =>
    (trim ??= startIdleTrim({
      ...(options.idleTrimMs !== undefined ? { idleMs: options.idleTrimMs } : {}),
      onTrim: ({ rssBefore, rssAfter, ms }) => {
        const mib = (n: number) => Math.round((n / 1048576) * 10) / 10;
        log.debug({ rssBeforeMiB: mib(rssBefore), rssAfterMiB: mib(rssAfter), ms: Math.round(ms) }, 'idle: memory handed back');
        // The search index's worker has an isolate of its own, with its own garbage and page pool.
        void activity.trimWorkers();
      },
    }));
  activity.onActivity(() => trim?.touch());
  // The MCP SDK loads with the first MCP request (an idle `tarmac serve` does without it), and
  // `tarmac status`, `token` and `login` never load it.
  let serverModule: Promise<{ buildMcpServer: typeof buildMcpServer }> | undefined;
  const createServer = async (client: string, tool?: string) => {
    ensureTrim().touch();
    // Whoever serves MCP (HTTP, stdio) notices switches flipped by another process.
    guardrails.watch();
    serverModule ??= import('./mcp/server.js');
    telemetryReady ??= configureTelemetry();
    const [{ buildMcpServer }] = await Promise.all([serverModule, telemetryReady, prepareTools(TOOLS_LOOK_MS)]);
    // Unreadable settings: no tool is listed as off, and no state is handed on, so the call's
    // own read fails closed.
    const state = await guardrails.state().catch(() => undefined);
    // What this client's profile lists, kept current while the server lives (a 2025-era session).
    let now: ClientListing | null = state ? listingFrom(state, client, catalogue.facts()) : null;
    const listing: ListingSource = {
      current: () => now,
      onChange: (listener) =>
        guardrails.onChange((next) => {
          now = listingFrom(next, client, catalogue.facts());
          listener();
        }),
      enable: async (toolset) => {
        // The guardrails tell every listener (this session, the window) once it is saved.
        now = await guardrails.enableToolset(client, toolset);
        return now;
      },
    };
    return buildMcpServer({
      catalogue,
      gateway,
      client,
      only: tool,
      listing,
      refresh: () => prepareTools(TOOLS_LOOK_MS),
      // A server for one call is built while its request is served: its read is the call's too.
      ...(tool !== undefined && state ? { guard: state } : {}),
    });
  };
  let endpoint: McpEndpoint | null = null;
  let endpointError: string | null = null;
  const activityApi = createActivityApi({ activity, gateway });
  let feed: ActivityFeed | null = null;
  let control: ControlSocket | null = null;
  let tokenWatch: NodeJS.Timeout | undefined;
  const listeners = new Set<(what: HostChange) => void>();
  const changed = (what: HostChange) => {
    // Settings changed (the window, a port move): telemetry follows, once it has started at all.
    if (what === 'settings' && telemetryReady) void applyTelemetry();
    // Another flyctl path: while serving, its tools are learnt now and connected clients hear of them.
    if (what === 'settings' && endpoint) void prepareTools(0);
    for (const listener of listeners) {
      try {
        listener(what);
      } catch (err) {
        log.warn({ err: err instanceof Error ? err.message : String(err) }, 'change listener failed');
      }
    }
  };
  const requireAuth = options.requireAuth ?? true;
  // One authorization server for the host's life: its URLs follow the endpoint when it moves port.
  const oauthServer = requireAuth
    ? new OAuthServer({
        urls: new AuthUrls(() => new URL(endpoint?.url ?? `http://127.0.0.1:${options.port ?? DEFAULT_PORT}/mcp`).origin),
        store: oauth,
        log,
        nameTaken: (name) => clients.hasStaticName(name),
        // A client that signs in with OAuth for the first time starts with the default profile for new clients.
        onNewClient: async (name) => {
          await clients.newClient(name);
          await guardrails.setClientProfile(name, NEW_CLIENT_PROFILE, 'terminal');
        },
        ...(options.oauthFetch ? { fetch: options.oauthFetch } : {}),
      })
    : null;
  // An OAuth access token that worked is scrubbed from logs and activity like any other secret.
  const verifyOAuth = async (token: string) => {
    const name = (await oauthServer?.authenticate(token)) ?? null;
    if (name) redactor.addSecret(token, { transient: true });
    return name;
  };
  // The endpoint loads only when something serves MCP over HTTP; the SDK with its first request (createServer).
  const makeEndpoint = async (port: number) => {
    const { McpEndpoint } = await import('./mcp/endpoint.js');
    guardrails.watch();
    return new McpEndpoint({
      port,
      ...(options.bindHost ? { bindHost: options.bindHost } : {}),
      authenticate: requireAuth ? (token) => clients.authenticate(token, verifyOAuth) : null,
      // OAuth for MCP clients: its routes before the bearer check, and a 401 that points at them.
      ...(options.routes ? { routes: options.routes } : oauthServer ? { routes: (req, res) => oauthRoutes(oauthServer, req, res) } : {}),
      ...(options.unauthorizedHeaders
        ? { unauthorizedHeaders: options.unauthorizedHeaders }
        : oauthServer
          ? { unauthorizedHeaders: (req, hadToken) => unauthorized(req, hadToken, oauthServer.challenge(req, hadToken)) }
          : {}),
      createServer,
      log,
      onSessionsChange: () => changed('sessions'),
      onSessionEnd: (info) => telemetry.sessionEnded(info),
      onClientActivity: () => changed('clients-active'),
      ...(options.clientActivityNotifyMs !== undefined ? { clientActivityNotifyMs: options.clientActivityNotifyMs } : {}),
      ...(options.maxSessions ? { maxSessions: options.maxSessions } : {}),
      ...(options.maxSessionsPerClient ? { maxSessionsPerClient: options.maxSessionsPerClient } : {}),
      ...(options.evictableAfterMs !== undefined ? { evictableAfterMs: options.evictableAfterMs } : {}),
      ...(options.sessionIdleMs ? { idleMs: options.sessionIdleMs } : {}),
      ...(options.httpLimits ? { httpLimits: options.httpLimits } : {}),
      ...(options.transportOptions ? { transportOptions: options.transportOptions } : {}),
    });
  };
  // A revoked client loses its open sessions and streams too, not only its next request.
  let staticNames: ReadonlySet<string> = new Set();
  let oauthNames: ReadonlySet<string> = new Set();
  const closeRevoked = () => endpoint?.closeSessionsWhere((client) => !staticNames.has(client) && !oauthNames.has(client));
  tokens.onReload((names) => {
    staticNames = names;
    closeRevoked();
  });
  oauth.onReload((names) => {
    oauthNames = names;
    closeRevoked();
  });

  // The Fly tools follow the flyctl in use: when another one is found (an upgrade, another path),
  // the catalogue takes its tools, open 2025-era sessions hear list_changed (server.ts), listening
  // 2026-07-28 clients hear it from the endpoint, and the window shows the version.
  for (const p of providers) {
    p.onToolsChange?.(() => {
      const replaced = catalogue.replace(p.tools());
      if (replaced.length === 0) return;
      log.info({ provider: p.id, tools: replaced.map((t) => t.name), offered: catalogue.offered }, 'tools changed with what is installed');
      endpoint?.notify.toolsChanged();
      changed('providers');
    });
  }

  /** Live feed and run/instance.json, so the CLI and other tools can find this Tarmac. Best effort. */
  const announce = async (url: string) => {
    const path = feedPath(dataDir);
    try {
      if (path && !feed) feed = await startActivityFeed(activity, path, log);
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'activity feed not started: `tarmac activity --follow` will not see this Tarmac');
    }
    const controlAt = controlPath(dataDir);
    try {
      if (controlAt && !control) control = await startControlSocket({ path: controlAt, guardrails, log, clientNames: async () => (await clients.list()).map((c) => c.name) });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'control socket not started: `tarmac approvals` and `tarmac pause` cannot reach this Tarmac');
    }
    try {
      await writeInstance(dataDir, {
        pid: process.pid,
        url,
        port: Number(new URL(url).port),
        startedAt: new Date().toISOString(),
        ...(feed ? { activityFeed: feed.path } : {}),
        ...(control ? { control: control.path, controlToken: control.token } : {}),
      });
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'could not write run/instance.json');
    }
  };

  return {
    dataDir,
    log,
    redactor,
    secrets,
    settings,
    tokens,
    clients,
    oauth,
    activity,
    activityApi,
    catalogue,
    gateway,
    guardrails,
    telemetry,
    applyTelemetry,
    providers,
    context,
    provider: (id) => providers.find((p) => p.id === id),
    get endpoint() {
      return endpoint;
    },
    get endpointError() {
      return endpointError;
    },
    onChange(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    changed,
    setLogLevel(level) {
      log.level = level;
    },
    async setPort(port) {
      if (!endpoint) {
        await settings.update((s) => ({ ...s, port }));
        changed('settings');
        return null;
      }
      if (port === endpoint.port) return endpoint.url;
      const next = await makeEndpoint(port);
      await next.listen();
      const previous = endpoint;
      endpoint = next;
      endpointError = null;
      try {
        await settings.update((s) => ({ ...s, port }));
      } finally {
        await previous.close();
        log.info({ url: next.url }, 'MCP endpoint moved');
        await announce(next.url);
        changed('endpoint');
        changed('settings');
      }
      return next.url;
    },
    createServer,
    async start() {
      if (endpoint) return endpoint.url;
      try {
        if (requireAuth) await Promise.all([tokens.reload(), oauth.reload()]);
        const saved = await settings.read();
        // LOG_LEVEL or --log-level wins; otherwise the level chosen in Settings.
        if (!options.logLevel && !env.LOG_LEVEL && saved.logLevel) log.level = saved.logLevel;
        const port = options.port ?? saved.port ?? DEFAULT_PORT;
        const starting = await makeEndpoint(port);
        await starting.listen();
        endpoint = starting;
        endpointError = null;
      } catch (err) {
        endpointError = err instanceof Error ? err.message : String(err);
        changed('endpoint');
        throw err;
      }
      changed('endpoint');
      ensureTrim();
      // Export (when on) starts with serving, so the window shows its state before the first call.
      telemetryReady ??= configureTelemetry();
      if (requireAuth) {
        // Revocations by another process are seen on the next request; this catches them without one.
        tokenWatch = setInterval(() => void Promise.all([tokens.refresh(), oauth.refresh()]).catch(() => undefined), 5_000);
        tokenWatch.unref();
      }
      log.info({ url: endpoint.url, tools: catalogue.size }, 'MCP endpoint listening');
      // What the installed flyctl supports is learnt before the first client asks (or read from the data dir).
      void prepareTools(0);
      // What the tools' switches are as serving starts: later changes are told to listening clients.
      disabledKey ??= await guardrails.state().then(listingKey, () => null);
      await announce(endpoint.url);
      return endpoint.url;
    },
    async status() {
      return Promise.all(providers.map((p) => p.status()));
    },
    async stop() {
      clearInterval(tokenWatch);
      trim?.stop();
      trim = null;
      await feed?.close().catch(() => undefined);
      feed = null;
      await control?.close().catch(() => undefined);
      control = null;
      guardrails.close();
      if (endpoint) await removeInstance(dataDir).catch(() => undefined);
      gateway.stopAll();
      await endpoint?.close();
      endpoint = null;
      // The last spans go out (bounded: a collector that hangs does not hold up quitting).
      await telemetry.shutdown();
      listeners.clear();
      await Promise.allSettled(providers.map((p) => p.close?.()));
      await activity.close();
      await usage.flush();
      await appLog.close();
    },
  };
}

/** What decides every client's tools/list: a change to it is told to listening 2026-07-28 clients. */
function listingKey(state: GuardState): string {
  return JSON.stringify([[...state.disabledTools].sort(), state.profiles ?? null, state.confirmedProfiles ?? null, state.enabledToolsets ?? null]);
}

/**
 * The OAuth routes see only this endpoint's own pages or no browser at all: a request from another
 * origin (a web page posting to the consent form) is refused before the authorization server sees it.
 */
async function oauthRoutes(server: OAuthServer, req: IncomingMessage, res: ServerResponse): Promise<boolean> {
  // The endpoint checked Host first, so its port is the one this request reached.
  const port = Number(new URL(`http://${req.headers.host ?? 'localhost'}`).port);
  if (checkOrigin(req, port)) {
    res.writeHead(403, { 'Content-Type': 'text/plain; charset=utf-8' });
    res.end("Forbidden: Origin is not this server's own loopback origin");
    return true;
  }
  return server.handle(req, res);
}
