import {
  DEFAULT_APPROVAL_TIMEOUT_SECONDS,
  TOOL_CLASSES,
  decidePolicy,
  loosenings,
  type GuardState,
  type GuardrailsView,
  type Policy,
  type PolicyRules,
  type PolicySet,
  type PolicyTarget,
  type ProtectedState,
  type ToolClass,
  type Verdict,
} from '../../../shared/policy.js';
import { createHash } from 'node:crypto';
import {
  allProfiles,
  boundsOf,
  checkProfileDef,
  accountOf,
  clientAccount,
  clientListing,
  DEFAULT_ACCOUNT,
  NO_PROFILES,
  profileNamed,
  profileOf,
  startOf,
  type ClientListing,
  type ProfileDef,
  type ProfileState,
} from '../../../shared/profiles.js';
import { accountName, findAccount } from '../accounts/registry.js';
import { toolsetNamed } from '../../../shared/toolsets.js';
import type { Logger } from '../log.js';
import type { Settings, SettingsStore } from '../settings.js';
import type { Catalogue } from '../tools/catalogue.js';
import { ApprovalQueue } from './approvals.js';
import { protectedState, withProtected, type ConfirmedStore } from './confirmed.js';

export class PolicyTargetError extends Error {
  override readonly name = 'PolicyTargetError';
}

/** A profile or toolset that does not exist, a profile still in use, a definition that does not hold. */
export class ProfileError extends Error {
  override readonly name = 'ProfileError';
}

/** One profile as the window and `tarmac profile` show it. */
export interface ProfileSummary {
  def: ProfileDef;
  shipped: boolean;
  /** Tools within the bounds / in the starting list. */
  bounds: string[];
  start: string[];
  /** Clients that have this profile now. */
  clients: string[];
  /** Back end -> the name of the account its calls use. */
  accounts: Record<string, string>;
}

/** The settings changed between showing a person the waiting changes and their answer. */
export class ChangedMeanwhileError extends Error {
  override readonly name = 'ChangedMeanwhileError';
}

/** The confirmed state could not be read (a locked keychain): nothing is saved over it. */
const UNREADABLE = Symbol('unreadable');
const STRICT_DEFAULTS: ProtectedState = { policies: {}, readOnly: false, paused: false, disabledTools: [], clientApprovals: [], flyctlPath: null, profiles: NO_PROFILES };

/** A short fingerprint of protecting settings, to confirm exactly what a person was shown. */
function stampOf(state: ProtectedState): string {
  return createHash('sha256').update(JSON.stringify(state)).digest('base64url').slice(0, 22);
}

/** A change that loosens protection, asked for by someone who is not a person in the window. */
export class LooseningRefusedError extends Error {
  override readonly name = 'LooseningRefusedError';
}

/**
 * Who asks for a change. `person`: the Tarmac window (desktop, or browser mode behind its one-time
 * link and page secret). `terminal`: another process of this user (`tarmac policy`, `pause`,
 * `approvals` over the control socket): it may tighten, never loosen, unless this Tarmac was
 * started with --trust-terminal.
 */
export type Actor = 'person' | 'terminal';

/** Where to do it instead, said with every refusal. */
export const LOOSEN_IN_WINDOW =
  'loosening protection needs a person in the Tarmac window (the desktop app, or `tarmac ui`), so that an agent with a shell cannot do it for itself; for unattended set-ups, start Tarmac with --trust-terminal';

const CLASSES = new Set<string>(TOOL_CLASSES);

/**
 * What is in force: settings.json as it is, held to what a person last confirmed. A change made
 * outside Tarmac (a hand edit, another program) applies at once where it tightens, and waits for
 * a person where it loosens: pause and read-only stay on if either says so, a tool stays off if
 * either has it off, and each call gets the stricter of the two rule sets' verdicts.
 */
