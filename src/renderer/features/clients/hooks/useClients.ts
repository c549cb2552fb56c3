import { useMutation, useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import type { ClientAction, ClientChange } from '../../../../shared/clients.js';
import { api } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';

export function useClients() {
  // Config files also change outside Tarmac (edited by hand, a client's own UI): look again when
  // the page is opened or the window regains focus. Changes Tarmac makes arrive as clientsChanged.
  return useQuery({ queryKey: keys.clients, queryFn: () => api.listClients(), staleTime: 0, refetchOnWindowFocus: true });
}

/** What the person asked for: one action on some clients, or "register all detected". */
export interface ClientRequest {
  /** Which card (or 'detected') asked, so its progress and errors show there. */
  key: string;
  action: ClientAction;
  /** Empty for "register all detected": the host picks them. */
  clients: string[];
  oauth?: boolean;
  force?: boolean;
  /** The dialog's title, e.g. "Register Cursor". */
  title: string;
}

/** A request with the exact change it makes, waiting for Apply or Cancel. */
export interface ClientPlan {
  request: ClientRequest;
  changes: ClientChange[];
}

const idsOf = (changes: ClientChange[]) => [...new Set(changes.map((c) => c.id))];

/**
 * Nothing is written before the person has seen the diff: `preview` asks for a dry run and holds
 * the plan; `apply` writes exactly the clients the plan showed.
 */
export function useClientPlan() {
  const [plan, setPlan] = useState<ClientPlan | null>(null);
  const preview = useMutation({
    mutationFn: async (request: ClientRequest): Promise<ClientPlan> => {
      const changes =
        request.clients.length === 0
          ? await api.registerDetectedClients(true)
          : await api.changeClients(request.action, { clients: request.clients, oauth: request.oauth ?? false, force: request.force ?? false, dryRun: true });
      return { request, changes };
    },
    onSuccess: (next) => setPlan(next),
  });
  const apply = useMutation({
    mutationFn: ({ request, changes }: ClientPlan) => {
      const clients = request.clients.length ? request.clients : idsOf(changes);
      return api.changeClients(request.action, { clients, oauth: request.oauth ?? false, force: request.force ?? false });
    },
    onSuccess: () => {
      setPlan(null);
      void queryClient.invalidateQueries({ queryKey: keys.clients });
    },
  });
  return {
    plan,
    preview,
    apply,
    cancel() {
      setPlan(null);
      apply.reset();
    },
  };
}
