import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { SecretStore } from '../../secrets.js';

/**
 * The one place that knows how Flight Control credentials sit in the keychain. The sign-in
 * flow (a later issue) writes a StoredSession through `writeSession`; the provider reads it,
 * refreshes it and writes rotated tokens back through the same functions.
 */

/** Keychain account names. Everything Flight Control keeps is under the `flightctl:` prefix. */
export const FLIGHTCTL_ACCOUNT_PREFIX = 'flightctl:';
export const ACCOUNTS = {
  /** JSON StoredSession: tokens plus how to refresh them, kept together so a rotation is one write. */
  session: `${FLIGHTCTL_ACCOUNT_PREFIX}session`,
} as const;

export const TokenSetSchema = z.object({
  accessToken: z.string().min(1).optional(),
  idToken: z.string().min(1).optional(),
  refreshToken: z.string().min(1).optional(),
  /** Epoch milliseconds after which the bearer is no longer accepted; absent = unknown. */
  expiresAt: z.number().int().optional(),
  /** Which token is sent as `Authorization: Bearer` (flightctl's `token-to-use`). */
  tokenToUse: z.enum(['id', 'access']),
});
export type TokenSet = z.infer<typeof TokenSetSchema>;

export const RefreshConfigSchema = z.object({
  /**
   * proxy: POST {api}/api/v1/auth/{provider}/token (v1.x servers add the client secret);
   * idp: the identity provider's token endpoint directly (v0.x, OIDC_TOKEN_URL);
   * discover: ask the API's /auth/config at the first refresh (env without OIDC_TOKEN_URL).
   */
  via: z.enum(['proxy', 'idp', 'discover']),
  clientId: z.string().min(1),
  /** proxy: the AuthProvider's metadata.name. */
  providerName: z.string().min(1).optional(),
  /** oidc | oauth2 | openshift | aap | k8s (v1) or OIDC | k8s | AAPGateway (v0). */
  providerType: z.string().optional(),
  /** idp: the token endpoint; when absent it is discovered from the issuer. */
  tokenUrl: z.string().url().optional(),
  /** Expected `iss` of id tokens; also the base for discovery. */
  issuer: z.string().optional(),
  /** Scopes granted at sign-in; `openid` decides whether the id token is the bearer. */
  scopes: z.array(z.string()).optional(),
  /** Trust for the identity provider when it differs from the API's. */
  authCaFile: z.string().optional(),
  authInsecureSkipVerify: z.boolean().optional(),
});
export type RefreshConfig = z.infer<typeof RefreshConfigSchema>;

export const SessionSourceSchema = z.enum(['tarmac', 'env', 'client.yaml']);
export type SessionSource = z.infer<typeof SessionSourceSchema>;

export const StoredSessionSchema = z.object({
  version: z.literal(1),
  apiUrl: z.string().url(),
  /**
   * Where the session came from. `tarmac` = Tarmac's own sign-in. For env / client.yaml, `seed`
   * is a hash of that source's refresh token: while the source still holds the same token, our
   * rotated copy is its continuation; once the source holds a new one (a new `flightctl login`),
   * the source wins again.
   */
  origin: z.object({ source: SessionSourceSchema, seed: z.string().optional() }),
  tokens: TokenSetSchema,
  refresh: RefreshConfigSchema.nullable(),
  /** ISO time of the last write. */
  savedAt: z.string(),
});
export type StoredSession = z.infer<typeof StoredSessionSchema>;

/** Hash of a refresh token: identifies it without keeping a second copy of the secret. */
export function seedOf(refreshToken: string): string {
  return createHash('sha256').update(refreshToken).digest('hex').slice(0, 32);
}

/**
 * Identifies one keychain write of the session (a hash of the stored text, which carries savedAt),
 * without keeping a second copy of the secrets. null = no session entry.
 */
export type SessionFingerprint = string | null;

export function fingerprintOf(raw: string | null): SessionFingerprint {
  return raw ? createHash('sha256').update(raw).digest('hex') : null;
}

/**
 * Keychain changes of the session in this process run one at a time (per keychain service), so
 * "write only if the keychain still holds what I loaded" cannot interleave with a sign-out or a
 * new sign-in.
 */
