/**
 * The pure choices of a Flight Control sign-in: the API address as typed, which auth provider
 * and methods the server's /auth/config offers, the scopes to ask for, and the organization.
 */
import type { FlightctlAuthInfo, FlightctlAuthProvider } from './flightctl-types.js';
import type { AuthInfo, AuthProviderInfo } from '../providers/flightctl/auth.js';
import { trimUrl } from '../providers/flightctl/config.js';
import { describeOrg, type Organization } from '../providers/flightctl/orgs.js';
import { SignInError } from './errors.js';

/** The flightctl CLI's default client ids for v0.x servers, which do not name one. */
const V0_CLIENT_IDS: Record<string, string> = { oidc: 'flightctl', k8s: 'openshift-cli-client' };

/** A chosen way to sign in, normalised over the v1.x and v0.x /auth/config shapes. */
export interface ChosenProvider {
  name: string;
  /** Lower case: oidc | oauth2 | openshift | aap | k8s | aapgateway ... */
  type: string;
  clientId: string | undefined;
  issuer: string | undefined;
  scopes: string[] | undefined;
  authorizationUrl: string | undefined;
  tokenUrl: string | undefined;
  /** v1.x: code exchange and refresh through the API's token proxy; v0.x: at the IdP. */
  via: 'proxy' | 'idp';
}

/** `api.example.com` → `https://api.example.com`; a pasted `/api/v1` suffix and trailing slashes go. */
export function normaliseApiUrl(input: string): string {
  const raw = input.trim();
  if (!raw) throw new SignInError('input', 'The Flight Control API URL is empty.');
  const withScheme = /^[a-z][a-z0-9+.-]*:\/\//i.test(raw) ? raw : `https://${raw}`;
  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    throw new SignInError('input', `"${raw}" is not a URL; give the Flight Control API address, e.g. https://api.flightctl.example.com.`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SignInError('input', `The Flight Control API URL must start with https:// (got ${url.protocol}).`);
  if (url.username || url.password) throw new SignInError('input', 'The Flight Control API URL must not contain a user name or password.');
  url.search = '';
  url.hash = '';
  return trimUrl(url.href).replace(/\/api\/v1$/, '');
}

/** Which sign-in methods Tarmac offers for a provider type (the flightctl CLI's rules). */
export function methodsFor(type: string): FlightctlAuthProvider['methods'] {
  switch (type.toLowerCase()) {
    case 'oidc':
    case 'oauth2':
    case 'openshift':
      return ['browser', 'password', 'token'];
    case 'aap':
    case 'aapgateway':
      return ['browser', 'token'];
    default:
      // k8s and anything newer than Tarmac: a token works for every provider.
      return ['token'];
  }
}

export function toAuthInfo(apiUrl: string, info: AuthInfo): FlightctlAuthInfo {
  if (info.shape === 'disabled') return { apiUrl, authEnabled: false, providers: [], defaultProvider: null, organizationsEnabled: null };
  const providers: FlightctlAuthProvider[] =
    info.shape === 'v1'
      ? info.providers.map((p) => ({ name: p.name, type: p.type ?? 'unknown', displayName: p.displayName ?? null, methods: methodsFor(p.type ?? '') }))
      : [{ name: info.authType ?? 'OIDC', type: info.authType ?? 'OIDC', displayName: null, methods: methodsFor(info.authType ?? '') }];
  const defaultProvider = info.shape === 'v1' ? (info.defaultProvider ?? providers[0]?.name ?? null) : (providers[0]?.name ?? null);
  return { apiUrl, authEnabled: true, providers, defaultProvider, organizationsEnabled: info.organizationsEnabled ?? null };
}

/** The provider asked for, else the server's default, else the first (as the flightctl CLI picks). */
export function chooseProvider(info: AuthInfo, wanted: string | undefined): ChosenProvider {
  if (info.shape === 'v0') {
    const type = (info.authType ?? 'OIDC').toLowerCase();
    if (wanted && wanted.toLowerCase() !== type) {
      throw new SignInError('input', `This Flight Control server (v0.x) has one auth provider, ${info.authType ?? 'OIDC'}; there is no provider named "${wanted}".`);
    }
    return {
      name: info.authType ?? 'OIDC',
      type,
      clientId: V0_CLIENT_IDS[type] ?? 'flightctl',
      issuer: info.authUrl ? trimUrl(info.authUrl) : undefined,
      scopes: type === 'oidc' ? ['openid'] : undefined,
      authorizationUrl: undefined,
      tokenUrl: undefined,
      via: 'idp',
    };
  }
  const providers = info.providers;
  if (providers.length === 0) throw new SignInError('server', 'The Flight Control server lists no enabled auth provider, so there is nothing to sign in with.');
  let p: AuthProviderInfo | undefined;
  if (wanted) {
    p = providers.find((x) => x.name === wanted) ?? providers.find((x) => x.name.toLowerCase() === wanted.toLowerCase());
    if (!p) throw new SignInError('input', `The server has no auth provider named "${wanted}"; it offers ${providers.map((x) => `${x.name} (${x.type ?? 'unknown'})`).join(', ')}.`);
  } else {
    p = providers.find((x) => x.name === info.defaultProvider) ?? providers[0];
  }
  if (!p) throw new SignInError('server', 'The Flight Control server lists no enabled auth provider.');
  return {
    name: p.name,
    type: (p.type ?? 'unknown').toLowerCase(),
    clientId: p.clientId,
    issuer: p.issuer,
    scopes: p.scopes,
    authorizationUrl: p.authorizationUrl,
    tokenUrl: p.tokenUrl,
    via: 'proxy',
  };
}

export function isOidc(p: ChosenProvider): boolean {
  return p.type === 'oidc';
}

/** The scopes to ask for: the provider's own list (OpenShift's fixed one), else openid for OIDC. */
export function scopesFor(p: ChosenProvider): string[] {
  if (p.type === 'openshift') return p.scopes?.length ? p.scopes : ['user:full'];
  if (p.scopes?.length) return p.scopes;
  return isOidc(p) ? ['openid'] : [];
}

/** The organization to save: the one asked for (must be the user's), else the source's if it is one, else the first. */
export function chooseOrganization(orgs: Organization[] | null, requested: string | undefined, fromSource: string | undefined, enabled: boolean | undefined): string | undefined {
  if (orgs === null) {
    if (requested) throw new SignInError('organization', 'This Flight Control server has no organizations, so none can be chosen.');
    return undefined;
  }
  if (requested) return pickOrganization(orgs, requested).id;
  if (enabled === false) return undefined;
  if (fromSource && orgs.some((o) => o.id === fromSource)) return fromSource;
  if (orgs.length === 0) {
    if (enabled === true) {
      throw new SignInError('organization', 'Your Flight Control account belongs to no organization, so the server would refuse every request; nothing was saved. Ask a Flight Control administrator to add you to one.');
    }
    return undefined;
  }
  return orgs[0]?.id;
}

export function pickOrganization(orgs: Organization[], wanted: string): Organization {
  const w = wanted.trim().toLowerCase();
  const org = orgs.find((o) => o.id.toLowerCase() === w) ?? orgs.find((o) => o.displayName?.toLowerCase() === w);
  if (!org) {
    throw new SignInError(
      'organization',
      orgs.length
        ? `You are not a member of an organization "${wanted}"; yours are ${orgs.slice(0, 20).map(describeOrg).join(', ')}${orgs.length > 20 ? ', …' : ''}.`
        : `You are not a member of an organization "${wanted}" (you belong to none).`,
    );
  }
  return org;
}

