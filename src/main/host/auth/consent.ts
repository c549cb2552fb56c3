import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { InteractionDetails, Provider } from 'oidc-provider';
import type { Logger } from '../log.js';
import { consentPage, messagePage, sendPage } from './pages.js';
import type { OAuthStore } from './store.js';
import { MCP_SCOPE, type AuthUrls } from './urls.js';

/** The one person using this desktop; OAuth needs an account id to hang grants on. */
export const LOCAL_ACCOUNT = 'local-user';
const MAX_FORM_BYTES = 4096;

export interface ConsentOptions {
  provider: Provider;
  urls: AuthUrls;
  store: OAuthStore;
  log: Logger;
  nameTaken: (name: string) => boolean;
  /** A client allowed for the first time took `name` (its rules are cleared). */
  onNewClient?: (name: string) => Promise<void>;
}

/**
 * The consent step: GET shows which client asks, where the code goes and what it reaches; POST
 * records Allow or Deny. A POST must come from this origin and carry the interaction's own CSRF
 * token (an HMAC of its id), besides oidc-provider's interaction cookie.
 */
export class ConsentFlow {
  readonly #o: ConsentOptions;
  readonly #key = randomBytes(32);

  constructor(options: ConsentOptions) {
    this.#o = options;
  }

  async handle(req: IncomingMessage, res: ServerResponse, uid: string): Promise<void> {
    if (req.method !== 'GET' && req.method !== 'POST') {
      res.setHeader('Allow', 'GET, POST');
      return sendPage(res, 405, messagePage('Not allowed', 'This page only answers GET and POST.'));
    }
    let details: InteractionDetails;
    try {
      details = await this.#o.provider.interactionDetails(req, res);
    } catch {
      return sendPage(res, 400, messagePage('This sign-in has expired', 'The request is unknown or too old, or was opened in another browser. Start the sign-in again from your app.'));
    }
    if (details.uid !== uid) {
      return sendPage(res, 400, messagePage('This sign-in does not match', 'Start the sign-in again from your app.'));
    }
    const redirectUri = String(details.params.redirect_uri ?? '');
    const redirectOrigin = safeOrigin(redirectUri);
    if (req.method === 'GET') return this.#show(res, details, redirectOrigin);

    const refusal = this.#checkPost(req);
    if (refusal) return sendPage(res, 403, messagePage('Request refused', refusal));
    let form: URLSearchParams;
    try {
      form = await readForm(req);
    } catch (err) {
      return sendPage(res, 400, messagePage('Request refused', (err as Error).message));
    }
    if (!this.#csrfValid(uid, form.get('csrf'))) {
      this.#o.log.warn({ interaction: uid }, 'consent POST without its CSRF token refused');
      return sendPage(res, 403, messagePage('Request refused', 'This form did not come from the page Tarmac showed. Start the sign-in again from your app.'));
    }
    const decision = form.get('decision');
    const clientId = String(details.params.client_id ?? '');
    if (decision === 'deny') {
      this.#o.log.info({ clientId }, 'OAuth client denied');
      return this.#o.provider.interactionFinished(req, res, { error: 'access_denied', error_description: 'The user denied access in Tarmac' }, { mergeWithLastSubmission: false });
    }
    if (decision !== 'allow') return sendPage(res, 400, messagePage('Request refused', 'Choose Allow or Deny.'));

    const client = await this.#o.provider.Client.find(clientId);
    if (!client) return sendPage(res, 400, messagePage('Unknown app', 'This app is no longer registered. Start the sign-in again from your app.'));
    const label = client.clientName ?? safeHost(clientId) ?? safeHost(redirectUri) ?? 'oauth-client';
    // Name first, then the grant: the store keeps tokens only of clients it lists.
    const known = (await this.#o.store.list()).some((c) => c.clientId === clientId);
    const name = await this.#o.store.approve(clientId, label, this.#o.nameTaken);
    // A client allowed for the first time starts with no rules, whatever name it took.
    if (!known) await this.#o.onNewClient?.(name);
    const grant = new this.#o.provider.Grant({ accountId: LOCAL_ACCOUNT, clientId });
    for (const resource of requestedResources(details.params.resource, this.#o.urls.resource)) grant.addResourceScope(resource, MCP_SCOPE);
    const oidcScopes = String(details.params.scope ?? '')
      .split(' ')
      .filter((s) => s === 'openid' || s === 'offline_access' || s === MCP_SCOPE);
    if (oidcScopes.length) grant.addOIDCScope(oidcScopes.join(' '));
    const grantId = await grant.save();
    this.#o.log.info({ client: name, clientId }, 'OAuth client allowed');
    await this.#o.provider.interactionFinished(
      req,
      res,
      { login: { accountId: LOCAL_ACCOUNT }, consent: { grantId } },
      { mergeWithLastSubmission: false },
    );
  }

  async #show(res: ServerResponse, details: InteractionDetails, redirectOrigin: string | null): Promise<void> {
    const clientId = String(details.params.client_id ?? '');
    const client = await this.#o.provider.Client.find(clientId).catch(() => undefined);
    if (!client || !redirectOrigin) return sendPage(res, 400, messagePage('Unknown app', 'Start the sign-in again from your app.'));
    const html = consentPage({
      uid: details.uid,
      csrf: this.#csrf(details.uid),
      clientName: client.clientName ?? null,
      clientIdHost: clientId.startsWith('https://') ? safeHost(clientId) : null,
      redirectHost: new URL(redirectOrigin).host,
      resource: this.#o.urls.resource,
    });
    // The form's answer redirects on to the client: CSP form-action must allow its origin.
    sendPage(res, 200, html, [redirectOrigin]);
  }

  /** Same-origin POST only: a browser always sends Origin on a form POST. */
  #checkPost(req: IncomingMessage): string | null {
    const origin = req.headers.origin;
    if (origin !== this.#o.urls.requestOrigin(req)) return 'The form must be sent from the Tarmac page itself.';
    const site = req.headers['sec-fetch-site'];
    if (site !== undefined && site !== 'same-origin') return 'The form must be sent from the Tarmac page itself.';
    return null;
  }

  #csrf(uid: string): string {
    return createHmac('sha256', this.#key).update(uid).digest('base64url');
  }

  #csrfValid(uid: string, presented: string | null): boolean {
    if (!presented) return false;
    const expected = Buffer.from(this.#csrf(uid));
    const got = Buffer.from(presented);
    return got.length === expected.length && timingSafeEqual(got, expected);
  }
}

function requestedResources(param: unknown, fallback: string): string[] {
  const list = (Array.isArray(param) ? param : [param]).filter((r): r is string => typeof r === 'string' && r.length > 0);
  return list.length ? list : [fallback];
}

async function readForm(req: IncomingMessage): Promise<URLSearchParams> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded') throw new Error('The form must be sent as application/x-www-form-urlencoded.');
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_FORM_BYTES) throw new Error('The form is too large.');
    chunks.push(chunk);
  }
  return new URLSearchParams(Buffer.concat(chunks).toString('utf8'));
}

function safeOrigin(uri: string): string | null {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : null;
  } catch {
    return null;
  }
}

function safeHost(uri: string): string | null {
  try {
    return new URL(uri).host || null;
  } catch {
    return null;
  }
}
