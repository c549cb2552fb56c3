/** The contract between the UI and the host. Both transports (Electron IPC, browser HTTP) carry exactly this. */

export type ProviderId = 'fly' | 'flightctl';

/** What a back end says about itself, for the UI and `tarmac status`. Never contains a secret. */
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
}

export interface EndpointStatus {
  state: 'starting' | 'running' | 'stopped' | 'error';
  url: string | null;
  error?: string;
  tools: number;
  sessions: number;
}

/** One way to sign in to a Flight Control server, from its /api/v1/auth/config. */
export interface FlightctlAuthProvider {
  name: string;
  /** oidc | oauth2 | k8s | aap | openshift ... as the server names it. */
  type: string;
  displayName: string | null;
  /** Which sign-in methods Tarmac can offer for it. */
  methods: Array<'browser' | 'password' | 'token'>;
}

export interface FlightctlAuthInfo {
  apiUrl: string;
  /** false when the server answered 418: no sign-in needed. */
  authEnabled: boolean;
  providers: FlightctlAuthProvider[];
  defaultProvider: string | null;
  organizationsEnabled: boolean | null;
}

export interface FlightctlConnection {
  apiUrl: string;
  insecureSkipVerify?: boolean;
  caCertPath?: string;
}

export interface FlightctlOrganization {
  id: string;
  displayName: string | null;
}

/** Where a sign-in stands; the UI shows the URL as a fallback when no browser opened. */
export type SignInEvent =
  | { kind: 'browser-opened'; provider: ProviderId; url: string }
  | { kind: 'waiting'; provider: ProviderId; message: string };

export interface TarmacApi {
  getStatus(): Promise<EndpointStatus>;
  getProviders(): Promise<ProviderStatus[]>;

  /** Fly: run `flyctl auth login` in the browser, then keep the token it saved. */
  signInFlyBrowser(): Promise<ProviderStatus>;
  /** Fly: a pasted token (personal, org-scoped or read-only), verified before it is stored. */
  signInFlyToken(token: string): Promise<ProviderStatus>;

  flightctlAuthInfo(connection: FlightctlConnection): Promise<FlightctlAuthInfo>;
  signInFlightctlBrowser(request: FlightctlConnection & { provider?: string; callbackPort?: number }): Promise<ProviderStatus>;
  signInFlightctlPassword(request: FlightctlConnection & { provider?: string; username: string; password: string }): Promise<ProviderStatus>;
  signInFlightctlToken(request: FlightctlConnection & { token: string }): Promise<ProviderStatus>;
  /** Take over the login of flightctl's own client.yaml (the OS path when none is given). */
  importFlightctlConfig(path?: string): Promise<ProviderStatus>;
  listFlightctlOrganizations(): Promise<FlightctlOrganization[]>;
  chooseFlightctlOrganization(id: string): Promise<ProviderStatus>;

  /** Stop a browser sign-in that is still waiting (its callback listener closes; nothing is saved). */
  cancelSignIn(provider: ProviderId): Promise<void>;

  /** Forget Tarmac's copy of the provider's credentials (flyctl's own login stays). */
  signOut(provider: ProviderId): Promise<ProviderStatus>;
}

/** Every request of the API by name: the preload bridges exactly these, nothing else. */
export const API_METHODS = [
  'getStatus',
  'getProviders',
  'signInFlyBrowser',
  'signInFlyToken',
  'flightctlAuthInfo',
  'signInFlightctlBrowser',
  'signInFlightctlPassword',
  'signInFlightctlToken',
  'importFlightctlConfig',
  'listFlightctlOrganizations',
  'chooseFlightctlOrganization',
  'cancelSignIn',
  'signOut',
] as const satisfies ReadonlyArray<keyof TarmacApi>;

export type ApiMethod = (typeof API_METHODS)[number];

/** The IPC channel of a request. */
export const ipcChannel = (method: ApiMethod): string => `tarmac:${method}`;

/** What the host pushes to the window unasked, on EVENT_CHANNEL (today: sign-in progress). */
export type TarmacEvent = SignInEvent;

/** The window's side of those pushes; the Electron preload exposes it next to the TarmacApi. */
export interface TarmacEvents {
  /** Calls the listener for every event until the returned function is called. */
  onEvent(listener: (event: TarmacEvent) => void): () => void;
}

/** The IPC channel the host sends TarmacEvents on. */
export const EVENT_CHANNEL = 'tarmac:event';
