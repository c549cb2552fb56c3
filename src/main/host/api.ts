import { join } from 'node:path';
import type {
  ApiMethod,
  ApiResult,
  AppSettings,
  ClientSessions,
  HostStatus,
  KeychainStatus,
  ProviderId,
  ProviderStatus,
  SettingsPatch,
  TarmacApi,
  TarmacEvent,
} from '../../shared/api.js';
import { API_ARGS } from '../../shared/api-schema.js';
import type { ClientAction, ClientActionInput, ClientChange, ClientState } from '../../shared/clients.js';
import { listAccounts } from './accounts/list.js';
import { findAccount, planAccount, renameAccount, saveAccount } from './accounts/registry.js';
import { removeAccount } from './accounts/remove.js';
import { SignInError } from './accounts/errors.js';
import { DEFAULT_ACCOUNT } from './accounts/scope.js';
import type { OpenBrowser } from './accounts/browser.js';
import { HostApiError, toApiError } from './api-errors.js';
import { createCredentials } from './clients/credentials.js';
import { buildProfilesView, clientProfiles } from './profiles.js';
import type { ClientRegistrar } from './clients/registrar.js';
import type { Launcher } from './clients/types.js';
import type { Host } from './index.js';
import { DEFAULT_RETENTION } from './activity/store.js';
import { DEFAULT_PORT } from './defaults.js';
import type { ProviderAccount } from './providers/provider.js';
import { checkFlyctlProgram } from './providers/fly/check-flyctl.js';
import { KeychainUnavailableError } from './secrets.js';
import { TARMAC_VERSION } from './version.js';
import { applyTelemetryPatch, TelemetryInputError, telemetryView } from './telemetry/settings.js';

/** What only the desktop shell can do; browser mode and tests leave these out. */
export interface ShellCapabilities {
  launchAtLogin?: { get(): boolean; set(on: boolean): void };
  /** Show a folder in the OS file manager. */
  openPath?(path: string): Promise<void>;
  /** An OS notification (approvals and failed calls use it). */
  notify?(title: string, body: string, actions?: NotifyAction[]): void;
  /** Ask where to save a file and write the chunks there; null when the person cancelled. */
  saveFile?(suggestedName: string, chunks: AsyncIterable<string>): Promise<string | null>;
}

/** A button on an OS notification, where the OS shows them (macOS); elsewhere clicking opens the window. */
export interface NotifyAction {
  label: string;
  run(): void;
}

export interface HostApiOptions {
  /** How a sign-in shows the person a URL: Electron opens the system browser, headless prints it. */
  openBrowser: OpenBrowser;
  /** Every event for the window(s). */
  emit?: (event: TarmacEvent) => void;
  shell?: ShellCapabilities;
  /** How long host changes are gathered into one statusChanged event. */
  coalesceMs?: number;
  /**
   * How stdio-only clients (Claude Desktop) start `tarmac bridge`: the desktop shell passes its own
   * executable run as Node with the bundled CLI; elsewhere the Node running Tarmac.
   */
  clientLauncher?: Launcher;
}

export interface HostApi {
  /** The API itself, for in-process callers. Errors are thrown as they are. */
  readonly api: TarmacApi;
  /**
   * One request as it arrives from a transport: the method name and arguments are checked
   * (unknown method, wrong arguments: `invalid-input`, nothing runs) and every failure comes
   * back as `{ code, message }` data with secrets taken out.
   */
  call(method: string, args: unknown): Promise<ApiResult<unknown>>;
  /** Stop pushing events. */
  close(): void;
}

const PENDING_STATUS: ProviderStatus[] = [];

/**
 * The TarmacApi implemented once over a host; Electron IPC and the browser-mode HTTP bridge both
 * carry exactly this. Provider-generic: each provider's own account flows do the work.
 */
