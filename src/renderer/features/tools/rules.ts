import type { GuardrailsView, Policy, PolicyRules, PolicyTarget } from '../../../shared/policy.js';

const KEY: Record<PolicyTarget['kind'], keyof PolicyRules> = { tool: 'tools', class: 'classes', provider: 'providers' };

/** The clients with a rule of their own for this target, by name. */
export function clientRulesOf(view: GuardrailsView, target: PolicyTarget): Array<{ client: string; policy: Policy }> {
  const out: Array<{ client: string; policy: Policy }> = [];
  for (const [client, rules] of Object.entries(view.clients)) {
    const policy = (rules[KEY[target.kind]] as Record<string, Policy> | undefined)?.[target.name];
    if (policy) out.push({ client, policy });
  }
  return out.sort((a, b) => a.client.localeCompare(b.client));
}

/** Client rules for whole classes and providers (tool rules show next to their tool). */
export function otherClientRules(view: GuardrailsView): Array<{ target: PolicyTarget; rules: Array<{ client: string; policy: Policy }> }> {
  const targets = new Map<string, PolicyTarget>();
  for (const rules of Object.values(view.clients)) {
    for (const name of Object.keys(rules.classes ?? {})) targets.set(`class:${name}`, { kind: 'class', name });
    for (const name of Object.keys(rules.providers ?? {})) targets.set(`provider:${name}`, { kind: 'provider', name });
  }
  return [...targets.values()].map((target) => ({ target, rules: clientRulesOf(view, target) }));
}

/** Every rule a reset takes away, counted, and in words for the confirmation. */
export function countRules(view: GuardrailsView): { all: number; lines: string[] } {
  const classes = view.classes.filter((c) => c.own).length;
  const providers = view.providers.filter((p) => p.own).length;
  const tools = view.tools.filter((t) => t.own).length;
  const perClient = Object.entries(view.clients)
    .map(([client, r]) => [client, Object.keys(r.tools ?? {}).length + Object.keys(r.classes ?? {}).length + Object.keys(r.providers ?? {}).length] as const)
    .filter(([, n]) => n > 0)
    .sort(([a], [b]) => a.localeCompare(b));
  const plural = (n: number, what: string) => `${n} ${what} rule${n === 1 ? '' : 's'}`;
  const lines = [
    ...(tools ? [plural(tools, 'tool')] : []),
    ...(providers ? [plural(providers, 'provider')] : []),
    ...(classes ? [plural(classes, 'class')] : []),
    ...perClient.map(([client, n]) => `${n} rule${n === 1 ? '' : 's'} of ${client} alone`),
  ];
  return { all: classes + providers + tools + perClient.reduce((sum, [, n]) => sum + n, 0), lines };
}
