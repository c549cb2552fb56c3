/**
 * The contract between the UI and the host. Both transports (Electron IPC, browser-mode HTTP)
 * carry exactly this: the method list below is the one definition the preload, the IPC handlers
 * and the HTTP routes are derived from, and the compiler checks it against TarmacApi.
 */
import type { ClientAction, ClientActionInput, ClientChange, ClientState } from './clients.js';
import type { CreatedToken, McpCredential } from './credentials.js';

import type { ApprovalAnswer, GuardrailsView, Policy, PolicyTarget, SettledApproval } from './policy.js';
import type { TelemetryPatch, TelemetryView } from './telemetry.js';
import type { ProfileDef, ProfilesView } from './profiles.js';
import type { ActivityEvent, ActivityFacets, ActivityFilter, ActivityOrder, ActivityPage, ActivityStats, ExportFormat, StatsRange, ToolCall } from './activity.js';

/** A back end's id in the provider registry ('fly', 'flightctl', ...). */
export type ProviderId = string;

/** The one thing that fixes a provider that is not ready, for the Overview's button. */
export interface ProviderFix {
  action: 'sign-in' | 'install-flyctl' | 'settings' | 'unlock-keychain';
  label: string;
}

/** What a back end says about itself, for the UI and `tarmac status`. Never contains a secret. */
/** One account of a back end, as the Accounts page and `tarmac accounts` show it. */
export interface AccountView {
  /** Stable: what profiles bind. */
  id: string;
  /** The name the person gave it ("default" for the account of the time before several). */
  name: string;
  state: ProviderStatus['state'];
  summary: string;
  /** Profiles whose calls to this back end use this account. */
  profiles: string[];
}

export interface AccountsView {
  backends: { provider: ProviderId; label: string; accounts: AccountView[] }[];
}

export interface ProviderStatus {
  id: string;
  label: string;
  /** ready: tools can run; signed-out: needs sign-in; unconfigured: nothing set up; error: broken. */
  state: 'ready' | 'signed-out' | 'unconfigured' | 'error';
  /** One line for a person, e.g. "signed in as ana@example.com (keychain token)". */
  summary: string;
  /** Named facts (path, version, account, token source, server, org, expiry...). */
  details: Record<string, string | null>;
  warnings: string[];
  /** Set when the state is not ready and one action fixes it. */
  fix?: ProviderFix;
}

export interface EndpointStatus {
  state: 'starting' | 'running' | 'stopped' | 'error';
  url: string | null;
  error?: string;
  tools: number;
  sessions: number;
}

/** One MCP client (named after its credential) as the endpoint sees it now. */
export interface ClientSessions {
  client: string;
  /** Open 2025-era sessions; an idle one stays open up to 30 minutes, so this alone says little. */
  sessions: number;
  /** Its requests being answered now (a tool call in flight, one waiting for approval). */
  inFlight: number;
  /** Streams it holds open to hear of changes: connected, not busy. */
  streams: number;
  /** When it last asked for something (ISO time), since Tarmac started; null when it has not. */
  lastRequestAt: string | null;
}

/** A client with a request this recent, or one in flight, is "active now" on the Overview. */
export const ACTIVE_WINDOW_MS = 5 * 60_000;

/**
 * Where a client stands now: active (a request in flight or within ACTIVE_WINDOW_MS), listening
 * (only a stream open), or idle (its sessions, if any, wait unused).
 */
export function clientActivity(client: ClientSessions, now: number): 'active' | 'listening' | 'idle' {
  if (client.inFlight > 0 || (client.lastRequestAt !== null && now - Date.parse(client.lastRequestAt) < ACTIVE_WINDOW_MS)) return 'active';
  return client.streams > 0 ? 'listening' : 'idle';
}

export interface KeychainStatus {
  state: 'ok' | 'unavailable';
  /** What to do about it, when unavailable. */
  message: string | null;
}

/** Everything the Overview shows, in one answer and one event. */
export interface HostStatus {
  version: string;
  endpoint: EndpointStatus;
  clients: ClientSessions[];
  providers: ProviderStatus[];
  keychain: KeychainStatus;
  warnings: string[];
}

