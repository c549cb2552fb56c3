import { useMutation, useQuery } from '@tanstack/react-query';
import type { ProfileDef, ProfilesView } from '../../../shared/profiles.js';
import { api } from '../../api.js';
import { keys, queryClient } from '../../app/query.js';

/** Profiles and each client's: loaded once, then kept current by the host's `profiles` events. */
export function useProfiles() {
  return useQuery({ queryKey: keys.profiles, queryFn: () => api.getProfiles() });
}

const store = (view: ProfilesView) => queryClient.setQueryData(keys.profiles, view);

export function useSetClientProfile() {
  return useMutation({ mutationFn: ({ client, profile }: { client: string; profile: string }) => api.setClientProfile(client, profile), onSuccess: store });
}

export function useSaveProfile() {
  return useMutation({ mutationFn: (def: ProfileDef) => api.saveProfile(def), onSuccess: store });
}

export function useDeleteProfile() {
  return useMutation({ mutationFn: (name: string) => api.deleteProfile(name), onSuccess: store });
}

export function useResetToolsets() {
  return useMutation({ mutationFn: ({ client, toolset }: { client: string; toolset: string | null }) => api.resetClientToolsets(client, toolset), onSuccess: store });
}

/** "5,588 tokens" */
export function tokensText(n: number): string {
  return `${n.toLocaleString('en-US')} tokens`;
}
