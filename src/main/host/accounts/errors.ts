/** Why a sign-in ended without signing in. Every message says what happened and that nothing was saved when that is so. */
export type SignInErrorCode =
  /** The person (or the app) cancelled. */
  | 'cancelled'
  /** Nobody finished in the browser in time. */
  | 'timeout'
  /** The browser brought back an answer to a different request. */
  | 'state-mismatch'
  /** The identity provider said no (access_denied, ...). */
  | 'denied'
  /** The loopback callback port cannot be used. */
  | 'port'
  /** The server or provider does not offer this way of signing in. */
  | 'unsupported'
  /** The server did not answer as a Flight Control server should. */
  | 'server'
  /** The authorization code or password could not be turned into tokens. */
  | 'exchange'
  /** The credentials or tokens were not accepted. */
  | 'rejected'
  | 'organization'
  /** Bad input: unknown provider, unreadable file, empty token. */
  | 'input';

export class SignInError extends Error {
  override readonly name = 'SignInError';
  readonly code: SignInErrorCode;

  constructor(code: SignInErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
