import { z } from 'zod';

/**
 * Where a client stands with Tarmac, per its config file(s). stale: Tarmac's entry, out of date
 * (Repair fixes it); unreadable: the file does not parse (or is over the size limit), so Tarmac
 * cannot tell and changes nothing; foreign: an entry named "tarmac" that Tarmac did not write.
 */
export type ClientStatus = 'not-registered' | 'registered' | 'stale' | 'unreadable' | 'foreign';

/** How a registered client proves who it is: its own static token, or MCP OAuth (URL only in the file). */
export type ClientCredential = 'token' | 'oauth' | 'bridge';

export interface ClientConfigState {
  path: string;
  exists: boolean;
  status: ClientStatus;
  /**
   * Why the entry is stale (different URL, token revoked, edited by hand), what the foreign entry
   * is, or why the file cannot be read ("line 3, column 5: a comment, which plain JSON does not allow").
   */
  reason: string | null;
}

export interface ClientState {
  id: string;
  label: string;
  /**
   * The client looks installed: its folder or config file is there, with something in it that
   * Tarmac did not put there (a config file Tarmac wrote for a client not installed yet does not count).
   */
  detected: boolean;
  status: ClientStatus;
  reason: string | null;
  credential: ClientCredential | null;
  /** The client can sign in with MCP OAuth (the --oauth option). */
  supportsOAuth: boolean;
  /** Last request seen from this client (ISO time), if any, also from a credential since removed. */
  lastConnectedAt: string | null;
  files: ClientConfigState[];
  /** A link the client itself opens to add Tarmac (Cursor, VS Code, LM Studio), when it has one. */
  installLink: string | null;
  /** The client's own CLI command that adds Tarmac (argv), when it has one (VS Code: `code --add-mcp`). */
  installCommand: string[] | null;
  /** The entry to paste by hand, for clients that are not installed. */
  snippet: string;
}

export interface ClientChange {
  id: string;
  path: string;
  /** Unified diff of the file, empty when nothing changes. */
  diff: string;
  changed: boolean;
  /** False for a dry run. */
  written: boolean;
  /** Copy of the previous file, when one was made. */
  backup: string | null;
}

const CLIENT_ID = z.string().regex(/^[a-z0-9][a-z0-9-]{0,40}$/, 'a client id such as "cursor" or "claude-code"');

export const ClientActionInputSchema = z.object({
  clients: z.array(CLIENT_ID).min(1),
  /** Register for MCP OAuth: the URL alone in the file. */
  oauth: z.boolean().optional(),
  /** Compute the exact change without writing anything. */
  dryRun: z.boolean().optional(),
  /** Replace an entry named "tarmac" that Tarmac did not write. */
  force: z.boolean().optional(),
  /** The profile to give the client (register; default: essentials for a new client, unchanged otherwise). */
  profile: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,39}$/, 'a profile name such as "essentials"').optional(),
});
export type ClientActionInput = z.infer<typeof ClientActionInputSchema>;

export const ClientActionSchema = z.enum(['register', 'unregister', 'repair']);
export type ClientAction = z.infer<typeof ClientActionSchema>;
