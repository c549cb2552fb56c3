import { useQuery } from '@tanstack/react-query';
import { api } from '../api.js';
import { keys } from '../app/query.js';

export function useHostStatus() {
  return useQuery({ queryKey: keys.status, queryFn: () => api.getStatus() });
}

export function useSettings() {
  return useQuery({ queryKey: keys.settings, queryFn: () => api.getSettings() });
}
