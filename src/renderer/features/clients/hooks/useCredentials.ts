import { useMutation, useQuery } from '@tanstack/react-query';
import { api } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';

/** Every credential that can reach the endpoint; the host pushes changes (credentialsChanged). */
export function useCredentials() {
  return useQuery({ queryKey: keys.credentials, queryFn: () => api.listCredentials() });
}

const refresh = () => void queryClient.invalidateQueries({ queryKey: keys.credentials });

/** The answer holds the token: reset() the mutation once the dialog closes, so it is not kept. */
export function useCreateToken() {
  return useMutation({ mutationFn: (name: string) => api.createToken(name), onSuccess: refresh });
}

export function useRevokeCredential() {
  return useMutation({ mutationFn: (name: string) => api.revokeCredential(name), onSettled: refresh });
}
