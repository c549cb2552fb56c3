import { QueryClient, queryOptions } from '@tanstack/react-query';
import { ApiError } from '../../shared/api.js';
import { api } from '../api.js';

/**
 * Host state lives here. It never goes stale on a timer: the host pushes changes as events
 * (app/events.ts writes them into this cache), so nothing polls and nothing refetches on focus.
 */
export const queryClient = new QueryClient({
  defaultOptions: {
    queries: {
      staleTime: Infinity,
      refetchOnWindowFocus: false,
      refetchOnReconnect: false,
      // A cancelled or refused request is an answer, not a network hiccup.
      retry: (count, error) => !(error instanceof ApiError) && count < 2,
    },
    mutations: { retry: false },
  },
});

export const keys = {
  status: ['status'] as const,
  settings: ['settings'] as const,
  guardrails: ['guardrails'] as const,
  clients: ['clients'] as const,
  credentials: ['credentials'] as const,
  telemetry: ['telemetry'] as const,
  profiles: ['profiles'] as const,
  accounts: ['accounts'] as const,
  signInOptions: (provider: string, connect: string) => ['signInOptions', provider, connect] as const,
  choices: (provider: string) => ['choices', provider] as const,
};

/** The queries every page's first paint needs (the shell's state bar, the theme, the Overview). */
export const firstPaint = {
  status: queryOptions({ queryKey: keys.status, queryFn: () => api.getStatus() }),
  settings: queryOptions({ queryKey: keys.settings, queryFn: () => api.getSettings() }),
  guardrails: queryOptions({ queryKey: keys.guardrails, queryFn: () => api.getGuardrails() }),
};

/**
 * Ask the host for first-paint state before React renders, not from the first render's effects:
 * the requests then travel while the shell renders instead of after it (bench:ui, endpoint URL).
 */
export function prefetchFirstPaint(): void {
  void queryClient.prefetchQuery(firstPaint.status);
  void queryClient.prefetchQuery(firstPaint.settings);
  void queryClient.prefetchQuery(firstPaint.guardrails);
}