export function effectiveState(file: ProtectedState, confirmed: ProtectedState | null): GuardState {
  const base: GuardState = { policies: file.policies, readOnly: file.readOnly, paused: file.paused, disabledTools: file.disabledTools, profiles: file.profiles ?? NO_PROFILES };
  if (!confirmed) return base;
  return {
    policies: file.policies,
    profiles: file.profiles ?? NO_PROFILES,
    ...(JSON.stringify(file.profiles ?? NO_PROFILES) === JSON.stringify(confirmed.profiles ?? NO_PROFILES) ? {} : { confirmedProfiles: confirmed.profiles ?? NO_PROFILES }),
    readOnly: file.readOnly || confirmed.readOnly,
    paused: file.paused || confirmed.paused,
    disabledTools: [...new Set([...file.disabledTools, ...confirmed.disabledTools])].sort(),
    ...(JSON.stringify(file.policies) === JSON.stringify(confirmed.policies) ? {} : { confirmedPolicies: confirmed.policies }),
  };
}

export interface GuardrailsOptions {
  /** Where the confirmed state lives (the keychain in the app; memory in tests). */
  confirmed?: ConfirmedStore;
  /** --trust-terminal: other processes may loosen and approve, and hand edits apply at once. */
  trustTerminal?: boolean;
  /** Is this program flyctl? Checked before a hand-edited flyctlPath comes into force (--trust-terminal). */
  isFlyctl?: (path: string) => Promise<boolean>;
}

/**
 * Policies, read-only mode, pause and tools turned off, all kept in settings.json and read
 * fresh on every call, so a change by the window, the CLI or a hand edit applies to the next
 * call without a restart. Holds the approval queue too.
 */
export class Guardrails {
  readonly approvals = new ApprovalQueue();
  readonly trustTerminal: boolean;
  readonly #settings: SettingsStore;
  readonly #catalogue: Catalogue;
  readonly #log: Logger;
  readonly #store: ConfirmedStore | undefined;
  readonly #isFlyctl: (path: string) => Promise<boolean>;
  readonly #listeners = new Set<(state: GuardState) => void>();
  #last = '';
  #watch: NodeJS.Timeout | undefined;
  /** What a person last confirmed; undefined until loaded, null when nothing is kept (tests). */
  #confirmed: ProtectedState | null | undefined;
  #loading: Promise<ProtectedState | null | typeof UNREADABLE> | null = null;
  /** --trust-terminal: what the flyctl check said of each hand-edited flyctlPath. */
  readonly #flyctlChecks = new Map<string, boolean>();
  /** Writes of settings and the confirmed state, one after another. */
  #writes: Promise<unknown> = Promise.resolve();
  /** The settings object the confirmed state was last read for (readFresh gives a new one per file change). */
  #confirmedAgainst: Settings | null = null;
  /** The effective state computed for one settings object (the store keeps it while the file is unchanged). */
  #memo: { settings: Settings; confirmed: ProtectedState | null; state: GuardState } | null = null;

