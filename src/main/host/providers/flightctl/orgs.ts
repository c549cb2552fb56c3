import { raceSignal } from '../../tools/abort.js';
import type { AuthInfo } from './auth.js';
import type { FlightctlClient } from './client.js';
import { FlightctlError } from './errors.js';

export interface Organization {
  /** metadata.name: the UUID sent as org_id. */
  id: string;
  displayName: string | undefined;
  externalId: string | undefined;
}

interface OrganizationList {
  items?: Array<{ metadata?: { name?: string }; spec?: { displayName?: string; externalId?: string } }>;
}

export interface OrgResolverOptions {
  /** The organization chosen in Tarmac's settings (read each call: the person may change it). */
  chosen: () => Promise<string | undefined>;
  /** The organization the source names (client.yaml `organization`). */
  fromSource: string | undefined;
  /** What the source says about organizations being on; undefined = ask /auth/config. */
  enabledBySource: boolean | undefined;
  authInfo: (signal?: AbortSignal) => Promise<AuthInfo | null>;
}

/**
 * Decides the org_id for every call: the chosen one, else the source's, else the user's only
 * organization. Several and none chosen is an error that names them, never a silent guess.
 */
export class OrgResolver {
  readonly #o: OrgResolverOptions;
  #client: FlightctlClient | undefined;
  #auto: Promise<string | undefined> | undefined;

  constructor(options: OrgResolverOptions) {
    this.#o = options;
  }

  attach(client: FlightctlClient): void {
    this.#client = client;
  }

  async orgId(signal?: AbortSignal): Promise<string | undefined> {
    const chosen = await this.#o.chosen();
    if (chosen) return chosen;
    if (this.#o.fromSource) return this.#o.fromSource;
    // Shared by every caller, so it runs under the requests' own timeouts; a caller's cancel only ends its own wait.
    this.#auto ??= this.#pick().then(
      (id) => {
        this.resolved = id;
        this.problem = null;
        return id;
      },
      (err: unknown) => {
        this.#auto = undefined;
        if (err instanceof FlightctlError && err.kind === 'organization') this.problem = err.message;
        throw err;
      },
    );
    return raceSignal(this.#auto, signal);
  }

  /** The organization picked automatically, once known (for status). */
  resolved: string | undefined;
  /** Why no organization could be picked (several and none chosen...), for status. */
  problem: string | null = null;

  /** Forget the automatic choice (the user may have joined or left organizations). */
  reset(): void {
    this.#auto = undefined;
    this.resolved = undefined;
    this.problem = null;
  }

  async list(signal?: AbortSignal): Promise<Organization[] | null> {
    if (!this.#client) throw new Error('OrgResolver used before attach()');
    const res = await this.#client.get<OrganizationList>('/organizations', {}, { what: 'listing organizations', noOrg: true, accept: [404], ...(signal ? { signal } : {}) });
    // Servers from before organizations have no such endpoint.
    if (res.status === 404) return null;
    return (res.body?.items ?? []).flatMap((o) =>
      o.metadata?.name ? [{ id: o.metadata.name, displayName: o.spec?.displayName || undefined, externalId: o.spec?.externalId || undefined }] : [],
    );
  }

  async #pick(): Promise<string | undefined> {
    let enabled = this.#o.enabledBySource;
    if (enabled === undefined) enabled = (await this.#o.authInfo().catch(() => null))?.organizationsEnabled;
    if (enabled === false) return undefined;
    const orgs = await this.list();
    if (orgs === null) return undefined;
    if (orgs.length === 1) return orgs[0]?.id;
    if (orgs.length === 0) {
      if (enabled === true) {
        throw new FlightctlError('organization', 'Your Flight Control account belongs to no organization, so the server will refuse every request. Ask a Flight Control administrator to add you to one.');
      }
      return undefined;
    }
    throw ambiguousOrganization(orgs);
  }
}

export function describeOrg(o: Organization): string {
  return o.displayName && o.displayName !== o.id ? `${o.displayName} (${o.id})` : o.id;
}

export function ambiguousOrganization(orgs: Organization[]): FlightctlError {
  const names = orgs.slice(0, 10).map(describeOrg).join(', ');
  return new FlightctlError(
    'organization',
    `You belong to ${orgs.length} Flight Control organizations (${names}${orgs.length > 10 ? ', …' : ''}) and none is chosen, ` +
      'so Flight Control cannot tell which one you mean. Choose one: call select_organization with its name or id, ' +
      "or set it in Tarmac's settings (Flight Control → Organization).",
  );
}
