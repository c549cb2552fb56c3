/** Turning what openid-client, the identity provider and the API throw into one clear SignInError. */
import * as oidc from 'openid-client';
import { FlightctlError } from '../providers/flightctl/errors.js';
import { SignInError } from './errors.js';

/** openid-client wraps transport failures; our own errors (TLS, timeout, cancel) carry the better message. */
export function causeOf(err: unknown): Error | undefined {
  let cur: unknown = err;
  for (let i = 0; i < 6 && cur; i++) {
    if (cur instanceof FlightctlError || cur instanceof SignInError) return cur;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

export function cancelledError(): SignInError {
  return new SignInError('cancelled', 'The sign-in was cancelled; nothing was saved.');
}

export function grantError(err: unknown, where: string, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return cancelledError();
  if (err instanceof oidc.ResponseBodyError) {
    return new SignInError('exchange', `The sign-in code was refused by ${where}: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}. Nothing was saved; start the sign-in again.`, { cause: err });
  }
  const inner = causeOf(err);
  if (inner) return inner;
  return new SignInError('exchange', `Exchanging the sign-in code at ${where} failed: ${err instanceof Error ? err.message : String(err)}. Nothing was saved.`, { cause: err });
}

export function passwordError(err: unknown, clientId: string, signal: AbortSignal | undefined): Error {
  if (signal?.aborted) return cancelledError();
  if (err instanceof oidc.ResponseBodyError) {
    if (err.error === 'invalid_grant') return new SignInError('rejected', 'The identity provider did not accept the username or password; nothing was saved.', { cause: err });
    if (['unauthorized_client', 'unsupported_grant_type', 'invalid_client'].includes(err.error)) {
      return new SignInError('unsupported', `The identity provider does not allow password sign-in for the client ${clientId} (${err.error}); sign in with the browser instead.`, { cause: err });
    }
    return new SignInError('exchange', `The identity provider refused the password sign-in: ${err.error}${err.error_description ? ` (${err.error_description})` : ''}.`, { cause: err });
  }
  const inner = causeOf(err);
  if (inner) return inner;
  return new SignInError('exchange', `The password sign-in failed: ${err instanceof Error ? err.message : String(err)}.`, { cause: err });
}

/** The server (or the IdP, on a refresh) refused the tokens: one message that says which and that nothing was saved. */
export function rejected(err: unknown, apiUrl: string): Error {
  if (err instanceof FlightctlError) {
    if (err.kind === 'session-expired') {
      return new SignInError('rejected', 'The identity provider no longer accepts the refresh token of this login (invalid_grant); sign in again (or run `flightctl login` again before importing). Nothing was saved.', { cause: err });
    }
    if (err.kind === 'signed-out') return new SignInError('rejected', 'This login holds no token Flight Control can use; sign in again. Nothing was saved.', { cause: err });
    if (err.kind === 'unauthorized') {
      const why = err.status ? ` (HTTP ${err.status}${err.reason ? `, ${err.reason}` : ''})` : ` (${err.message})`;
      return new SignInError('rejected', `Flight Control at ${apiUrl} did not accept the token from this sign-in${why}; nothing was saved. Check that it belongs to this server and has not expired.`, { cause: err });
    }
  }
  return err instanceof Error ? err : new Error(String(err));
}

export function errorCode(err: unknown): string {
  if (err instanceof SignInError) return err.code;
  if (err instanceof FlightctlError) return err.kind;
  return err instanceof Error ? err.name : 'error';
}
