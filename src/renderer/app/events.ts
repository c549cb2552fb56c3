import { useEffect, useSyncExternalStore } from 'react';
import type { HostStatus, SignInEvent } from '../../shared/api.js';
import type { SettledApproval } from '../../shared/policy.js';
import { onHostEvent } from '../api.js';
import { keys, queryClient } from './query.js';

/** Sign-in progress per provider, as the host reports it (cleared when a sign-in finishes). */
const progress = new Map<string, SignInEvent[]>();
const subscribers = new Set<() => void>();
let snapshot = new Map(progress);

function publish() {
  snapshot = new Map(progress);
  for (const s of subscribers) s();
}

/** Forget a provider's progress (a new sign-in starts). */
export function resetSignInProgress(provider: string) {
  progress.delete(provider);
  publish();
}

export function useSignInProgress(provider: string): SignInEvent[] {
  const all = useSyncExternalStore(
    (cb) => {
      subscribers.add(cb);
      return () => subscribers.delete(cb);
    },
    () => snapshot,
  );
  return all.get(provider) ?? [];
}

/** What became of the calls that waited for a person, newest kept, so a dialog showing one can say. */
const settled = new Map<string, SettledApproval>();
const settledSubscribers = new Set<() => void>();
let settledSnapshot: ReadonlyMap<string, SettledApproval> = new Map();
const SETTLED_KEPT = 50;

function noteSettled(data: SettledApproval) {
  settled.set(data.approval.id, data);
  if (settled.size > SETTLED_KEPT) settled.delete(settled.keys().next().value as string);
  settledSnapshot = new Map(settled);
  for (const s of settledSubscribers) s();
}

export function useSettledApprovals(): ReadonlyMap<string, SettledApproval> {
  return useSyncExternalStore(
    (cb) => {
      settledSubscribers.add(cb);
      return () => settledSubscribers.delete(cb);
    },
    () => settledSnapshot,
  );
}

/** Host events into the query cache: the only way host state changes on screen after the first load. */
export function useHostEvents() {
  useEffect(
    () =>
      onHostEvent((event) => {
        switch (event.type) {
          case 'statusChanged': {
            const before = queryClient.getQueryData<HostStatus>(keys.status);
            queryClient.setQueryData(keys.status, event.data);
            // A provider's sign-in state changed: its choices (organizations) may have too. Not
            // when only clients' activity moved (that is told every few seconds while they work).
            if (JSON.stringify(before?.providers) !== JSON.stringify(event.data.providers)) {
              void queryClient.invalidateQueries({ queryKey: ['choices'] });
              void queryClient.invalidateQueries({ queryKey: keys.accounts });
            }
            break;
          }
          case 'clientsChanged':
            queryClient.setQueryData(keys.clients, event.data);
            break;
          case 'credentialsChanged':
            queryClient.setQueryData(keys.credentials, event.data);
            break;
          case 'settingsChanged':
            queryClient.setQueryData(keys.settings, event.data);
            break;
          case 'guardrails':
            queryClient.setQueryData(keys.guardrails, event.data);
            break;
          case 'telemetry':
            queryClient.setQueryData(keys.telemetry, event.data);
            break;
          case 'profiles':
            queryClient.setQueryData(keys.profiles, event.data);
            // Which profiles use each account.
            void queryClient.invalidateQueries({ queryKey: keys.accounts });
            break;
          case 'accounts':
            queryClient.setQueryData(keys.accounts, event.data);
            break;
          case 'approvalSettled':
            noteSettled(event.data);
            break;
          case 'signIn': {
            const p = event.data.provider;
            if (event.data.kind === 'finished') progress.delete(p);
            else progress.set(p, [...(progress.get(p) ?? []), event.data]);
            publish();
            break;
          }
        }
      }),
    [],
  );
}