// ---------------------------------------------------------------------------------------------
// Sign-in, described by each provider so the UI renders it without knowing the provider.

export interface FieldOption {
  value: string;
  label: string;
}

export interface SignInField {
  name: string;
  label: string;
  /** secret: masked and never echoed back; path: a local file; boolean: a checkbox. */
  kind: 'text' | 'url' | 'secret' | 'path' | 'boolean' | 'select';
  required?: boolean;
  placeholder?: string;
  help?: string;
  /** Shown next to a boolean that weakens security (skip TLS verification). */
  warning?: string;
  options?: FieldOption[];
  /** Pre-filled value (never a secret). */
  value?: string | boolean;
  /** Lets a password manager fill it ("username", "current-password", "url"). */
  autocomplete?: string;
}

export interface SignInMethod {
  id: string;
  label: string;
  description: string;
  fields: SignInField[];
  submitLabel: string;
  /** The method waits on the person in a browser: the UI shows progress and Cancel. */
  waitsForBrowser: boolean;
  /** Another way in rather than a way to sign in (importing flightctl's login): offered below the sign-in, not as one of its tabs. */
  secondary?: boolean;
}

export interface SignInOptions {
  /** Fields that must be filled before the methods are known (Flight Control's server), or null. */
  connect: SignInField[] | null;
  methods: SignInMethod[];
  /** Facts about the choice (e.g. "the server has authentication off"). */
  notes: string[];
}

/** What a form sends: field name -> value. Secrets travel only here, never in events or errors. */
export type SignInInput = Record<string, string | boolean>;

/**
 * A setting of a signed-in account the person picks from a list (Flight Control's organization),
 * or, readOnly, a list that is only shown (Fly.io's organizations: flyctl takes one per command).
 */
export interface ProviderChoice {
  id: string;
  label: string;
  current: string | null;
  options: FieldOption[];
  readOnly?: boolean;
  /** One line on what the list is for. */
  help?: string;
}

/** Where a sign-in stands; the UI shows the URL as a fallback when no browser opened. */
export type SignInEvent =
  | { kind: 'browser-opened'; provider: ProviderId; url: string }
  | { kind: 'waiting'; provider: ProviderId; message: string }
  | { kind: 'finished'; provider: ProviderId; ok: boolean };

// ---------------------------------------------------------------------------------------------
// Settings the window edits.

export type Theme = 'system' | 'light' | 'dark';
export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export interface AppSettings {
  port: number;
  flyctlPath: string | null;
  logLevel: LogLevel;
  theme: Theme;
  /** null where the platform (or browser mode) cannot launch Tarmac at login. */
  launchAtLogin: boolean | null;
  /** Where things are, for the person to find them. */
  paths: { data: string; logs: string; settings: string };
  /** How much tool-call history is kept: the newest maxCalls calls, none older than maxDays. */
  activityRetention: { maxCalls: number; maxDays: number };
}

export type SettingsPatch = Partial<Pick<AppSettings, 'port' | 'flyctlPath' | 'logLevel' | 'theme' | 'activityRetention'>> & { launchAtLogin?: boolean };

// ---------------------------------------------------------------------------------------------
// Errors cross every transport as data.

export type ApiErrorCode =
  | 'cancelled'
  | 'timeout'
  | 'port-busy'
  | 'keychain-unavailable'
  | 'invalid-token'
  | 'unreachable'
  | 'invalid-input'
  | 'not-found'
  | 'unsupported'
  | 'denied'
  | 'flyctl-missing'
  | 'settings-corrupt'
  | 'config-corrupt'
  | 'conflict'
  | 'internal';

export interface ApiErrorData {
  code: ApiErrorCode;
  /** One paragraph for a person: what happened and what to do next. Never a secret or a stack. */
  message: string;
}

/** What a transport carries back for every request. */
export type ApiResult<T> = { ok: true; value: T } | { ok: false; error: ApiErrorData };

