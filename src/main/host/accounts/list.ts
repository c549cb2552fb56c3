/** Every account of every back end, with its sign-in state and the profiles that use it. */
import type { AccountsView } from '../../../shared/api.js';
import { accountOf, allProfiles } from '../../../shared/profiles.js';
import type { Host } from '../index.js';
import { accountsIn } from './registry.js';

export async function listAccounts(host: Pick<Host, 'settings' | 'guardrails' | 'providers'>): Promise<AccountsView> {
  const settings = await host.settings.readFresh();
  const { state } = await host.guardrails.profiles();
  const profiles = allProfiles(state);
  const backends = await Promise.all(
    host.providers
      .filter((p) => p.account)
      .map(async (provider) => ({
        provider: provider.id,
        label: provider.label,
        accounts: await Promise.all(
          accountsIn(settings, provider.id).map(async (a) => {
            const one = provider.forAccount?.(a.id) ?? provider;
            const status = await one.status().catch((err: unknown) => ({ ...({} as object), id: provider.id, label: provider.label, state: 'error' as const, summary: err instanceof Error ? err.message : String(err), details: {}, warnings: [] }));
            return {
              id: a.id,
              name: a.name,
              state: status.state,
              summary: status.summary,
              profiles: profiles.filter((p) => accountOf(state, p.name, provider.id) === a.id).map((p) => p.name),
            };
          }),
        ),
      })),
  );
  return { backends };
}
