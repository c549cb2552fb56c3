import { profileNamed, profileOf, type ProfilesView } from '../../shared/profiles.js';
import { listCost } from '../../shared/tool-cost.js';
import type { ClientProfiles } from './clients/registrar.js';
import { ProfileError, type Actor } from './guardrails/guardrails.js';
import type { Host } from './index.js';

/** Profiles as client registration uses them, with the authority of whoever registers. */
export function clientProfiles(host: Pick<Host, 'guardrails'>, actor: Actor): ClientProfiles {
  return {
    async check(profile) {
      const { state } = await host.guardrails.profiles();
      if (!profileNamed(state, profile)) throw new ProfileError(`There is no profile "${profile}": \`tarmac profile list\` shows them.`);
    },
    set: (client, profile) => host.guardrails.setClientProfile(client, profile, actor),
  };
}

/** Every profile with its cost, and every known client's profile and enabled toolsets (the window's view). */
export async function buildProfilesView(host: Pick<Host, 'guardrails'>, clientNames: readonly string[]): Promise<ProfilesView> {
  const g = host.guardrails;
  const state = await g.state();
  const summaries = await g.profileSummaries(clientNames);
  const known = [...new Set([...clientNames, ...Object.keys(state.profiles?.clients ?? {})])].sort();
  const clients = await Promise.all(
    known.map(async (client) => {
      const listing = await g.listing(client, state);
      return {
        client,
        profile: profileOf(state.profiles ?? { defs: {}, clients: {} }, client),
        enabledToolsets: [...(state.enabledToolsets?.[client] ?? [])],
        listed: listing.listed.size + (listing.discovery ? 3 : 0),
        tokens: listCost(listing.listed, listing.discovery),
      };
    }),
  );
  return {
    profiles: summaries.map((p) => ({
      name: p.def.name,
      def: p.def,
      description: p.def.description,
      shipped: p.shipped,
      bounds: p.bounds,
      start: p.start,
      discovery: p.def.start.discovery === true,
      readOnly: p.def.bounds.readOnly === true,
      tokens: listCost(p.start, p.def.start.discovery === true),
      clients: p.clients,
    })),
    clients,
  };
}
