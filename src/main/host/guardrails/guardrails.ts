import {
  DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  TOOL_CLASSES,
  decidePolicy,
  type GuardState,
  type GuardrailsView,
  type Policy,
  type PolicyRules,
  type PolicySet,
  type PolicyTarget,
  type ToolClass,
  type Verdict,
} from '../../../shared/policy.js';
import type { Logger } from '../log.js';
import type { Settings, SettingsStore } from '../settings.js';
import type { Catalogue } from '../tools/catalogue.js';
import { ApprovalQueue } from './approvals.js';

export class PolicyTargetError extends Error {
  override readonly name = 'PolicyTargetError';
}

const CLASSES = new Set<string>(TOOL_CLASSES);

export function guardState(s: Settings): GuardState {
  return { policies: s.policies ?? {}, readOnly: s.readOnly ?? false, paused: s.paused ?? false, disabledTools: s.disabledTools ?? [] };
}

/**
 * Policies, read-only mode, pause and tools turned off, all kept in settings.json and read
 * fresh on every call, so a change by the window, the CLI or a hand edit applies to the next
 * call without a restart. Holds the approval queue too.
 */
export class Guardrails {
  readonly approvals = new ApprovalQueue();
  readonly #settings: SettingsStore;
  readonly #catalogue: Catalogue;
  readonly #log: Logger;
  readonly #listeners = new Set<(state: GuardState) => void>();
  #last = '';
  #watch: NodeJS.Timeout | undefined;

  constructor(settings: SettingsStore, catalogue: Catalogue, log: Logger) {
    this.#settings = settings;
    this.#catalogue = catalogue;
    this.#log = log;
  }

