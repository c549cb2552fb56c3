import { createFlightctlProvider } from './flightctl/index.js';
import type { ProviderFactory } from './provider.js';

/** The back ends a normal Tarmac serves. */
export function defaultProviders(): ProviderFactory[] {
  return [createFlightctlProvider];
}
