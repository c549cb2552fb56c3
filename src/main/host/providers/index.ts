import { createFlightctlProvider } from './flightctl/index.js';
import { createFlyProvider } from './fly/index.js';
import type { ProviderFactory } from './provider.js';

/** The back ends a normal Tarmac serves. */
export function defaultProviders(): ProviderFactory[] {
  return [createFlyProvider, createFlightctlProvider];
}