  /** The current state; throws when settings.json cannot be read (callers fail closed). */
  async state(): Promise<GuardState> {
    return guardState(await this.#settings.readFresh());
  }

  /** `state`: the guardrails as already read for this request; read fresh when not given. */
  async decide(tool: { name: string; provider: string; class: ToolClass }, client: string, state?: GuardState): Promise<Verdict> {
    return decidePolicy(state ?? (await this.state()), tool, client);
  }

  async approvalTimeoutMs(): Promise<number> {
    const s = await this.#settings.readFresh();
    return (s.approvals?.timeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS) * 1000;
  }

  async approvalVia(): Promise<'tarmac' | 'client'> {
    return (await this.#settings.readFresh()).approvals?.via ?? 'tarmac';
  }

  /** Tools turned off now; none when settings cannot be read (calls then fail closed anyway). */
  async disabledTools(): Promise<ReadonlySet<string>> {
    return new Set((await this.state().catch(() => null))?.disabledTools ?? []);
  }

  async view(): Promise<GuardrailsView> {
    const s = await this.#settings.readFresh();
    const state = guardState(s);
    const p = state.policies;
    const tools = this.#catalogue.list().map((spec) => {
      const facts = { name: spec.name, provider: spec.provider, class: spec.class };
      // The verdict without pause and read-only: the page shows those as switches of their own.
      const verdict = decidePolicy({ ...state, paused: false, readOnly: false, disabledTools: [] }, facts, null);
      return { ...facts, title: spec.title, enabled: !state.disabledTools.includes(spec.name), policy: verdict.policy, rule: verdict.rule, own: p.tools?.[spec.name] ?? null };
    });
    const providers = [...new Set(this.#catalogue.list().map((t) => t.provider))];
    return {
      readOnly: state.readOnly,
      paused: state.paused,
      approvalTimeoutSeconds: s.approvals?.timeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS,
      approvalVia: s.approvals?.via ?? 'tarmac',
      classes: TOOL_CLASSES.map((c) => {
        const v = decidePolicy({ policies: { classes: p.classes ?? {} }, paused: false, readOnly: false, disabledTools: [] }, { name: '', provider: '', class: c }, null);
        return { class: c, policy: v.policy, own: p.classes?.[c] ?? null };
      }),
      providers: providers.map((provider) => ({ provider, own: p.providers?.[provider] ?? null })),
      tools,
      clients: p.clients ?? {},
      pending: this.approvals.list(),
    };
  }

  /** A tool name, class or provider id as typed by a person, checked against what exists. */
  resolveTarget(text: string): PolicyTarget {
    const [prefix, rest] = text.includes(':') ? (text.split(/:(.*)/s, 2) as [string, string]) : [null, text];
    const providers = new Set(this.#catalogue.list().map((t) => t.provider));
    if ((prefix === null || prefix === 'class') && CLASSES.has(rest)) return { kind: 'class', name: rest };
    if ((prefix === null || prefix === 'provider') && providers.has(rest)) return { kind: 'provider', name: rest };
    if ((prefix === null || prefix === 'tool') && this.#catalogue.get(rest)) return { kind: 'tool', name: rest };
    throw new PolicyTargetError(
      `"${text}" is not a tool, a class (read, write, destructive) or a provider (${[...providers].join(', ')}) of this Tarmac. \`tarmac policy show\` lists the tools.`,
    );
  }

  #check(target: PolicyTarget): void {
    const resolved = this.resolveTarget(`${target.kind}:${target.name}`);
    if (resolved.kind !== target.kind) throw new PolicyTargetError(`"${target.name}" is not a ${target.kind}.`);
  }

  /** Set (or with null, remove) one rule, globally or for one client. */
  async setPolicy(target: PolicyTarget, policy: Policy | null, client?: string): Promise<void> {
    this.#check(target);
    await this.#update((s) => {
      const policies: PolicySet = structuredClone(s.policies ?? {});
      const rules: PolicyRules = client ? ((policies.clients ??= {})[client] ??= {}) : policies;
      const key = target.kind === 'tool' ? 'tools' : target.kind === 'class' ? 'classes' : 'providers';
      const map = ((rules[key] as Record<string, Policy> | undefined) ?? {}) as Record<string, Policy>;
      if (policy) map[target.name] = policy;
      else delete map[target.name];
      if (Object.keys(map).length) (rules as Record<string, unknown>)[key] = map;
      else delete rules[key];
      if (client && policies.clients && Object.keys(policies.clients[client] ?? {}).length === 0) delete policies.clients[client];
      if (policies.clients && Object.keys(policies.clients).length === 0) delete policies.clients;
      const { policies: _old, ...rest } = s;
      return Object.keys(policies).length ? { ...rest, policies } : rest;
    });
  }

  /** Every rule back to the defaults (read-only, pause and tools turned off stay as they are). */
  async resetPolicies(): Promise<void> {
    await this.#update((s) => {
      const { policies: _gone, ...rest } = s;
      return rest;
    });
  }

  async setReadOnly(on: boolean): Promise<void> {
    await this.#update((s) => ({ ...s, readOnly: on }));
  }

  async setPaused(on: boolean): Promise<void> {
    await this.#update((s) => ({ ...s, paused: on }));
  }

  async setToolEnabled(name: string, on: boolean): Promise<void> {
    this.#check({ kind: 'tool', name });
    await this.#update((s) => {
      const off = new Set(s.disabledTools ?? []);
      if (on) off.delete(name);
      else off.add(name);
      const { disabledTools: _old, ...rest } = s;
      return off.size ? { ...rest, disabledTools: [...off].sort() } : rest;
    });
  }

  async setApprovals(change: { timeoutSeconds?: number; via?: 'tarmac' | 'client' }): Promise<void> {
    await this.#update((s) => ({ ...s, approvals: { ...s.approvals, ...change } }));
  }

  /** Told after every change, whoever made it (this process, or another seen by watch()). */
  onChange(listener: (state: GuardState) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Notice edits by other processes (CLI without a running control socket, hand edits). */
  watch(intervalMs = 1_000): void {
    if (this.#watch) return;
    void this.#recheck(false);
    this.#watch = setInterval(() => void this.#recheck(), intervalMs);
    this.#watch.unref();
  }

  close(): void {
    clearInterval(this.#watch);
    this.#watch = undefined;
    this.approvals.denyAll();
  }

  async #update(change: (s: Settings) => Settings): Promise<void> {
    await this.#settings.update(change);
    await this.#recheck();
  }

  async #recheck(notify = true): Promise<void> {
    let state: GuardState;
    try {
      state = await this.state();
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'guardrails: settings unreadable; every call is refused until fixed');
      return;
    }
    const key = JSON.stringify(state);
    if (key === this.#last) return;
    this.#last = key;
    if (!notify) return;
    for (const listener of this.#listeners) {
      try {
        listener(state);
      } catch (err) {
        this.#log.warn({ err: (err as Error).message }, 'guardrails listener failed');
      }
    }
  }
}
