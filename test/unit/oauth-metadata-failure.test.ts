import { describe, expect, it } from 'vitest';
import { describeMetadataFailure } from '../../src/main/host/auth/metadata-failure.js';

/** oidc-provider's error for a document it could not use: a description, a detail, the network error as cause. */
const failure = (cause: unknown, description = 'client_id metadata document fetch failed', detail?: string) =>
  Object.assign(new Error(description), { error: 'invalid_client', error_description: description, ...(detail ? { error_detail: detail } : {}), cause });
const net = (code: string, message = code) => Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error(message), { code }) });
const URL_ID = 'https://apps.example/client.json';

describe('why a client ID metadata document could not be used', () => {
  it.each([
    [net('ERR', 'hostname resolves to a special-use IP address'), /apps\.example is a local or private network address.*only from public https addresses/],
    [net('ENOTFOUND', 'getaddrinfo ENOTFOUND apps.example'), /the name apps\.example could not be looked up\. Check that this computer is online/],
    [net('ECONNREFUSED'), /apps\.example refused the connection/],
    [net('UND_ERR_CONNECT_TIMEOUT'), /did not answer in time/],
    [net('DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate'), /https certificate of apps\.example is not trusted/],
    [new TypeError('bad port'), /port is one that web clients never connect to/],
  ])('names the URL and the reason (%#)', (cause, reason) => {
    const out = describeMetadataFailure(failure(cause), URL_ID)!;
    expect(out.title).toBe("Tarmac could not load this app's sign-in details");
    expect(out.message).toContain(URL_ID);
    expect(out.message).toMatch(reason);
    expect(out.message).toMatch(/Start the sign-in again from your app/);
  });

  it('an HTTP status, a document that is not JSON, and a document that fails its checks', () => {
    expect(describeMetadataFailure(failure(null, 'client_id metadata document fetch failed', 'unexpected response status 404'), URL_ID)?.message).toMatch(/answered HTTP 404 instead of the document/);
    expect(describeMetadataFailure(failure(new SyntaxError('Unexpected token < in JSON at position 0')), URL_ID)?.message).toMatch(/not valid JSON/);
    expect(describeMetadataFailure(failure(null, 'client_id metadata document client_id does not match the expected value'), URL_ID)?.message).toMatch(/the document client_id does not match the expected value\./);
  });

  it('leaves other errors to the generic page', () => {
    expect(describeMetadataFailure(Object.assign(new Error('x'), { error_description: 'redirect_uri did not match' }), URL_ID)).toBeNull();
    expect(describeMetadataFailure(failure(null), undefined)).toBeNull();
  });
});
