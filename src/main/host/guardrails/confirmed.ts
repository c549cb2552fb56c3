import { z } from 'zod';
import type { ProtectedState } from '../../../shared/policy.js';
import type { SecretStore } from '../secrets.js';
import { PolicySetSchema, ProfileDefSchema, type Settings } from '../settings.js';

/**
 * The protection a person last confirmed, kept out of settings.json: settings.json is a file any
 * process of the user can edit, so what is in it cannot by itself say that a person chose it.
 * Tarmac keeps a copy of the protecting settings it wrote itself (for a person in the window, or
 * with --trust-terminal) in the keychain, and holds the file to it (see effectiveState).
 */
export interface ConfirmedStore {
  load(): Promise<ProtectedState | null>;
  save(state: ProtectedState): Promise<void>;
  /**
   * When a Tarmac started with --trust-terminal last wrote the confirmed state (ISO time), until a
   * person has looked: such a Tarmac may have been started by a program, not by the person.
   */
  trustedWriteAt(): Promise<string | null>;
  markTrustedWrite(at: string): Promise<void>;
  clearTrustedWrite(): Promise<void>;
}

/** The keychain account noting a write by a --trust-terminal Tarmac. */
export const TRUSTED_WRITE_ACCOUNT = 'guardrails:trusted-write';

/** The keychain account holding the confirmed state. */
export const CONFIRMED_ACCOUNT = 'guardrails:confirmed';

const ProtectedSchema = z.object({
  policies: PolicySetSchema,
  readOnly: z.boolean(),
  paused: z.boolean(),
  disabledTools: z.array(z.string()),
  clientApprovals: z.array(z.string()),
  flyctlPath: z.string().nullable(),
  // A copy kept before profiles existed has none: every client then had every tool.
  profiles: z
    .object({ defs: z.record(z.string(), ProfileDefSchema), clients: z.record(z.string(), z.string()), accounts: z.record(z.string(), z.record(z.string(), z.string())).optional() })
    .default({ defs: {}, clients: {} }),
});

/** The keychain's copy. A copy that does not parse counts as none kept: the strict defaults. */
export function keychainConfirmedStore(secrets: SecretStore): ConfirmedStore {
  return {
    async load() {
      const raw = await secrets.get(CONFIRMED_ACCOUNT);
      if (raw === null) return null;
      try {
        const parsed = ProtectedSchema.safeParse(JSON.parse(raw));
        if (parsed.success) return parsed.data;
      } catch {
        // fall through
      }
      throw new Error('the confirmed guardrails in the keychain are unreadable');
    },
    async save(state) {
      await secrets.set(CONFIRMED_ACCOUNT, JSON.stringify(state));
    },
    trustedWriteAt: () => secrets.get(TRUSTED_WRITE_ACCOUNT),
    markTrustedWrite: (at) => secrets.set(TRUSTED_WRITE_ACCOUNT, at),
    async clearTrustedWrite() {
      await secrets.delete(TRUSTED_WRITE_ACCOUNT);
    },
  };
}

/** In memory, for tests and for processes that must not touch the keychain. */
export function memoryConfirmedStore(initial: ProtectedState | null = null): ConfirmedStore & { current: ProtectedState | null; trusted: string | null } {
  const store = {
    current: initial,
    trusted: null as string | null,
    async load() {
      return store.current;
    },
    async save(state: ProtectedState) {
      store.current = state;
    },
    async trustedWriteAt() {
      return store.trusted;
    },
    async markTrustedWrite(at: string) {
      store.trusted = at;
    },
    async clearTrustedWrite() {
      store.trusted = null;
    },
  };
  return store;
}

/** The protecting part of the settings, normalised (absent = default). */
export function protectedState(s: Settings): ProtectedState {
  return {
    policies: s.policies ?? {},
    readOnly: s.readOnly ?? false,
    paused: s.paused ?? false,
    disabledTools: [...(s.disabledTools ?? [])].sort(),
    clientApprovals: [...(s.approvals?.clients ?? [])].sort(),
    flyctlPath: s.flyctlPath ?? null,
    profiles: {
      defs: { ...(s.profiles?.defs ?? {}) },
      clients: { ...(s.profiles?.clients ?? {}) },
      // Which account each profile's calls use: absent (not empty) when none is bound, so a copy from before several accounts compares equal.
      ...(s.profiles?.accounts && Object.keys(s.profiles.accounts).length ? { accounts: structuredClone(s.profiles.accounts) } : {}),
    },
  };
}

/** The settings with their protecting part replaced by `state` (everything else kept). */
export function withProtected(s: Settings, state: ProtectedState): Settings {
  const { policies: _p, readOnly: _r, paused: _z, disabledTools: _d, flyctlPath: _f, approvals, profiles: _pr, ...rest } = s;
  const { clients: _c, ...otherApprovals } = approvals ?? {};
  const nextApprovals = { ...otherApprovals, ...(state.clientApprovals.length ? { clients: [...state.clientApprovals] } : {}) };
  return {
    ...rest,
    ...(Object.keys(state.policies).length ? { policies: structuredClone(state.policies) } : {}),
    ...(state.readOnly ? { readOnly: true } : {}),
    ...(state.paused ? { paused: true } : {}),
    ...(state.disabledTools.length ? { disabledTools: [...state.disabledTools] } : {}),
    ...(state.flyctlPath ? { flyctlPath: state.flyctlPath } : {}),
    ...(Object.keys(nextApprovals).length ? { approvals: nextApprovals } : {}),
    ...profilesSetting(state.profiles ?? { defs: {}, clients: {} }),
  };
}

/** The settings' `profiles` key for a profile state (absent when there is nothing to say). */
export function profilesSetting(p: NonNullable<ProtectedState['profiles']>): Pick<Settings, 'profiles'> {
  const defs = Object.keys(p.defs).length ? { defs: structuredClone(p.defs) as Record<string, z.infer<typeof ProfileDefSchema>> } : {};
  const clients = Object.keys(p.clients).length ? { clients: { ...p.clients } } : {};
  const accounts = p.accounts && Object.keys(p.accounts).length ? { accounts: structuredClone(p.accounts) as Record<string, Record<string, string>> } : {};
  return Object.keys(defs).length || Object.keys(clients).length || Object.keys(accounts).length ? { profiles: { ...defs, ...clients, ...accounts } } : {};
}