/** Thrown on the UI side for an error answer, so callers branch on `code`. */
export class ApiError extends Error implements ApiErrorData {
  override readonly name = 'ApiError';
  readonly code: ApiErrorCode;
  constructor(data: ApiErrorData) {
    super(data.message);
    this.code = data.code;
  }
}

// ---------------------------------------------------------------------------------------------
// Requests.

export interface TarmacApi {
  getStatus(): Promise<HostStatus>;

  /** How this provider can be signed in to; `input` carries the connect fields once filled. */
  signInOptions(provider: ProviderId, input: SignInInput, account?: string): Promise<SignInOptions>;
  /** `account`: the name of the account to sign in (a new name adds it once the sign-in works); absent: "default". */
  signIn(provider: ProviderId, method: string, input: SignInInput, account?: string): Promise<ProviderStatus>;
  /** Stop a sign-in that is still waiting (its browser listener closes; nothing is saved). */
  cancelSignIn(provider: ProviderId): Promise<void>;
  /** Forget Tarmac's copy of the provider's credentials (flyctl's own login stays). */
  signOut(provider: ProviderId, account?: string): Promise<ProviderStatus>;
  /** Every account of every back end: its state and the profiles that use it. */
  listAccounts(): Promise<AccountsView>;
  /** Give an account another name (profiles keep using it). */
  renameAccount(provider: ProviderId, account: string, name: string): Promise<AccountsView>;
  /** The account a profile's calls to a back end use (a person's change: the window only). */
  setProfileAccount(profile: string, provider: ProviderId, account: string): Promise<AccountsView>;
  /** Sign a named account out and forget it ("default" stays; an account a profile uses stays until rebound). */
  removeAccount(provider: ProviderId, account: string): Promise<AccountsView>;
  /** Lists to pick from once signed in (Flight Control's organizations), of one account (absent: "default"). */
  providerChoices(provider: ProviderId, account?: string): Promise<ProviderChoice[]>;
  setProviderChoice(provider: ProviderId, choice: string, value: string, account?: string): Promise<ProviderStatus>;

  /** Every AI client Tarmac can register in: detected, status (with the stale reason), last connected, snippet. */
  listClients(): Promise<ClientState[]>;
  /** Register, remove or repair clients; with `dryRun` the exact diff per file and nothing written. */
  changeClients(action: ClientAction, input: ClientActionInput): Promise<ClientChange[]>;
  /** Register every detected client that is not registered yet (same dry-run rule). */
  registerDetectedClients(dryRun: boolean): Promise<ClientChange[]>;

  /** Every credential that can reach the endpoint, static tokens and OAuth clients together, by name. */
  listCredentials(): Promise<McpCredential[]>;
  /**
   * A static token for a new client name; the answer is the only place its value appears.
   * `conflict` when a client of either kind has the name already (nothing is replaced).
   */
  createToken(name: string): Promise<CreatedToken>;
  /** Revoke a client of either kind: its requests are refused from the next one on, its sessions close. */
  revokeCredential(name: string): Promise<void>;

  getSettings(): Promise<AppSettings>;
  /** A new port restarts the endpoint; a busy port is an error and the old port keeps serving. */
  updateSettings(patch: SettingsPatch): Promise<AppSettings>;
  /** Show the data or log folder in the OS file manager. */
  openFolder(which: 'data' | 'logs'): Promise<void>;

  /**
   * Recorded tool calls, newest first unless `order` sorts them by another column; pass the
   * page's `next` as `cursor` (with the same filter and order) for the following page.
   */
  queryActivity(filter: ActivityFilter, cursor: string | null, limit: number, order?: ActivityOrder): Promise<ActivityPage>;
  getCall(id: string): Promise<ToolCall | null>;
  activityStats(range: StatsRange): Promise<ActivityStats>;
  /** Every client, provider and tool the history names (the Activity filters' choices). */
  activityFacets(): Promise<ActivityFacets>;
  /**
   * Save the filtered calls to a file the person picks (desktop); null when they cancelled. Browser
   * mode downloads from `api/export` instead, so this answers `unsupported` there.
   */
  exportActivity(filter: ActivityFilter, format: ExportFormat): Promise<{ path: string } | null>;
  /** Forget the history (the JSONL audit files stay). */
  clearActivity(): Promise<void>;
  /** Stop a running call; the client gets a cancelled result. False when it is no longer running. */
  cancelCall(id: string): Promise<boolean>;