  constructor(settings: SettingsStore, catalogue: Catalogue, log: Logger, options: GuardrailsOptions = {}) {
    this.#settings = settings;
    this.#catalogue = catalogue;
    this.#log = log;
    this.#store = options.confirmed;
    this.trustTerminal = options.trustTerminal ?? false;
    this.#isFlyctl = options.isFlyctl ?? (async () => false);
    if (!this.#store) this.#confirmed = null;
  }

  /** The state in force; throws when settings.json cannot be read (callers fail closed). */
  async state(): Promise<GuardState> {
    const settings = await this.#settings.readFresh();
    // --trust-terminal: the file is in force as it is (#recheck keeps the confirmed copy in step).
    const confirmed = this.trustTerminal ? null : await this.#confirmedFor(settings);
    const memo = this.#memo;
    if (memo && memo.settings === settings && memo.confirmed === confirmed) return memo.state;
    const state: GuardState = { ...effectiveState(protectedState(settings), confirmed), enabledToolsets: settings.toolsetsEnabled ?? {} };
    this.#memo = { settings, confirmed, state };
    return state;
  }

  /**
   * The confirmed state for these settings. Read from the store again whenever settings.json
   * changed since the last read: another Tarmac process (the desktop app and `tarmac ui` share a
   * data folder) writes both when its person changes something. Unchanged, it costs nothing.
   */
  async #confirmedFor(settings: Settings): Promise<ProtectedState | null> {
    if (!this.#store) return null;
    if (this.#confirmed !== undefined && this.#confirmedAgainst === settings) return this.#confirmed;
    this.#confirmedAgainst = settings;
    this.#confirmed = undefined;
    const loaded = await this.#loadConfirmed(settings);
    // Unreadable: the strict defaults stand in (only the file's tightening applies on top).
    return loaded === UNREADABLE ? STRICT_DEFAULTS : loaded;
  }

  /**
   * The confirmed state from its store. The first time there is none (a Tarmac from before
   * confirmation existed), the settings as they are become the confirmed state once. A store
   * that cannot be read (a locked keychain) confirms nothing: only the defaults and the file's
   * tightening rules are in force until it can be read.
   */
  #loadConfirmed(settings: Settings): Promise<ProtectedState | null | typeof UNREADABLE> {
    this.#loading ??= (async () => {
      try {
        const kept = await this.#store!.load();
        if (kept) return (this.#confirmed = kept);
        const adopted = protectedState(settings);
        await this.#store!.save(adopted);
        this.#log.info('guardrails: no confirmed state yet; the current settings are confirmed as they are');
        return (this.#confirmed = adopted);
      } catch (err) {
        this.#log.warn({ err: (err as Error).message }, 'guardrails: the confirmed state cannot be read; only the defaults and tightening changes apply');
        return UNREADABLE;
      } finally {
        this.#loading = null;
      }
    })();
    return this.#loading;
  }

  /** Changes made outside Tarmac that loosen protection and wait for a person, in words. */
  async unconfirmed(): Promise<string[]> {
    const settings = await this.#settings.readFresh();
    const confirmed = await this.#confirmedFor(settings);
    if (!confirmed) return [];
    return loosenings(confirmed, protectedState(settings), this.#facts());
  }

  /** Names the waiting changes exactly as a person saw them listed (see confirmChanges). */
  async unconfirmedStamp(): Promise<string> {
    return stampOf(protectedState(await this.#settings.readFresh()));
  }

  /**
   * A person confirms the changes they were shown: settings.json as it was when listed (`stamp`,
   * from the view). If the file changed since, nothing is confirmed and the person is asked to
   * look again, so an edit made while the dialog was open is not confirmed with it. A new flyctl
   * program is checked first, as when it is chosen in Settings.
   */
  async confirmChanges(stamp: string): Promise<void> {
    await this.#serial(async () => {
      const file = protectedState(await this.#settings.readFresh());
      if (stampOf(file) !== stamp) throw new ChangedMeanwhileError('settings.json changed again while you were looking; review the list once more and confirm it then.');
      const confirmed = await this.#freshConfirmed();
      if (confirmed === UNREADABLE) throw new Error('the keychain cannot be read now, so nothing can be confirmed; unlock it and try again.');
      if (file.flyctlPath && file.flyctlPath !== confirmed?.flyctlPath && !(await this.#isFlyctl(file.flyctlPath))) {
        throw new ChangedMeanwhileError(`${file.flyctlPath} did not answer \`version\` like flyctl, so Tarmac will not run it; discard the change, or fix flyctlPath in settings.json.`);
      }
      await this.#saveConfirmed(file);
      this.#log.info({ changes: confirmed ? loosenings(confirmed, file, this.#facts()) : [] }, 'guardrails: a person confirmed changes made outside Tarmac');
    });
    await this.#recheck();
  }

  /**
   * A person discards the waiting changes: settings.json goes back to what was confirmed, but
   * tightening kept (pause, read-only and tools turned off stay as the file has them).
   */
  async discardChanges(): Promise<void> {
    await this.#serial(async () => {
      const confirmed = await this.#freshConfirmed();
      if (!confirmed || confirmed === UNREADABLE) return;
      await this.#settings.update((s) => {
        const file = protectedState(s);
        return withProtected(s, {
          ...confirmed,
          paused: confirmed.paused || file.paused,
          readOnly: confirmed.readOnly || file.readOnly,
          disabledTools: [...new Set([...confirmed.disabledTools, ...file.disabledTools])].sort(),
          clientApprovals: confirmed.clientApprovals.filter((c) => file.clientApprovals.includes(c)),
        });
      });
    });
    await this.#recheck();
  }

