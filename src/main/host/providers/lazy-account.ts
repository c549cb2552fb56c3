import type { ProviderAccount } from './provider.js';

/**
 * A provider's account flows, loaded on first use: sign-in pulls in openid-client, yaml and the
 * browser listener, which `tarmac status` and the MCP endpoint never need.
 */
export function lazyAccount(load: () => Promise<ProviderAccount>): ProviderAccount {
  let loading: Promise<ProviderAccount> | null = null;
  const account = () => (loading ??= load());
  return {
    signInOptions: async (input, signal) => (await account()).signInOptions(input, signal),
    signIn: async (method, input, signal) => (await account()).signIn(method, input, signal),
    signOut: async () => (await account()).signOut(),
    choices: async (signal) => (await account()).choices(signal),
    choose: async (choice, value, signal) => (await account()).choose(choice, value, signal),
  };
}
