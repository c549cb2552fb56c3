/**
 * The credentials MCP clients reach Tarmac's endpoint with, as the window lists them: a static
 * bearer token (`tarmac token create`, a registration, the Clients page) or an OAuth sign-in made
 * from the client itself. Names are unique across both kinds. Nothing here is a secret: a new
 * token travels only in the answer to the request that made it.
 */

export type CredentialKind = 'token' | 'oauth';

export interface McpCredential {
  name: string;
  kind: CredentialKind;
  /** ISO time; null when unknown (a token made before Tarmac kept dates). */
  createdAt: string | null;
  /** When its last tool call started (ISO), per the history; null when none is recorded. */
  lastUsedAt: string | null;
  /** Its last request to the endpoint (ISO, to the minute or better); null when never seen. */
  lastConnectedAt: string | null;
}

/** The answer to creating a token: the one time its value is shown. */
export interface CreatedToken {
  name: string;
  token: string;
}

/** A client's name: the CLI, the window and OAuth all keep to this. */
export const CLIENT_NAME_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/;

/** The rule, in words, for error messages and form help. */
export const CLIENT_NAME_RULE = 'use 1-64 lower-case letters, digits, ".", "_" or "-", starting with a letter or digit';
