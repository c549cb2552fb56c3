import { profileNamed } from '../../shared/profiles.js';
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