export function createHostApi(host: Host, options: HostApiOptions): HostApi {
  const accounts = new Map<string, ProviderAccount>();
  const pending = new Map<string, AbortController>();
  let providers: ProviderStatus[] = PENDING_STATUS;
  let providersFresh: Promise<ProviderStatus[]> | null = null;
  let keychain: KeychainStatus = { state: 'ok', message: null };
  let closed = false;

  const emit = (event: TarmacEvent) => {
    if (!closed) options.emit?.(event);
  };

  // Client registration loads on the first Clients request: the window opens without it.
  let registrarLoad: Promise<ClientRegistrar> | null = null;
  const registrar = (): Promise<ClientRegistrar> =>
    (registrarLoad ??= import('./clients/registrar.js').then(({ createClientRegistrar }) =>
      createClientRegistrar({
        dataDir: host.dataDir,
        settings: host.settings,
        tokens: host.tokens,
        clients: host.clients,
        env: host.context.env,
        profiles: clientProfiles(host, 'person'),
        ...(options.clientLauncher ? { launcher: options.clientLauncher } : {}),
      }),
    ));
  /** The last list sent, once a window asked for it: only then do connections refresh it. */
  let clientsSent: string | null = null;
  const pushClients = async () => {
    const list = await (await registrar()).list();
    const text = JSON.stringify(list);
    if (text === clientsSent) return;
    clientsSent = text;
    emit({ type: 'clientsChanged', data: list });
  };
  // Every credential that can reach the endpoint; a token made or revoked can make a registration stale.
  const credentials = createCredentials(host, {
    emit: (data) => emit({ type: 'credentialsChanged', data }),
    onSetChanged: () => {
      if (clientsSent !== null) void pushClients().catch((err: unknown) => host.log.warn({ err: String(err) }, 'client list failed'));
    },
    ...(options.coalesceMs !== undefined ? { coalesceMs: options.coalesceMs } : {}),
  });
  const changeClients = async (action: ClientAction, input: ClientActionInput): Promise<ClientChange[]> => {
    const { runClientAction } = await import('./clients/registrar.js');
    try {
      const changes = await runClientAction(await registrar(), action, input);
      // The registrar masks Tarmac's tokens; another secret the host knows may be on a removed line.
      return changes.map((c) => ({ ...c, diff: host.redactor.text(c.diff) }));
    } finally {
      // Written or partly written: every window shows the files as they now are.
      if (!input.dryRun) {
        await pushClients().catch((err: unknown) => host.log.warn({ err: String(err) }, 'client list failed'));
        // Registering makes a token, removing revokes one.
        credentials.refresh();
      }
    }
  };

  /** One account's sign-in flows (absent account id: "default"). */
  const accountOf = (id: ProviderId, accountId = DEFAULT_ACCOUNT): ProviderAccount => {
    const key = `${id}\0${accountId}`;
    const known = accounts.get(key);
    if (known) return known;
    const root = host.provider(id);
    if (!root) throw new HostApiError('not-found', `There is no provider "${id}" in this Tarmac.`);
    const provider = root.forAccount?.(accountId) ?? root;
    if (!provider.account) throw new HostApiError('unsupported', `${provider.label} has nothing to sign in to.`);
    const account = provider.account({ openBrowser: options.openBrowser, emit: (data) => emit({ type: 'signIn', data }) });
    accounts.set(key, account);
    return account;
  };
  /** The account a name stands for: an existing one, or (for a sign-in) a new one saved once it works. */
  const planned = async (id: ProviderId, name: string | undefined) => {
    try {
      return planAccount(await host.settings.read(), id, name ?? DEFAULT_ACCOUNT);
    } catch (err) {
      throw new HostApiError('invalid-input', (err as Error).message);
    }
  };
  const existing = async (id: ProviderId, name: string | undefined) => {
    const found = findAccount(await host.settings.read(), id, name ?? DEFAULT_ACCOUNT);
    if (!found) throw new HostApiError('not-found', `There is no ${id} account "${name}".`);
    return found;
  };
  const pushAccounts = async () => {
    const view = await listAccounts(host);
    emit({ type: 'accounts', data: view });
    return view;
  };

  const withFix = (s: ProviderStatus): ProviderStatus =>
    s.fix || s.state === 'ready' ? s : { ...s, fix: { action: 'sign-in', label: `Sign in to ${s.label}` } };

  /** Provider statuses (each may run flyctl or call a server), one computation at a time. */
  const refreshProviders = (): Promise<ProviderStatus[]> => {
    providersFresh ??= (async () => {
      try {
        const [list, kc] = await Promise.all([host.status(), probeKeychain()]);
        keychain = kc;
        providers = list.map(withFix);
        return providers;
      } finally {
        providersFresh = null;
      }
    })();
    return providersFresh;
  };

  const probeKeychain = async (): Promise<KeychainStatus> => {
    try {
      await host.secrets.probe();
      return { state: 'ok', message: null };
    } catch (err) {
      if (err instanceof KeychainUnavailableError) return { state: 'unavailable', message: toApiError(err, host.redactor).message };
      throw err;
    }
  };

  const clientSessions = (): ClientSessions[] =>
    (host.endpoint?.clientActivity() ?? [])
      .map(({ lastRequestAt, ...rest }) => ({ ...rest, lastRequestAt: lastRequestAt === null ? null : new Date(lastRequestAt).toISOString() }))
      .sort((a, b) => a.client.localeCompare(b.client));

  const status = (): HostStatus => {
    const endpoint = host.endpoint;
    const warnings: string[] = [];
    if (keychain.state === 'unavailable' && keychain.message) warnings.push(keychain.message);
    return {
      version: TARMAC_VERSION,
      endpoint: endpoint
        ? { state: 'running', url: endpoint.url, tools: host.catalogue.offered, sessions: endpoint.sessionCount }
        : {
            state: host.endpointError ? 'error' : 'stopped',
            url: null,
            ...(host.endpointError ? { error: host.endpointError } : {}),
            tools: host.catalogue.offered,
            sessions: 0,
          },
      clients: clientSessions(),
      providers,
      keychain,
      warnings,
    };
  };

  // Host changes become one statusChanged event per burst (a client opening several sessions).
  let timer: NodeJS.Timeout | undefined;
  let providersDirty = false;
  let clientsDirty = false;
  const flush = async () => {
    timer = undefined;
    if (clientsDirty) {
      clientsDirty = false;
      // A client connected: its "last connected" may have moved.
      if (clientsSent !== null) await pushClients().catch((err: unknown) => host.log.warn({ err: String(err) }, 'client list failed'));
    }
    if (providersDirty) {
      providersDirty = false;
      // A look that started before the change may have seen the old state: wait it out, then look again.
      await (providersFresh ?? Promise.resolve()).catch(() => undefined);
      await refreshProviders().catch((err: unknown) => host.log.warn({ err: String(err) }, 'provider status failed'));
    }
    emit({ type: 'statusChanged', data: status() });
  };
  const schedule = () => {
    if (timer || closed) return;
    timer = setTimeout(() => void flush(), options.coalesceMs ?? 50);
    timer.unref();
  };
  // 'clients-active' (requests started or ended) only needs a fresh status.
  const stopWatching = host.onChange((what) => {
    if (what === 'providers' || what === 'settings') providersDirty = true;
    if (what === 'sessions' || what === 'endpoint') clientsDirty = true;
    schedule();
  });
  // Guardrails: every change (this window, the CLI, a hand edit) and every waiting call is pushed.
  const pushGuardrails = () =>
    void host.guardrails
      .view()
      .then((data) => emit({ type: 'guardrails', data }))
      .catch((err: unknown) => host.log.warn({ err: String(err) }, 'guardrails view failed'));
  // Profiles follow the guardrails (they are kept with them): a change anywhere is pushed.
  const pushProfiles = () =>
    void profilesView()
      .then((data) => emit({ type: 'profiles', data }))
      .catch((err: unknown) => host.log.warn({ err: String(err) }, 'profiles view failed'));
  const stopGuardrails = host.guardrails.onChange(() => {
    pushGuardrails();
    pushProfiles();
  });
  const stopApprovals = host.guardrails.approvals.onChange((change) => {
    // First what became of it, then the list without it: a window showing it can say why it went.
    if (change.type === 'settled') {
      const { approved, by, channel, waitedMs } = change.outcome;
      emit({ type: 'approvalSettled', data: { approval: change.approval, approved, by, channel, waitedMs } });
    }
    pushGuardrails();
    if (change.type !== 'added') return;
    const { id, client, title, tool } = change.approval;
    const answer = (a: 'allow-once' | 'deny') => () => {
      try {
        host.guardrails.approvals.decide(id, a, 'notification');
      } catch {
        // Decided elsewhere meanwhile.
      }
    };
    options.shell?.notify?.('A call is waiting for you', `${client} wants to run ${title} (${tool}). Approve or deny it in Tarmac.`, [
      { label: 'Approve once', run: answer('allow-once') },
      { label: 'Deny', run: answer('deny') },
    ]);
  });
  // The window (and the tray) can answer approvals while this API exists.
  const removeApprover = host.guardrails.approvals.addApprover('window');
  const profilesView = async () => buildProfilesView(host, (await host.clients.list().catch(() => [])).map((c) => c.name));
  const withProfiles = async (change: () => Promise<void>) => {
    await change();
    return profilesView();
  };
  const guarded = async (change: () => Promise<void>) => {
    await change();
    return host.guardrails.view();
  };
  // Every call, live: the Activity page and the tray follow these.
  const stopActivity = host.activityApi.onActivity((data) => emit({ type: 'activity', data }));
  // Export turned on or off, failing or working again: the Settings page shows it as it happens.
  const stopTelemetry = host.telemetry.onChange(
    () =>
      void host.settings
        .read()
        .then((s) => emit({ type: 'telemetry', data: telemetryView(host.telemetry, s, host.context.env) }))
        .catch(() => undefined),
  );

  const settings = async (): Promise<AppSettings> => {
    const s = await host.settings.read();
    return {
      port: host.endpoint?.port ?? s.port ?? DEFAULT_PORT,
      flyctlPath: s.flyctlPath ?? null,
      logLevel: s.logLevel ?? 'info',
      theme: s.theme ?? 'system',
      launchAtLogin: options.shell?.launchAtLogin ? options.shell.launchAtLogin.get() : null,
      paths: { data: host.dataDir, logs: join(host.dataDir, 'logs'), settings: host.settings.path },
      activityRetention: { maxCalls: s.activity?.maxCalls ?? DEFAULT_RETENTION.maxCalls, maxDays: s.activity?.maxDays ?? DEFAULT_RETENTION.maxDays },
    };
  };

  const afterSignIn = (id: ProviderId, ok: boolean) => {
    emit({ type: 'signIn', data: { kind: 'finished', provider: id, ok } });
    host.changed('providers');
  };

  // Provider statuses run flyctl and call servers: looked at once now, so the window's first
  // getStatus answers from them at once; later ones answer from the cache and look again behind
  // it, pushing statusChanged when something differs (stale-while-revalidate).
  let providersKnown = false;
  const revalidate = async (afresh = false) => {
    // A look already under way may have started before what this caller should see (a
    // client.yaml written meanwhile): wait it out, then look again, or the change goes unseen.
    if (afresh) await (providersFresh ?? Promise.resolve()).catch(() => undefined);
    const before = JSON.stringify(providers);
    await refreshProviders();
    providersKnown = true;
    if (JSON.stringify(providers) !== before) schedule();
  };
  void revalidate().catch((err: unknown) => host.log.warn({ err: String(err) }, 'provider status failed'));

  const api: TarmacApi = {
    async getStatus() {
      if (!providersKnown) await revalidate();
      void revalidate(true).catch((err: unknown) => host.log.warn({ err: String(err) }, 'provider status failed'));
      return status();
    },

    signInOptions: async (id, input, name) => accountOf(id, (await planned(id, name)).id).signInOptions(input),

    async signIn(id, method, input, name) {
      const target = await planned(id, name);
      const account = accountOf(id, target.id);
      for (const [key, value] of Object.entries(input)) {
        if (typeof value === 'string' && /token|password|secret/i.test(key)) host.redactor.addSecret(value);
      }
      // A new sign-in replaces one still waiting for the browser (and frees its callback port).
      pending.get(id)?.abort();
      const controller = new AbortController();
      pending.set(id, controller);
      try {
        const result = withFix(await account.signIn(method, input, controller.signal));
        if (target.isNew && result.state !== 'error') await saveAccount(host.settings, id, target);
        afterSignIn(id, true);
        void pushAccounts().catch(() => undefined);
        return result;
      } catch (err) {
        afterSignIn(id, false);
        throw err;
      } finally {
        if (pending.get(id) === controller) pending.delete(id);
      }
    },

    async cancelSignIn(id) {
      accountOf(id);
      pending.get(id)?.abort();
    },

    async signOut(id, name) {
      const account = accountOf(id, (await existing(id, name)).id);
      pending.get(id)?.abort();
      const result = withFix(await account.signOut());
      host.changed('providers');
      void pushAccounts().catch(() => undefined);
      return result;
    },

    listAccounts: () => listAccounts(host),

    async renameAccount(id, from, to) {
      if (!host.provider(id)) throw new HostApiError('not-found', `There is no provider "${id}" in this Tarmac.`);
      try {
        await renameAccount(host.settings, id, from, to);
      } catch (err) {
        throw new HostApiError('invalid-input', (err as Error).message);
      }
      return pushAccounts();
    },

    async setProfileAccount(profile, id, name) {
      await host.guardrails.setProfileAccount(profile, id, name, 'person');
      return pushAccounts();
    },

    async removeAccount(id, name) {
      let removed: string;
      try {
        removed = await removeAccount(host, id, name, (accountId) => {
          pending.get(id)?.abort();
          return accountOf(id, accountId);
        });
      } catch (err) {
        if (err instanceof SignInError) throw new HostApiError('invalid-input', err.message);
        throw err;
      }
      // Its sign-in flows go with it; a new account under the same name starts afresh.
      accounts.delete(`${id}\0${removed}`);
      host.changed('providers');
      return pushAccounts();
    },

    providerChoices: async (id, name) => accountOf(id, (await existing(id, name)).id).choices(),

    async setProviderChoice(id, choice, value, name) {
      const result = withFix(await accountOf(id, (await existing(id, name)).id).choose(choice, value));
      host.changed('providers');
      void pushAccounts().catch(() => undefined);
      return result;
    },

    async listClients(): Promise<ClientState[]> {
      const list = await (await registrar()).list();
      clientsSent = JSON.stringify(list);
      return list;
    },

    changeClients,

    async registerDetectedClients(dryRun) {
      const targets = (await (await registrar()).list()).filter((c) => c.detected && c.status === 'not-registered').map((c) => c.id);
      return targets.length ? changeClients('register', { clients: targets, dryRun }) : [];
    },

    listCredentials: () => credentials.list(),
    createToken: (name) => credentials.create(name),
    revokeCredential: (name) => credentials.revoke(name),

    getSettings: settings,

    async updateSettings(patch: SettingsPatch) {
      // A program Tarmac would run with the Fly token: it must be flyctl (checked with no token).
      if (patch.flyctlPath) await checkFlyctlProgram(patch.flyctlPath, host.context.env);
      if (patch.launchAtLogin !== undefined && !options.shell?.launchAtLogin) {
        throw new HostApiError('unsupported', 'Launching at login is set in the desktop app; browser mode cannot change it.');
      }
      // The port first: when it is busy nothing else of this change is saved either.
      if (patch.port !== undefined) await host.setPort(patch.port);
      const { port: _port, launchAtLogin, ...rest } = patch;
      if (Object.keys(rest).length) {
        // flyctlPath through the guardrails: it is kept with what the person confirmed.
        if (rest.flyctlPath !== undefined) await host.guardrails.setFlyctlPath(rest.flyctlPath?.trim() || null);
        await host.settings.update((s) => {
          const next = { ...s };
          if (rest.logLevel) next.logLevel = rest.logLevel;
          if (rest.theme) next.theme = rest.theme;
          if (rest.activityRetention) next.activity = { ...next.activity, ...rest.activityRetention };
          return next;
        });
      }
      // A smaller limit trims the oldest calls at once.
      if (rest.activityRetention) host.activity.setRetention(rest.activityRetention);
      if (rest.logLevel) host.setLogLevel(rest.logLevel);
      if (launchAtLogin !== undefined) options.shell?.launchAtLogin?.set(launchAtLogin);
      if (rest.flyctlPath !== undefined) host.provider('fly')?.reload?.();
      const next = await settings();
      emit({ type: 'settingsChanged', data: next });
      host.changed('settings');
      return next;
    },

    async openFolder(which) {
      const path = which === 'data' ? host.dataDir : join(host.dataDir, 'logs');
      if (!options.shell?.openPath) throw new HostApiError('unsupported', `Tarmac cannot open a file manager here; the folder is ${path}.`);
      await options.shell.openPath(path);
    },

    queryActivity: async (filter, cursor, limit, order) => host.activityApi.query(filter, cursor, limit, order),
    getCall: async (id) => host.activityApi.get(id),
    activityStats: async (range) => host.activityApi.stats(range),
    activityFacets: async () => host.activityApi.facets(),
    async exportActivity(filter, format) {
      if (!options.shell?.saveFile) throw new HostApiError('unsupported', 'Saving a file is done by the browser here: use the download link.');
      const name = `tarmac-activity-${new Date().toISOString().slice(0, 19).replace(/[:T]/g, '-')}.${format}`;
      const path = await options.shell.saveFile(name, host.activityApi.export(filter, format));
      return path === null ? null : { path };
    },
    async clearActivity() {
      host.activityApi.clear();
      emit({ type: 'activityCleared', data: {} });
    },
    // The log says the person cancelled it from the window.
    cancelCall: async (id) => host.activityApi.cancelCall(id, 'user'),

    getGuardrails: () => host.guardrails.view(),
    setPolicy: (target, policy, client) => guarded(() => host.guardrails.setPolicy(target, policy, client ?? undefined)),
    resetPolicies: () => guarded(() => host.guardrails.resetPolicies()),
    setGuardrails: (patch) =>
      guarded(async () => {
        if (patch.paused !== undefined) await host.guardrails.setPaused(patch.paused);
        if (patch.readOnly !== undefined) await host.guardrails.setReadOnly(patch.readOnly);
        if (patch.approvalTimeoutSeconds !== undefined) await host.guardrails.setApprovalTimeout(patch.approvalTimeoutSeconds);
      }),
    setToolEnabled: (tool, on) => guarded(() => host.guardrails.setToolEnabled(tool, on)),
    async decideApproval(id, answer) {
      host.guardrails.approvals.decide(id, answer, 'window');
    },
    setClientApprovals: (client, on) => guarded(() => host.guardrails.setClientApprovals(client, on)),
    confirmGuardrailChanges: (stamp) => guarded(() => host.guardrails.confirmChanges(stamp)),
    discardGuardrailChanges: () => guarded(() => host.guardrails.discardChanges()),
    acknowledgeTrustedWrite: () => guarded(() => host.guardrails.acknowledgeTrustedWrite()),

    getProfiles: () => profilesView(),
    setClientProfile: (client, profile) => withProfiles(() => host.guardrails.setClientProfile(client, profile, 'person')),
    saveProfile: (def) => withProfiles(() => host.guardrails.saveProfile(def, 'person')),
    deleteProfile: (name) => withProfiles(() => host.guardrails.deleteProfile(name, 'person')),
    resetClientToolsets: (client, toolset) => withProfiles(() => host.guardrails.resetToolsets(client, toolset ?? undefined)),

    getTelemetry: async () => telemetryView(host.telemetry, await host.settings.read(), host.context.env),
    async updateTelemetry(patch) {
      try {
        await applyTelemetryPatch(host.settings, host.secrets, patch);
      } catch (err) {
        if (err instanceof TelemetryInputError) throw new HostApiError('invalid-input', `${err.message} Nothing was changed.`);
        throw err;
      }
      await host.applyTelemetry();
      return telemetryView(host.telemetry, await host.settings.read(), host.context.env);
    },
  };

  return {
    api,
    async call(method, args) {
      try {
        if (!Object.hasOwn(API_ARGS, method)) throw new HostApiError('invalid-input', `There is no request "${method}".`);
        const m = method as ApiMethod;
        const parsed = API_ARGS[m].parse(args ?? []);
        const fn = api[m] as (...a: unknown[]) => Promise<unknown>;
        return { ok: true, value: await fn(...parsed) };
      } catch (err) {
        const error = toApiError(err, host.redactor);
        if (error.code === 'internal') host.log.error({ method, err: error.message }, 'API request failed');
        return { ok: false, error };
      }
    },
    close() {
      closed = true;
      clearTimeout(timer);
      stopWatching();
      stopActivity();
      stopTelemetry();
      credentials.close();
      stopGuardrails();
      stopApprovals();
      removeApprover();
      for (const controller of pending.values()) controller.abort();
    },
  };
}

