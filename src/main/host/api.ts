import type { EndpointStatus, ProviderId, ProviderStatus, SignInEvent, TarmacApi } from '../../shared/api.js';
import type { OpenBrowser } from './accounts/browser.js';
import { createFlightctlAccounts, type FlightctlAccounts } from './accounts/flightctl.js';
import { FlyAccounts } from './accounts/fly.js';
import type { Host } from './index.js';
import { FlightctlProvider } from './providers/flightctl/index.js';

export interface HostApiOptions {
  /** How a sign-in shows the person a URL: Electron opens the system browser, headless prints it. */
  openBrowser: OpenBrowser;
  onSignInEvent?: (event: SignInEvent) => void;
}

export class ProviderUnavailableError extends Error {
  override readonly name = 'ProviderUnavailableError';
}

/**
 * The TarmacApi implemented once over a host; Electron IPC and the browser-mode HTTP bridge both
 * carry exactly this object.
 */
export function createHostApi(host: Host, options: HostApiOptions): TarmacApi {
  let fly: FlyAccounts | undefined;
  let flightctl: FlightctlAccounts | undefined;
  let flyBrowser: AbortController | null = null;

  const flyAccounts = (): FlyAccounts => {
    if (fly) return fly;
    const provider = host.provider('fly');
    if (!provider) throw new ProviderUnavailableError('The Fly.io provider is not enabled in this Tarmac.');
    return (fly = new FlyAccounts({ ctx: host.context, provider }));
  };
  const flightctlAccounts = (): FlightctlAccounts => {
    if (flightctl) return flightctl;
    const provider = host.provider('flightctl');
    if (!(provider instanceof FlightctlProvider)) throw new ProviderUnavailableError('The Flight Control provider is not enabled in this Tarmac.');
    return (flightctl = createFlightctlAccounts({
      ctx: host.context,
      provider,
      openBrowser: options.openBrowser,
      ...(options.onSignInEvent ? { onEvent: options.onSignInEvent } : {}),
    }));
  };

  return {
    async getStatus(): Promise<EndpointStatus> {
      const endpoint = host.endpoint;
      return endpoint
        ? { state: 'running', url: endpoint.url, tools: host.catalogue.size, sessions: endpoint.sessionCount }
        : { state: 'stopped', url: null, tools: host.catalogue.size, sessions: 0 };
    },
    getProviders: async () => host.status(),

    async signInFlyBrowser(): Promise<ProviderStatus> {
      flyBrowser?.abort();
      const controller = (flyBrowser = new AbortController());
      options.onSignInEvent?.({ kind: 'waiting', provider: 'fly', message: 'Finish signing in to Fly.io in the browser window flyctl opened.' });
      try {
        return await flyAccounts().signInWithBrowser(controller.signal);
      } finally {
        if (flyBrowser === controller) flyBrowser = null;
      }
    },
    signInFlyToken: async (token) => flyAccounts().signInWithToken(token),

    flightctlAuthInfo: async (connection) => flightctlAccounts().flightctlAuthInfo(connection),
    signInFlightctlBrowser: async (request) => flightctlAccounts().signInFlightctlBrowser(request),
    signInFlightctlPassword: async (request) => flightctlAccounts().signInFlightctlPassword(request),
    signInFlightctlToken: async (request) => flightctlAccounts().signInFlightctlToken(request),
    importFlightctlConfig: async (path) => flightctlAccounts().importFlightctlConfig(path),
    listFlightctlOrganizations: async () => flightctlAccounts().listFlightctlOrganizations(),
    chooseFlightctlOrganization: async (id) => flightctlAccounts().chooseFlightctlOrganization(id),

    async cancelSignIn(provider: ProviderId): Promise<void> {
      if (provider === 'fly') flyBrowser?.abort();
      else await flightctlAccounts().cancelSignIn();
    },
    signOut: async (provider: ProviderId) => (provider === 'fly' ? flyAccounts().signOut() : flightctlAccounts().signOut()),
  };
}
