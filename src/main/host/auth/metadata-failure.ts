/**
 * Why a client ID metadata document could not be used, in words a person can act on. The client
 * names itself with an https URL; Tarmac (through oidc-provider) fetches that document before it
 * shows the consent page. oidc-provider says only "client_id metadata document fetch failed"
 * with the network error as its cause: this reads the cause chain and names the URL and the fix.
 */
export interface MetadataFailure {
  title: string;
  message: string;
}

const TITLE = "Tarmac could not load this app's sign-in details";

/** The explanation for an authorization error, or null when it is not about a metadata document. */
export function describeMetadataFailure(error: unknown, clientId: unknown): MetadataFailure | null {
  const description = String((error as { error_description?: unknown } | null)?.error_description ?? '');
  if (!/client_id metadata document/.test(description) || typeof clientId !== 'string') return null;
  let host = clientId;
  try {
    host = new URL(clientId).host;
  } catch {
    // Not a URL: the document was never fetched; the description below says why.
  }
  const reason = reasonOf(error, description, host);
  return {
    title: TITLE,
    message: `The app identifies itself with the document at ${clientId}, and Tarmac could not use it: ${reason} Start the sign-in again from your app; if it keeps failing, tell the app's maker, or connect the app with a token instead (tarmac register, or Create token on the Clients page).`,
  };
}

function reasonOf(error: unknown, description: string, host: string): string {
  const chain = causes(error);
  const text = chain.map((e) => `${e.code ?? ''} ${e.message ?? ''}`).join(' | ');
  if (/special-use IP address/i.test(text)) {
    return `${host} is a local or private network address. Tarmac fetches these documents only from public https addresses, so that a sign-in link cannot make it reach into your own network.`;
  }
  if (/ENOTFOUND|EAI_AGAIN|getaddrinfo/.test(text)) return `the name ${host} could not be looked up. Check that this computer is online.`;
  if (/ECONNREFUSED/.test(text)) return `${host} refused the connection.`;
  if (/ETIMEDOUT|TimeoutError|aborted due to timeout|UND_ERR_CONNECT_TIMEOUT/i.test(text)) return `${host} did not answer in time.`;
  if (/CERT|certificate|SELF_SIGNED|UNABLE_TO_VERIFY/i.test(text)) return `the https certificate of ${host} is not trusted.`;
  if (/ECONNRESET|socket hang up|other side closed/i.test(text)) return `${host} closed the connection before sending the document.`;
  if (/bad port/i.test(text)) return `its port is one that web clients never connect to (a port of another service, such as mail).`;
  const status = /unexpected response status (\d+)/.exec(`${text} ${detailOf(error)}`);
  if (status) return `${host} answered HTTP ${status[1]} instead of the document.`;
  if (/JSON/.test(text)) return 'the document is not valid JSON.';
  if (/fetch not allowed/.test(description)) return 'fetching it is not allowed.';
  // oidc-provider's own checks of the document (client_id mismatch, secrets, non-https URIs).
  const checked = /client_id metadata document (.+)/.exec(description)?.[1];
  if (checked && !/fetch failed/.test(checked)) return `the document ${checked.replace(/\.$/, '')}.`;
  return `the request for it failed (${chain.at(-1)?.message ?? description}).`;
}

interface ErrorLike {
  code?: string;
  message?: string;
}

/** The error and its causes, outermost first (bounded: a cause cycle cannot loop). */
function causes(error: unknown): ErrorLike[] {
  const out: ErrorLike[] = [];
  let e: unknown = error;
  for (let i = 0; i < 8 && e && typeof e === 'object'; i++) {
    const { code, message, name } = e as { code?: unknown; message?: unknown; name?: unknown };
    out.push({ code: typeof code === 'string' ? code : undefined, message: `${typeof name === 'string' ? `${name}: ` : ''}${typeof message === 'string' ? message : ''}` });
    e = (e as { cause?: unknown }).cause;
  }
  return out;
}

function detailOf(error: unknown): string {
  const detail = (error as { error_detail?: unknown } | null)?.error_detail;
  return typeof detail === 'string' ? detail : '';
}