  /** Every change to settings and the confirmed state, one at a time in this process. */
  #serial<T>(run: () => Promise<T>): Promise<T> {
    const next = this.#writes.then(run);
    this.#writes = next.catch(() => undefined);
    return next;
  }

  /** The confirmed state as the store has it now (another process may have written it). */
  async #freshConfirmed(): Promise<ProtectedState | null | typeof UNREADABLE> {
    if (!this.#store) return null;
    try {
      const kept = await this.#store.load();
      if (kept) this.#confirmed = kept;
      return kept ?? (await this.#loadConfirmed(await this.#settings.readFresh()));
    } catch {
      return UNREADABLE;
    }
  }

  async #saveConfirmed(next: ProtectedState): Promise<void> {
    if (!this.#store) return;
    await this.#store.save(next);
    this.#confirmed = next;
    // Other windows tell their person that a trusted terminal set the guardrails (see view()).
    if (this.trustTerminal) await this.#store.markTrustedWrite(new Date().toISOString()).catch(() => undefined);
  }

  /** A person saw that a --trust-terminal Tarmac changed the guardrails, and looked. */
  async acknowledgeTrustedWrite(): Promise<void> {
    await this.#store?.clearTrustedWrite();
    await this.#recheck();
  }

  #facts(): { name: string; provider: string; class: ToolClass }[] {
    return this.#catalogue.facts();
  }

  /** `state`: the guardrails as already read for this request; read fresh when not given. */
  async decide(tool: { name: string; provider: string; class: ToolClass }, client: string, state?: GuardState): Promise<Verdict> {
    return decidePolicy(state ?? (await this.state()), tool, client);
  }

  async approvalTimeoutMs(): Promise<number> {
    const s = await this.#settings.readFresh();
    return (s.approvals?.timeoutSeconds ?? DEFAULT_APPROVAL_TIMEOUT_SECONDS) * 1000;
  }

  /** May this client's own UI answer approvals? Only when a person turned it on for it (and it is confirmed). */
  async clientMayApprove(client: string): Promise<boolean> {
    return (await this.#clientApprovalsInForce(await this.#settings.readFresh())).includes(client);
  }

  async #clientApprovalsInForce(settings: Settings): Promise<string[]> {
    const mine = settings.approvals?.clients ?? [];
    const confirmed = this.trustTerminal ? null : await this.#confirmedFor(settings);
    return mine.filter((c) => !confirmed || confirmed.clientApprovals.includes(c));
  }

  /** Tools turned off now; none when settings cannot be read (calls then fail closed anyway). */
  async disabledTools(): Promise<ReadonlySet<string>> {
    return new Set((await this.state().catch(() => null))?.disabledTools ?? []);
  }

  async view(): Promise<GuardrailsView> {
    const s = await this.#settings.readFresh();
    const state = await this.state();
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
      // What is in force: a client listed by a hand edit only is not shown as able to approve.
      clientApprovals: await this.#clientApprovalsInForce(s),
      unconfirmed: await this.unconfirmed(),
      unconfirmedStamp: await this.unconfirmedStamp(),
      trustTerminal: this.trustTerminal,
      trustedWriteAt: this.trustTerminal || !this.#store ? null : await this.#store.trustedWriteAt().catch(() => null),
      classes: TOOL_CLASSES.map((c) => {
        const confirmedClasses = state.confirmedPolicies ? { confirmedPolicies: { classes: state.confirmedPolicies.classes ?? {} } } : {};
        const v = decidePolicy({ policies: { classes: p.classes ?? {} }, paused: false, readOnly: false, disabledTools: [], ...confirmedClasses }, { name: '', provider: '', class: c }, null);
        return { class: c, policy: v.policy, own: p.classes?.[c] ?? null };
      }),
      providers: providers.map((provider) => ({ provider, own: p.providers?.[provider] ?? null })),
      tools,
      clients: p.clients ?? {},
      pending: this.approvals.list(),
    };
  }

  /**
   * The flyctl program in force: the one a person chose (checked when chosen). A path set in
   * settings.json by a hand edit or another program is not run until a person confirms it.
   */
  async flyctlPath(): Promise<string | undefined> {
    const settings = await this.#settings.readFresh();
    const confirmed = await this.#confirmedFor(settings);
    if (!confirmed) return settings.flyctlPath;
    return confirmed.flyctlPath ?? undefined;
  }

  /** Set (null: clear) the flyctl program; the caller checked it is flyctl. */
  async setFlyctlPath(path: string | null, actor: Actor = 'person'): Promise<void> {
    await this.#update(actor, (s) => {
      const { flyctlPath: _old, ...rest } = s;
      return path ? { ...rest, flyctlPath: path } : rest;
    });
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
  async setPolicy(target: PolicyTarget, policy: Policy | null, client?: string, actor: Actor = 'person'): Promise<void> {
    this.#check(target);
    await this.#update(actor, (s) => {
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
  async resetPolicies(actor: Actor = 'person'): Promise<void> {
    await this.#update(actor, (s) => {
      const { policies: _gone, ...rest } = s;
      return rest;
    });
  }

  async setReadOnly(on: boolean, actor: Actor = 'person'): Promise<void> {
    await this.#update(actor, (s) => ({ ...s, readOnly: on }));
  }

  async setPaused(on: boolean, actor: Actor = 'person'): Promise<void> {
    await this.#update(actor, (s) => ({ ...s, paused: on }));
  }

  async setToolEnabled(name: string, on: boolean, actor: Actor = 'person'): Promise<void> {
    this.#check({ kind: 'tool', name });
    await this.#update(actor, (s) => {
      const off = new Set(s.disabledTools ?? []);
      if (on) off.delete(name);
      else off.add(name);
      const { disabledTools: _old, ...rest } = s;
      return off.size ? { ...rest, disabledTools: [...off].sort() } : rest;
    });
  }

  async setApprovalTimeout(timeoutSeconds: number, actor: Actor = 'person'): Promise<void> {
    await this.#update(actor, (s) => ({ ...s, approvals: { ...s.approvals, timeoutSeconds } }));
  }

  /** Let a client's own UI answer approvals (allow once only), or stop it. */
  async setClientApprovals(client: string, on: boolean, actor: Actor = 'person'): Promise<void> {
    await this.#update(actor, (s) => {
      const clients = new Set(s.approvals?.clients ?? []);
      if (on) clients.add(client);
      else clients.delete(client);
      const { clients: _old, ...approvals } = s.approvals ?? {};
      return { ...s, approvals: clients.size ? { ...approvals, clients: [...clients].sort() } : approvals };
    });
  }

  /** The profiles in force (the file's; with what a person confirmed when they differ). */
  async profiles(): Promise<{ state: ProfileState; confirmed: ProfileState | undefined }> {
    const state = await this.state();
    return { state: state.profiles ?? NO_PROFILES, confirmed: state.confirmedProfiles };
  }

  /** The account id of `backend` that a client's calls use (its profile's binding, as confirmed). */
  async accountFor(client: string, backend: string, guard?: GuardState): Promise<string> {
    const state = guard ?? (await this.state());
    return clientAccount(state.profiles ?? NO_PROFILES, state.confirmedProfiles, client, backend);
  }

  /** Bind a profile to an account of a back end. Any change of binding is a loosening (other credentials). */
  async setProfileAccount(profile: string, backend: string, accountName: string, actor: Actor = 'person'): Promise<void> {
    const { state } = await this.profiles();
    if (!profileNamed(state, profile)) throw new ProfileError(`There is no profile "${profile}": \`tarmac profile list\` shows them.`);
    const backends = [...new Set(this.#catalogue.facts().map((t) => t.provider))].filter((p) => p !== 'tarmac');
    if (!backends.includes(backend)) throw new ProfileError(`There is no back end "${backend}": use ${backends.join(' or ')}.`);
    const found = findAccount(await this.#settings.readFresh(), backend, accountName);
    if (!found) throw new ProfileError(`There is no ${backend} account "${accountName}": sign one in first (\`tarmac login ${backend} --name ${accountName}\`, or the Accounts page).`);
    const account = found.id;
    await this.#update(actor, (s) => {
      const bound = { ...s.profiles?.accounts?.[profile] };
      if (account === DEFAULT_ACCOUNT) delete bound[backend];
      else bound[backend] = account;
      const accounts = { ...s.profiles?.accounts };
      if (Object.keys(bound).length) accounts[profile] = bound;
      else delete accounts[profile];
      const { accounts: _a, ...rest } = s.profiles ?? {};
      return { ...s, profiles: { ...rest, ...(Object.keys(accounts).length ? { accounts } : {}) } };
    });
  }

  /** What one client sees now: its profile, bounds, listed tools and toolsets. */
  async listing(client: string, state?: GuardState): Promise<ClientListing> {
    return listingFrom(state ?? (await this.state()), client, this.#catalogue.facts());
  }

  /** Every profile (shipped first), with its tools and the clients that have it. */
  async profileSummaries(clientNames: readonly string[] = []): Promise<ProfileSummary[]> {
    const { state } = await this.profiles();
    const facts = this.#catalogue.facts();
    const assigned = new Map<string, string[]>();
    for (const client of new Set([...clientNames, ...Object.keys(state.clients)])) {
      const name = profileOf(state, client);
      assigned.set(name, [...(assigned.get(name) ?? []), client].sort());
    }
    const settings = await this.#settings.readFresh();
    const backends = [...new Set(facts.map((t) => t.provider))].filter((p) => p !== 'tarmac').sort();
    return allProfiles(state).map((def) => ({
      def,
      shipped: !Object.hasOwn(state.defs, def.name),
      bounds: [...boundsOf(def, facts)],
      start: [...startOf(def, facts)],
      clients: assigned.get(def.name) ?? [],
      accounts: Object.fromEntries(backends.map((b) => [b, accountName(settings, b, accountOf(state, def.name, b))])),
    }));
  }

  /**
   * Give a client a profile. Narrower or equal bounds apply at once from anywhere; wider bounds
   * are a loosening (a person in the window, or --trust-terminal).
   */
  async setClientProfile(client: string, profile: string, actor: Actor = 'person'): Promise<void> {
    const { state } = await this.profiles();
    if (!profileNamed(state, profile)) throw new ProfileError(`There is no profile "${profile}": \`tarmac profile list\` shows them.`);
    await this.#update(actor, (s) => ({ ...s, profiles: { ...s.profiles, clients: { ...s.profiles?.clients, [client]: profile } } }));
  }

  /** Create or replace a custom profile; widening one that clients have is a loosening. */
  async saveProfile(def: ProfileDef, actor: Actor = 'person'): Promise<void> {
    try {
      checkProfileDef(def, this.#catalogue.facts());
    } catch (err) {
      throw new ProfileError((err as Error).message);
    }
    await this.#update(actor, (s) => ({ ...s, profiles: { ...s.profiles, defs: { ...s.profiles?.defs, [def.name]: structuredClone(def) as never } } }));
  }

  /** Delete a custom profile no client has (move its clients first). */
  async deleteProfile(name: string, actor: Actor = 'person'): Promise<void> {
    const { state } = await this.profiles();
    if (!Object.hasOwn(state.defs, name)) {
      throw new ProfileError(profileNamed(state, name) ? `"${name}" ships with Tarmac and cannot be deleted.` : `There is no profile "${name}": \`tarmac profile list\` shows them.`);
    }
    const users = Object.entries(state.clients).filter(([, p]) => p === name).map(([c]) => c);
    if (users.length) throw new ProfileError(`"${name}" is the profile of ${users.join(', ')}: give ${users.length === 1 ? 'it' : 'them'} another profile first (\`tarmac profile set CLIENT PROFILE\`).`);
    await this.#update(actor, (s) => {
      const defs = { ...s.profiles?.defs };
      delete defs[name];
      const { defs: _d, ...rest } = s.profiles ?? {};
      const profiles = { ...rest, ...(Object.keys(defs).length ? { defs } : {}) };
      const { profiles: _p, ...others } = s;
      return Object.keys(profiles).length ? { ...others, profiles } : others;
    });
  }

  /**
   * The client's agent enabled a toolset through discovery: it stays listed for this client until
   * a person resets it. Not a loosening: only toolsets within the client's bounds can be enabled,
   * and calls are decided exactly as before. Returns the listing after the change.
   */
  async enableToolset(client: string, toolset: string): Promise<ClientListing> {
    if (!toolsetNamed(toolset)) throw new ProfileError(`There is no toolset "${toolset}": call tarmac_list_toolsets for the names.`);
    const before = await this.listing(client);
    if (!before.toolsets.some((t) => t.name === toolset)) throw new ProfileError(`The toolset "${toolset}" is outside this client's profile (${before.profile}); a person can choose another profile in Tarmac.`);
    await this.#serial(() =>
      this.#settings.update((s) => {
        const mine = new Set(s.toolsetsEnabled?.[client] ?? []);
        mine.add(toolset);
        return { ...s, toolsetsEnabled: { ...s.toolsetsEnabled, [client]: [...mine].sort() } };
      }),
    );
    this.#log.info({ client, toolset }, 'toolset enabled through discovery');
    await this.#recheck();
    return this.listing(client);
  }

  /** Forget the toolsets a client's agent enabled (all, or one): the window's undo. */
  async resetToolsets(client: string, toolset?: string): Promise<void> {
    await this.#serial(() => this.#settings.update((s) => withoutToolsets(s, client, toolset)));
    await this.#recheck();
  }

  /**
   * A client is gone (revoked, unregistered): its rules and its approval switch go with it, so a
   * later client that takes its name starts with none. Only tightens, so anyone may.
   */
  async forgetClient(client: string): Promise<void> {
    const drop = (s: Settings): Settings => {
      const clients = { ...(s.policies?.clients ?? {}) };
      delete clients[client];
      const policies: PolicySet = { ...(s.policies ?? {}), clients };
      if (Object.keys(clients).length === 0) delete policies.clients;
      const approvals = s.approvals?.clients ? { ...s.approvals, clients: s.approvals.clients.filter((c) => c !== client) } : s.approvals;
      const profileClients = { ...(s.profiles?.clients ?? {}) };
      delete profileClients[client];
      const { clients: _pc, ...profileRest } = s.profiles ?? {};
      const profiles = { ...profileRest, ...(Object.keys(profileClients).length ? { clients: profileClients } : {}) };
      const { policies: _p, approvals: _a, profiles: _pr, ...rest } = withoutToolsets(s, client);
      return { ...rest, ...(Object.keys(policies).length ? { policies } : {}), ...(approvals ? { approvals } : {}), ...(Object.keys(profiles).length ? { profiles } : {}) };
    };
    // Always through #update: the confirmed copy may hold the client's rules even when the file
    // does not (removed by a hand edit, to come back after a new client takes the name).
    await this.#update('person', drop);
  }

  /** Is `client`'s approval from this actor allowed? Deny always is; allowing needs a person or --trust-terminal. */
  checkDecision(answer: 'allow-once' | 'allow-always' | 'deny', actor: Actor): void {
    if (answer !== 'deny' && actor === 'terminal' && !this.trustTerminal) {
      throw new LooseningRefusedError(`Refused: approving a call from the terminal is not allowed; ${LOOSEN_IN_WINDOW}. \`tarmac approvals deny ID\` works from anywhere.`);
    }
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

  /**
   * Apply a change to settings.json and to the confirmed state (the same change applied to what
   * was confirmed, so a change waiting for confirmation is not confirmed in passing): always for
   * a person (or a trusted terminal), and for a terminal when it only tightens. A terminal's
   * loosening change is refused.
   */
  async #update(actor: Actor, change: (s: Settings) => Settings): Promise<void> {
    const trusted = actor === 'person' || this.trustTerminal;
    await this.#serial(async () => {
      // The confirmed state as stored now, read inside the queue: a save computed from an older
      // copy would drop what another change (this process's or another's) confirmed meanwhile.
      const confirmed = await this.#freshConfirmed();
      let before: Settings | undefined;
      let loosened: string[] = [];
      await this.#settings.update((s) => {
        before = s;
        const after = change(s);
        loosened = loosenings(protectedState(s), protectedState(after), this.#facts());
        if (!trusted && loosened.length) throw new LooseningRefusedError(`Refused (${loosened.slice(0, 3).join('; ')}${loosened.length > 3 ? '; ...' : ''}): ${LOOSEN_IN_WINDOW}.`);
        return after;
      });
      this.#log.info({ actor, trustTerminal: this.trustTerminal, loosened }, 'guardrails changed');
      // An unreadable store keeps what it has: saving defaults plus this change over it would
      // lose every confirmed deny and pause.
      if (!before || !this.#store || confirmed === UNREADABLE) return;
      const base = confirmed ?? protectedState(before);
      const next = protectedState(change(withProtected(before, base)));
      // A terminal's tightening is kept as confirmed too, so no later hand edit can undo it
      // without a person (a pause from the terminal stays until someone resumes in the window).
      if (trusted || loosenings(base, next, this.#facts()).length === 0) await this.#saveConfirmed(next);
    });
    await this.#recheck();
  }

  async #recheck(notify = true): Promise<void> {
    let state: GuardState;
    try {
      // --trust-terminal: what another process wrote counts as written by Tarmac.
      if (this.trustTerminal && this.#store) {
        const settings = await this.#settings.readFresh();
        const file = protectedState(settings);
        const before = this.#confirmed ?? protectedState({});
        // Even trusted, a program Tarmac would run with the Fly token must be flyctl (checked once per path).
        if (file.flyctlPath && file.flyctlPath !== before.flyctlPath) {
          if (!this.#flyctlChecks.has(file.flyctlPath)) {
            const ok = await this.#isFlyctl(file.flyctlPath);
            this.#flyctlChecks.set(file.flyctlPath, ok);
            if (!ok) this.#log.warn({ path: file.flyctlPath }, 'guardrails: the flyctlPath in settings.json is not flyctl; not in force');
          }
          if (!this.#flyctlChecks.get(file.flyctlPath)) file.flyctlPath = before.flyctlPath;
        }
        if (JSON.stringify(file) !== JSON.stringify(this.#confirmed)) {
          await this.#saveConfirmed(file);
          this.#log.info('guardrails: settings.json changed outside Tarmac; in force at once (--trust-terminal)');
        }
      }
      state = await this.state();
    } catch (err) {
      this.#log.warn({ err: (err as Error).message }, 'guardrails: settings unreadable; every call is refused until fixed');
      return;
    }
    const key = JSON.stringify(state) + JSON.stringify(await this.unconfirmed().catch(() => []));
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

/** The settings without a client's enabled toolsets (all, or one). */
function withoutToolsets(s: Settings, client: string, toolset?: string): Settings {
  const all = { ...(s.toolsetsEnabled ?? {}) };
  const left = toolset ? (all[client] ?? []).filter((t) => t !== toolset) : [];
  if (left.length) all[client] = left;
  else delete all[client];
  const { toolsetsEnabled: _t, ...rest } = s;
  return Object.keys(all).length ? { ...rest, toolsetsEnabled: all } : rest;
}

/** A client's listing from a guard state (pure: used per request by the MCP server too). */
export function listingFrom(state: GuardState, client: string, facts: Parameters<typeof clientListing>[5]): ClientListing {
  return clientListing(state.profiles ?? NO_PROFILES, state.confirmedProfiles, state.enabledToolsets?.[client] ?? [], state.disabledTools, client, facts);
}