const queues = new Map<string, Promise<unknown>>();

function withSessionLock<T>(secrets: SecretStore, fn: () => Promise<T>): Promise<T> {
  const key = secrets.service;
  const previous = queues.get(key) ?? Promise.resolve();
  const run = previous.then(fn);
  const tail = run.catch(() => undefined);
  queues.set(key, tail);
  void tail.then(() => {
    if (queues.get(key) === tail) queues.delete(key);
  });
  return run;
}

function parseSession(raw: string | null): StoredSession | null {
  if (!raw) return null;
  try {
    const parsed = StoredSessionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/** The saved session, or null when there is none or it is unreadable (never throws on bad JSON). */
export async function readSession(secrets: SecretStore): Promise<StoredSession | null> {
  return (await readSessionEntry(secrets)).session;
}

/** The saved session and the fingerprint of the entry it was read from. */
export async function readSessionEntry(secrets: SecretStore): Promise<{ session: StoredSession | null; fingerprint: SessionFingerprint }> {
  const raw = await secrets.get(ACCOUNTS.session);
  return { session: parseSession(raw), fingerprint: fingerprintOf(raw) };
}

type NewSession = Omit<StoredSession, 'version' | 'savedAt'>;

function serialise(session: NewSession): { full: StoredSession; raw: string } {
  const full: StoredSession = StoredSessionSchema.parse({ ...session, version: 1, savedAt: new Date().toISOString() });
  return { full, raw: JSON.stringify(full) };
}

export async function writeSession(secrets: SecretStore, session: NewSession): Promise<StoredSession> {
  const { full, raw } = serialise(session);
  await withSessionLock(secrets, () => secrets.set(ACCOUNTS.session, raw));
  return full;
}

/**
 * Writes the session only while the keychain still holds the entry with fingerprint `expected`
 * (null = no entry): a sign-out or another sign-in since then wins. Returns the new entry's
 * fingerprint, or null when nothing was written.
 */
export async function writeSessionIf(secrets: SecretStore, expected: SessionFingerprint, session: NewSession): Promise<SessionFingerprint> {
  const { raw } = serialise(session);
  return withSessionLock(secrets, async () => {
    const current = fingerprintOf(await secrets.get(ACCOUNTS.session));
    if (current !== expected) return null;
    await secrets.set(ACCOUNTS.session, raw);
    return fingerprintOf(raw);
  });
}

/** Puts back a raw session entry (or removes the entry for null), e.g. after a failed sign-in. */
export async function restoreSession(secrets: SecretStore, raw: string | null): Promise<void> {
  await withSessionLock(secrets, async () => {
    if (raw) await secrets.set(ACCOUNTS.session, raw);
    else await secrets.delete(ACCOUNTS.session);
  });
}

export async function deleteSession(secrets: SecretStore): Promise<boolean> {
  return withSessionLock(secrets, () => secrets.delete(ACCOUNTS.session));
}

/** The token that goes into `Authorization: Bearer`, honouring token-to-use with a fallback. */
export function bearerOf(tokens: TokenSet): string | undefined {
  return tokens.tokenToUse === 'id' ? (tokens.idToken ?? tokens.accessToken) : (tokens.accessToken ?? tokens.idToken);
}

/** `exp` of a JWT in epoch ms, without verifying it (only used to schedule refreshes). */
export function jwtExpiry(token: string | undefined): number | undefined {
  const claims = jwtClaims(token);
  return typeof claims?.exp === 'number' ? claims.exp * 1000 : undefined;
}

export function jwtClaims(token: string | undefined): Record<string, unknown> | undefined {
  const part = token?.split('.')[1];
  if (!part) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return claims && typeof claims === 'object' ? (claims as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/**
 * flightctl's rule for the bearer: an OIDC provider that granted `openid` authenticates with
 * the id token (v1.x servers check `aud` = client id, which only the id token carries);
 * OAuth2, OpenShift, AAP and k8s use the access token.
 */
export function tokenToUseFor(providerType: string | undefined, scopes: readonly string[] | undefined): 'id' | 'access' {
  return providerType?.toLowerCase() === 'oidc' && (scopes === undefined || scopes.includes('openid')) ? 'id' : 'access';
}
