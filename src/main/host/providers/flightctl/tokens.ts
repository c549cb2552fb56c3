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

/** The saved session, or null when there is none or it is unreadable (never throws on bad JSON). */
export async function readSession(secrets: SecretStore): Promise<StoredSession | null> {
  const raw = await secrets.get(ACCOUNTS.session);
  if (!raw) return null;
  try {
    const parsed = StoredSessionSchema.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

export async function writeSession(secrets: SecretStore, session: Omit<StoredSession, 'version' | 'savedAt'>): Promise<StoredSession> {
  const full: StoredSession = StoredSessionSchema.parse({ ...session, version: 1, savedAt: new Date().toISOString() });
  await secrets.set(ACCOUNTS.session, JSON.stringify(full));
  return full;
}

export async function deleteSession(secrets: SecretStore): Promise<boolean> {
  return secrets.delete(ACCOUNTS.session);
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
