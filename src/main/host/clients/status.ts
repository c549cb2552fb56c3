import type { ClientCredential, ClientStatus } from '../../../shared/clients.js';
import { isRecord } from './formats/doc.js';
import type { ClientDef, EntryParams } from './types.js';

export interface EntryStatus {
  status: ClientStatus;
  reason: string | null;
  credential: ClientCredential | null;
  /** The entry named "tarmac" is not Tarmac's: never replaced without --force. */
  foreign: boolean;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Is `url` some Tarmac endpoint on this machine (any port)? */
function looksLikeTarmac(url: string): boolean {
  try {
    const u = new URL(url);
    return u.protocol === 'http:' && LOOPBACK.has(u.hostname) && u.pathname === '/mcp';
  } catch {
    return false;
  }
}

/**
 * What an existing entry means: not there, Tarmac's and current, or stale with the reason
 * (another URL or port, a token revoked or missing, edited by hand, or a foreign entry).
 */
export function entryStatus(def: ClientDef, entry: unknown, expected: EntryParams, keychainToken: string | null | undefined): EntryStatus {
  // undefined: the keychain could not be read (locked, none on this machine): tokens are not compared.
  if (entry === undefined || entry === null) return { status: 'not-registered', reason: null, credential: null, foreign: false };
  const foreign = (why: string): EntryStatus => ({ status: 'foreign', reason: `an entry named "tarmac" that Tarmac did not write (${why})`, credential: null, foreign: true });
  if (!isRecord(entry)) return foreign('not an object');
  const info = def.inspect(entry);
  if (def.transport === 'bridge') {
    if (!info.bridgeClient) return foreign(typeof entry.command === 'string' ? `it starts ${entry.command}` : 'no command');
    const want = def.entry(expected);
    if (entry.command !== want.command) return stale(`it starts ${String(entry.command)}, not this Tarmac (${String(want.command)})`, 'bridge');
    if (info.bridgeClient !== def.id) return stale(`it uses the credential of "${info.bridgeClient}"`, 'bridge');
    if (keychainToken === null) return stale(`the keychain has no token for "${def.id}" (revoked or missing)`, 'bridge');
    const edited = differingKey(entry, want);
    if (edited) return stale(`edited by hand (${edited})`, 'bridge');
    return { status: 'registered', reason: null, credential: 'bridge', foreign: false };
  }
  if (!info.url) return foreign('no URL');
  if (!looksLikeTarmac(info.url)) return foreign(`it points at ${info.url}`);
  const credential: ClientCredential = info.token ? 'token' : 'oauth';
  if (info.url !== expected.url) return stale(`it points at ${info.url}; Tarmac is at ${expected.url}`, credential);
  if (info.token) {
    if (keychainToken === null) return stale(`its token was revoked (the keychain has none for "${def.id}")`, credential);
    if (keychainToken !== undefined && info.token !== keychainToken) return stale(`its token is not "${def.id}"'s current token (revoked or replaced)`, credential);
  } else if (!def.supportsOAuth) {
    return stale(`it has no token, and ${def.label} cannot sign in with OAuth`, credential);
  }
  const edited = differingKey(entry, def.entry({ ...expected, token: info.token }));
  if (edited) return stale(`edited by hand (${edited})`, credential);
  return { status: 'registered', reason: null, credential, foreign: false };
}

function stale(reason: string, credential: ClientCredential): EntryStatus {
  return { status: 'stale', reason, credential, foreign: false };
}

/** The first key Tarmac writes whose value differs; the user's extra keys do not count. */
function differingKey(actual: Record<string, unknown>, want: Record<string, unknown>): string | null {
  for (const [k, v] of Object.entries(want)) if (JSON.stringify(actual[k]) !== JSON.stringify(v)) return k;
  return null;
}