  /** Guardrails: every tool's policy and the rule behind it, the switches, the calls waiting. */
  getGuardrails(): Promise<GuardrailsView>;
  /** Set a rule (null removes it), for every client or for one. */
  setPolicy(target: PolicyTarget, policy: Policy | null, client: string | null): Promise<GuardrailsView>;
  /** Every rule back to the class defaults. */
  resetPolicies(): Promise<GuardrailsView>;
  setGuardrails(patch: GuardrailsPatch): Promise<GuardrailsView>;
  /** Turn a tool off (it leaves tools/list) or on again. */
  setToolEnabled(tool: string, on: boolean): Promise<GuardrailsView>;
  /** A person's answer to a waiting call; `not-found` when it was settled already. */
  decideApproval(id: string, answer: ApprovalAnswer): Promise<void>;
  /** Let one client's own UI answer approvals (allow once only), or stop it. */
  setClientApprovals(client: string, on: boolean): Promise<GuardrailsView>;
  /**
   * Bring changes made outside Tarmac that loosen protection into force: those the person was
   * shown (`stamp`: the view's unconfirmedStamp); `conflict` when the file changed since.
   */
  confirmGuardrailChanges(stamp: string): Promise<GuardrailsView>;
  /** Undo those changes: settings.json goes back to what was confirmed. */
  discardGuardrailChanges(): Promise<GuardrailsView>;
  /** The person looked at guardrails a --trust-terminal Tarmac set: the notice goes away. */
  acknowledgeTrustedWrite(): Promise<GuardrailsView>;

  /** Profiles: each one's tools and token cost, and each client's profile and enabled toolsets. */
  getProfiles(): Promise<ProfilesView>;
  /** Give a client a profile: wider bounds need this window (a person); narrower apply at once. */
  setClientProfile(client: string, profile: string): Promise<ProfilesView>;
  /** Create or replace a profile of the person's own (widening one that clients have needs this window). */
  saveProfile(def: ProfileDef): Promise<ProfilesView>;
  /** Delete a profile of the person's own that no client has. */
  deleteProfile(name: string): Promise<ProfilesView>;
  /** Undo toolsets a client's agent enabled through discovery (one, or all with null). */
  resetClientToolsets(client: string, toolset: string | null): Promise<ProfilesView>;

  /** OpenTelemetry export: the settings (header names only), what happens now, and OTEL_* variables in force. */
  getTelemetry(): Promise<TelemetryView>;
  /** Change export; header values go to the keychain. Applied at once, no restart. */
  updateTelemetry(patch: TelemetryPatch): Promise<TelemetryView>;
}

export interface GuardrailsPatch {
  readOnly?: boolean;
  paused?: boolean;
  approvalTimeoutSeconds?: number;
}

export type ApiMethod = keyof TarmacApi;

/** Every request of the API by name: the preload and the HTTP routes bridge exactly these. */
export const API_METHODS = [
  'getStatus',
  'signInOptions',
  'signIn',
  'cancelSignIn',
  'signOut',
  'listAccounts',
  'renameAccount',
  'setProfileAccount',
  'removeAccount',
  'providerChoices',
  'setProviderChoice',
  'listClients',
  'changeClients',
  'registerDetectedClients',
  'listCredentials',
  'createToken',
  'revokeCredential',
  'getSettings',
  'updateSettings',
  'openFolder',
  'queryActivity',
  'getCall',
  'activityStats',
  'activityFacets',
  'exportActivity',
  'clearActivity',
  'cancelCall',
  'getGuardrails',
  'setPolicy',
  'resetPolicies',
  'setGuardrails',
  'setToolEnabled',
  'decideApproval',
  'setClientApprovals',
  'confirmGuardrailChanges',
  'discardGuardrailChanges',
  'acknowledgeTrustedWrite',
  'getProfiles',
  'setClientProfile',
  'saveProfile',
  'deleteProfile',
  'resetClientToolsets',
  'getTelemetry',
  'updateTelemetry',
] as const satisfies readonly ApiMethod[];

