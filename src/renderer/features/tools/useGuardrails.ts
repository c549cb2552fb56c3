import { useMutation, useQuery } from '@tanstack/react-query';
import type { GuardrailsPatch } from '../../../shared/api.js';
import type { ApprovalAnswer, GuardrailsView, Policy, PolicyTarget } from '../../../shared/policy.js';
import { api } from '../../api.js';
import { firstPaint, keys, queryClient } from '../../app/query.js';

export function useGuardrails() {
  return useQuery(firstPaint.guardrails);
}

const store = (view: GuardrailsView) => queryClient.setQueryData(keys.guardrails, view);

export function useSetPolicy() {
  return useMutation({
    mutationFn: ({ target, policy, client }: { target: PolicyTarget; policy: Policy | null; client?: string | null }) => api.setPolicy(target, policy, client ?? null),
    onSuccess: store,
  });
}

export function useGuardSwitch() {
  return useMutation({ mutationFn: (patch: GuardrailsPatch) => api.setGuardrails(patch), onSuccess: store });
}

export function useToolEnabled() {
  return useMutation({ mutationFn: ({ tool, on }: { tool: string; on: boolean }) => api.setToolEnabled(tool, on), onSuccess: store });
}

export function useResetPolicies() {
  return useMutation({ mutationFn: () => api.resetPolicies(), onSuccess: store });
}

export function useDecide() {
  return useMutation({ mutationFn: ({ id, answer }: { id: string; answer: ApprovalAnswer }) => api.decideApproval(id, answer) });
}

/** Confirm the waiting changes made outside Tarmac: exactly those listed (the view's stamp). */
export function useConfirmChanges() {
  return useMutation({ mutationFn: (stamp: string) => api.confirmGuardrailChanges(stamp), onSuccess: store });
}

export function useDiscardChanges() {
  return useMutation({ mutationFn: () => api.discardGuardrailChanges(), onSuccess: store });
}

export function useAcknowledgeTrustedWrite() {
  return useMutation({ mutationFn: () => api.acknowledgeTrustedWrite(), onSuccess: store });
}

export function useClientApprovals() {
  return useMutation({ mutationFn: ({ client, on }: { client: string; on: boolean }) => api.setClientApprovals(client, on), onSuccess: store });
}