// The list above names every method of TarmacApi: the compiler fails here when one is missing.
type Unlisted = Exclude<ApiMethod, (typeof API_METHODS)[number]>;
export const API_METHODS_COMPLETE: [Unlisted] extends [never] ? true : Unlisted = true;

export type ApiArgs<M extends ApiMethod> = Parameters<TarmacApi[M]>;
export type ApiReturn<M extends ApiMethod> = Awaited<ReturnType<TarmacApi[M]>>;

/** The transports' raw shape: each request answers an ApiResult instead of throwing. */
export type TarmacBridge = { [M in ApiMethod]: (...args: ApiArgs<M>) => Promise<ApiResult<ApiReturn<M>>> };

/** The IPC channel of a request. */
export const ipcChannel = (method: ApiMethod): string => `tarmac:${method}`;

// ---------------------------------------------------------------------------------------------
// Events the host pushes unasked.

export interface TarmacEventMap {
  statusChanged: HostStatus;
  /** A client was registered, removed or repaired, or connected (its last connection changed). */
  clientsChanged: ClientState[];
  /** A credential was created or revoked (here or by `tarmac token` elsewhere), or one was used or connected. */
  credentialsChanged: McpCredential[];
  signIn: SignInEvent;
  settingsChanged: AppSettings;
  /** A tool call started or finished (its record, already redacted). */
  activity: ActivityEvent;
  /** The history was cleared. */
  activityCleared: Record<string, never>;
  /** A policy, a switch or the calls waiting for a person changed. */
  guardrails: GuardrailsView;
  /** A profile, a client's profile or a toolset its agent enabled changed. */
  profiles: ProfilesView;
  /** An account was signed in or out, added, renamed, or a profile bound to another. */
  accounts: AccountsView;
  /** Telemetry export was turned on or off, or started or stopped failing. */
  telemetry: TelemetryView;
  /** A waiting call was settled (answered anywhere, timed out, withdrawn); sent before the guardrails event that drops it. */
  approvalSettled: SettledApproval;
}

export type TarmacEvent = { [K in keyof TarmacEventMap]: { type: K; data: TarmacEventMap[K] } }[keyof TarmacEventMap];

/** The window's side of those pushes; the Electron preload exposes it next to the bridge. */
export interface TarmacEvents {
  /** Calls the listener for every event until the returned function is called. */
  onEvent(listener: (event: TarmacEvent) => void): () => void;
}

/** The IPC channel the host sends TarmacEvents on. */
export const EVENT_CHANNEL = 'tarmac:event';

/**
 * A bridge from one send function: every method of the list, each forwarding its name and
 * arguments. The transports (preload, HTTP) build theirs with this, so neither names methods.
 */
export function makeBridge(send: (method: ApiMethod, args: unknown[]) => Promise<ApiResult<unknown>>): TarmacBridge {
  const bridge: Record<string, (...args: unknown[]) => Promise<ApiResult<unknown>>> = {};
  for (const method of API_METHODS) bridge[method] = (...args: unknown[]) => send(method, args);
  // Each entry forwards exactly its own method, so the typed view is the same object.
  return bridge as TarmacBridge;
}

/** The API as callers use it: an error answer becomes a thrown ApiError. */
export function unwrapBridge(bridge: TarmacBridge): TarmacApi {
  const api: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const method of API_METHODS) {
    const fn = bridge[method] as (...args: unknown[]) => Promise<ApiResult<unknown>>;
    api[method] = async (...args: unknown[]) => {
      const result = await fn(...args);
      if (!result.ok) throw new ApiError(result.error);
      return result.value;
    };
  }
  return api as unknown as TarmacApi;
}
