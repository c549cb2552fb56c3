/**
 * Scrubs secrets before anything is stored or shown, by what a value means as well as where it
 * arrives:
 * - arguments a tool declares (`secretArgs`, `redactArgs`: see ArgRedaction);
 * - values whose name looks secret (`API_KEY=...`, `{"password": ...}`, `--token x`): the name
 *   stays visible, the value is hidden;
 * - the password of any URL (`scheme://user:[redacted]@host`) and a token used as a URL's user;
 * - every string the SecretStore has handed out or stored, and every value masked in a tool's
 *   arguments, wherever it shows up again (an error or a result that echoes it).
 */
export const REDACTED = '[redacted]';
/**
 * A value that is a mask already: ours, or one Tarmac shows on purpose (a client config diff
 * writes a replaced token as `tmc_••••••(old)`). Masking it again would hide what changed.
 */
function isMask(value: string): boolean {
  return value === '' || value.includes(REDACTED) || value.includes('••••••');
}

/**
 * How a tool argument is masked, beyond the rules every argument gets:
 * - `secret`: the whole value (each string in it; a map keeps its keys);
 * - `secret-values`: NAME=VALUE strings or a {NAME: VALUE} map of secrets: every VALUE hidden,
 *   names shown (secrets to set);
 * - `env`: the same shape as configuration (machine `env`), which often holds secrets: every
 *   VALUE hidden, names shown;
 * - `command`: a command line: values after password-like flags (`-pSECRET`, `--password x`,
 *   `--token=x`, `-u user:pass`, an `Authorization:` header) and of inline secret assignments
 *   (`PGPASSWORD=x psql`) hidden.
 */
export type ArgRedaction = 'secret' | 'secret-values' | 'env' | 'command';

/** What a tool says about its arguments, for redaction (a ToolSpec or a Fly tool definition). */
export interface RedactionSpec {
  /** Argument names whose whole values are secret (the same as `redactArgs` 'secret'). */
  secretArgs?: readonly string[] | undefined;
  redactArgs?: Readonly<Record<string, ArgRedaction>> | undefined;
}

/** Secrets shorter than this are not scrubbed from free text: they would match ordinary words. */
const MIN_SCRUB_LENGTH = 6;
/** How many secrets seen in tool arguments are remembered: the newest, for the calls still running or just logged. */
export const TRANSIENT_SECRETS = 256;
const MAX_DEPTH = 32;

// ---- Names that look secret ----------------------------------------------------------------

/** Matched on the upper-cased name: *KEY* *TOKEN* *SECRET* *PASSWORD* *PWD* *CREDENTIAL* *PRIVATE* *AUTH*, plus passwd and cookie. */
const SECRET_WORDS = /KEY|TOKEN|SECRET|PASSWORD|PASSWD|PWD|CREDENTIAL|PRIVATE|AUTH|COOKIE/;
/** A bare "key" names the key of a pair (labels, maps), not a secret. */
const NOT_SECRET_NAMES = /^keys?$/i;

/**
 * A name (environment variable, map key, flag, header) whose value is a secret: *KEY*, *TOKEN*,
 * *SECRET*, *PASSWORD*, *PWD*, *CREDENTIAL*, *PRIVATE*, *AUTH* anywhere, *PASS at the end, DSN
 * alone or as the last word (SENTRY_DSN, sentryDsn); case-insensitive.
 */
export function looksSecretName(name: string): boolean {
  if (!name || NOT_SECRET_NAMES.test(name)) return false;
  const upper = name.toUpperCase();
  return SECRET_WORDS.test(upper) || upper.endsWith('PASS') || /(?:^|[^A-Z0-9])DSN$/.test(upper) || /[a-z0-9]Dsn$/.test(name);
}

/** A value that reads like a credential rather than a word: long, letters and digits, no spaces. */
export function looksLikeToken(value: string): boolean {
  if (/\s/.test(value)) return false;
  if (/^(?:gh[pousr]_|github_pat_|glpat-|xox[abpr]-|sk_live_|FlyV1 |fm[12]_)/.test(value)) return true;
  return value.length >= 32 || (value.length >= 16 && /[A-Za-z]/.test(value) && /\d/.test(value));
}

// ---- Free text: URLs, NAME=VALUE, "name": "value" ----------------------------------------

/** Where the values masked while redacting are collected (to be scrubbed from later texts). */
type Found = Set<string> | null;

function note(found: Found, value: string): void {
  if (found && value && !value.includes(REDACTED)) found.add(value);
}

/**
 * The value after `NAME=`: a double-quoted string (also JSON-escaped `\"...\"`), a single-quoted
 * one, or everything up to white space, a quote, `&`, `;`, `<`, `>`, a backtick or a backslash.
 */
const VALUE = String.raw`(\\"(?:[^"\\\n]|\\[^"\n])*\\"|"(?:[^"\\\n]|\\.)*"|'[^'\n]*'|[^\s"'&;<>\x60\\]*)`;
/** `NAME=VALUE` (also `--name=value`, `?name=value`): matched at the "=" and checked behind it for the name. */
const ASSIGNMENT = new RegExp(String.raw`=(?<=(?:^|[^\w.-])-{0,2}([A-Za-z_][\w.-]{0,127})=)` + VALUE, 'g');
/** `"name": "value"` in JSON text. */
const JSON_PAIR = /"([A-Za-z_][\w.-]{0,127})"(\s*:\s*)"((?:[^"\\\n]|\\.)*)"/g;
/** `scheme://user:password@` and `scheme://user@`; the password runs to the last "@" of the authority. */
const URL_USERINFO = /\b([a-z][a-z0-9+.-]{0,30}:\/\/)([^\s/?#"'<>@:\\]*)(?::([^\s/?#"'<>]*))?@/gi;

/** A quoted value keeps its quotes around the mask. */
function maskQuoted(value: string, found: Found): string {
  for (const q of ['\\"', '"', "'"]) {
    if (value.length >= 2 * q.length && value.startsWith(q) && value.endsWith(q)) {
      const inner = value.slice(q.length, -q.length);
      if (isMask(inner)) return value;
      note(found, inner);
      return `${q}${REDACTED}${q}`;
    }
  }
  note(found, value);
  return REDACTED;
}

/** Passwords in URLs, values of secret-looking NAME=VALUE and "name": "value": the rules for any text. */
export function maskText(input: string, found: Found = null): string {
  let out = input;
  if (out.includes('://')) {
    out = out.replace(URL_USERINFO, (match, scheme: string, user: string, password: string | undefined) => {
      if (password !== undefined) {
        if (password === '' || password === REDACTED) return match;
        note(found, password);
        return `${scheme}${user}:${REDACTED}@`;
      }
      if (!looksLikeToken(user)) return match;
      note(found, user);
      return `${scheme}${REDACTED}@`;
    });
  }
  if (out.includes('=')) {
    out = out.replace(ASSIGNMENT, (match, name: string, value: string) => (value === '' || !looksSecretName(name) ? match : `=${maskQuoted(value, found)}`));
  }
  if (out.includes('":')) {
    out = out.replace(JSON_PAIR, (match, name: string, colon: string, value: string) => {
      if (isMask(value) || !looksSecretName(name)) return match;
      note(found, value);
      return `"${name}"${colon}"${REDACTED}"`;
    });
  }
  return out;
}

// ---- Command lines ---------------------------------------------------------------------------

/** A word of a command line that is a flag's value: quoted, or up to white space or a shell operator; never a flag itself. */
const WORD = String.raw`((?!-)(?:"(?:[^"\\]|\\.)*"|'[^']*'|[^\s"'&;|<>\x60]+))`;
/** A flag followed by white space: `--password `, `-token `, `--api-key ` (its name is checked afterwards). */
const FLAG_THEN_SPACE = /(^|[\s"'(])(--?[A-Za-z][\w-]{0,63})[ \t]+/g;
/** The word right where a flag ends (sticky). */
const WORD_HERE = new RegExp(WORD, 'y');
/** `-pSECRET` (mysql) or `-p SECRET`. */
const P_FLAG = new RegExp(String.raw`(^|[\s"'(])-p(?:([ \t]+)` + WORD + String.raw`|([^\s"'&;|<>\x60]+))`, 'g');
/** `-u user:password` (curl and friends). */
const USER_FLAG = /(^|[\s"'(])(-u|-U|--user|--proxy-user)([ \t]+|=)(["']?)([^\s:"']*):([^\s"']+)/g;
/** `Authorization: Bearer x`, `X-Api-Key: x`: a header whose name looks secret. */
const HEADER = /(^|[\s"'(])([A-Za-z][\w-]{0,63}):[ \t]*((?:Bearer|Basic|Token|Bot|Digest)[ \t]+)?([^\s"']+)/gi;

/** A flag whose value is a secret: a secret-looking name, or `--key` / `-key` (a bare "key" is a secret here, unlike a map's key). */
function secretFlag(flag: string): boolean {
  const name = flag.replace(/^-+/, '');
  return looksSecretName(name) || name.toLowerCase() === 'key';
}

/**
 * The word after each flag whose name looks secret, masked. Only those values are consumed: the
 * value of another flag (`sh -c "..."`) may hold more flags to look at.
 */
function maskFlagValues(input: string, found: Found): string {
  let out = '';
  let done = 0;
  FLAG_THEN_SPACE.lastIndex = 0;
  for (let m = FLAG_THEN_SPACE.exec(input); m; m = FLAG_THEN_SPACE.exec(input)) {
    const end = m.index + m[0].length;
    if (!secretFlag(m[2]!)) {
      // Resume right after the flag's name: the white space may start the next flag.
      FLAG_THEN_SPACE.lastIndex = m.index + m[1]!.length + m[2]!.length;
      continue;
    }
    WORD_HERE.lastIndex = end;
    const word = WORD_HERE.exec(input);
    if (!word) continue;
    out += input.slice(done, end) + maskQuoted(word[1]!, found);
    done = end + word[0].length;
    FLAG_THEN_SPACE.lastIndex = done;
  }
  return done === 0 ? input : out + input.slice(done);
}

/** A command line with the values of password-like flags and secret assignments hidden (plus maskText). */
export function maskCommand(input: string, found: Found = null): string {
  let out = maskText(input, found);
  out = maskFlagValues(out, found);
  out = out.replace(P_FLAG, (match, before: string, gap: string | undefined, value: string | undefined, attached: string | undefined) => {
    if (value !== undefined) {
      // `mkdir -p /data/x`, `cp -p ./a`: a path is not a password.
      if (/^(?:\/|\.{1,2}\/|~)/.test(value)) return match;
      return `${before}-p${gap}${maskQuoted(value, found)}`;
    }
    // `-pv`, `-pe`: combined short flags, not a password.
    if (attached === undefined || /^[A-Za-z]{1,2}$/.test(attached)) return match;
    return `${before}-p${maskQuoted(attached, found)}`;
  });
  out = out.replace(USER_FLAG, (match, before: string, flag: string, gap: string, quote: string, user: string, password: string) => {
    // `-u redis://...`: a URL, whose password maskText took out already.
    if (password === REDACTED || password.startsWith('//')) return match;
    note(found, password);
    return `${before}${flag}${gap}${quote}${user}:${REDACTED}`;
  });
  out = out.replace(HEADER, (match, before: string, name: string, scheme: string | undefined, value: string) => {
    if (!looksSecretName(name) || isMask(value) || value.startsWith('//')) return match;
    note(found, value);
    return `${before}${name}: ${scheme ?? ''}${REDACTED}`;
  });
  return out;
}

// ---- Structured values ------------------------------------------------------------------------

function maskString(value: string, meaning: ArgRedaction | null, found: Found): string {
  switch (meaning) {
    case 'secret':
      note(found, value);
      return REDACTED;
    case 'secret-values':
    case 'env': {
      const eq = value.indexOf('=');
      if (eq <= 0) {
        note(found, value);
        return REDACTED;
      }
      const name = value.slice(0, eq);
      const secret = value.slice(eq + 1);
      if (secret === '') return value;
      // An env value is kept out of later texts when it reads like a secret, not when it is a
      // word ("production") that would then vanish from every answer.
      if (meaning === 'secret-values') note(found, secret);
      else seenEnv(found, name)(secret);
      return `${name}=${REDACTED}`;
    }
    case 'command':
      return maskCommand(value, found);
    default:
      return maskText(value, found);
  }
}

/**
 * A value hidden whole; a map keeps its keys so the record still says which were set. `seen` gets
 * each string hidden. `records`, for a value hidden by its name alone: a list of records under a
 * secret-looking name (`secrets: [{name, digest}]`, `tokens: [{id, token}]`) describes secrets
 * rather than holding them, so each record gets the ordinary rules (its own secret-looking keys).
 */
function maskWhole(value: unknown, seen: (v: string) => void, records?: (record: object) => unknown): unknown {
  if (typeof value === 'string') {
    seen(value);
    return REDACTED;
  }
  if (Array.isArray(value)) return value.map((v) => (records && v && typeof v === 'object' && !Array.isArray(v) ? records(v) : maskWhole(v, seen, records)));
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([k, v]) => {
        if (typeof v === 'string') seen(v);
        return [k, REDACTED];
      }),
    );
  }
  return REDACTED;
}

/** The values of an env entry worth scrubbing from later texts: passwords inside it, and itself when it reads like a secret. */
function seenEnv(found: Found, name: string): (v: string) => void {
  return (v) => {
    maskText(v, found);
    if (looksSecretName(name) || looksLikeToken(v)) note(found, v);
  };
}

function maskValue(input: unknown, meaning: ArgRedaction | null, found: Found, depth: number): unknown {
  if (typeof input === 'string') return maskString(input, meaning, found);
  if (input === null || typeof input !== 'object') return meaning === 'secret' && input !== null && typeof input !== 'boolean' ? REDACTED : input;
  if (depth > MAX_DEPTH) return '[too deep]';
  if (Array.isArray(input)) return input.map((v) => maskValue(v, meaning, found, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(input)) {
    if (meaning === 'secret' || meaning === 'secret-values') out[key] = maskWhole(value, (v) => note(found, v));
    else if (meaning === 'env') out[key] = maskWhole(value, seenEnv(found, key));
    else if (looksSecretName(key) && value !== null && typeof value !== 'boolean') out[key] = maskWhole(value, (v) => note(found, v), (r) => maskValue(r, null, found, depth + 2));
    else out[key] = maskValue(value, meaning, found, depth + 1);
  }
  return out;
}

/**
 * A tool's arguments with every secret masked by meaning (see the file comment); the masked
 * values are added to `found`. Pure: no keychain values (Redactor.toolArgs adds those).
 */
export function maskArgs(args: Record<string, unknown>, spec: RedactionSpec = {}, found: Found = null): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(args ?? {})) {
    const meaning = spec.redactArgs?.[key] ?? (spec.secretArgs?.includes(key) ? 'secret' : null);
    if (meaning === 'secret') out[key] = maskWhole(value, (v) => note(found, v));
    else if (meaning) out[key] = maskValue(value, meaning, found, 1);
    else if (looksSecretName(key) && value !== null && typeof value !== 'boolean') out[key] = maskWhole(value, (v) => note(found, v), (r) => maskValue(r, null, found, 2));
    else out[key] = maskValue(value, null, found, 1);
  }
  return out;
}

/** Every string of `raw` that masking changed, with what it became (parallel walk of the two). */
export function maskedStrings(raw: unknown, masked: unknown, out: Array<[string, string]> = [], depth = 0): Array<[string, string]> {
  if (depth > MAX_DEPTH) return out;
  if (typeof raw === 'string') {
    if (typeof masked === 'string' && masked !== raw) out.push([raw, masked]);
    else if (typeof masked !== 'string') out.push([raw, REDACTED]);
  } else if (Array.isArray(raw)) {
    raw.forEach((v, i) => maskedStrings(v, Array.isArray(masked) ? masked[i] : REDACTED, out, depth + 1));
  } else if (raw && typeof raw === 'object') {
    const m = masked && typeof masked === 'object' ? (masked as Record<string, unknown>) : {};
    for (const [k, v] of Object.entries(raw)) maskedStrings(v, m[k] ?? REDACTED, out, depth + 1);
  }
  return out;
}

// ---- The Redactor -------------------------------------------------------------------------------

export class Redactor {
  /** Values from the keychain: kept for the life of the process. */
  readonly #secrets = new Set<string>();
  /** Values from tool arguments: bounded, oldest forgotten first, so a long run does not slow every scrub. */
  readonly #transient = new Set<string>();
  #pattern: RegExp | null = null;

  /**
   * Remember a secret value so it is scrubbed from later texts. Keychain values are kept for good;
   * `transient` ones (secret tool arguments) only among the newest TRANSIENT_SECRETS.
   */
  addSecret(value: string | null | undefined, options: { transient?: boolean } = {}): void {
    if (!value || value.length < MIN_SCRUB_LENGTH || this.#secrets.has(value)) return;
    if (options.transient) {
      if (this.#transient.delete(value)) {
        this.#transient.add(value);
        return;
      }
      this.#transient.add(value);
      if (this.#transient.size > TRANSIENT_SECRETS) this.#transient.delete(this.#transient.values().next().value as string);
    } else {
      this.#transient.delete(value);
      this.#secrets.add(value);
    }
    this.#pattern = null;
  }

  isSecretKey(key: string): boolean {
    return looksSecretName(key);
  }

  /** Free text (a log line, an answer, an error): known secrets, URL passwords and secret-looking NAME=VALUE masked. */
  text(input: string): string {
    return maskText(this.#known(input));
  }

  /** Deep copy of a value (an answer's structured content) with secret keys, secret arguments and known secret strings replaced. */
  value(input: unknown, secretKeys: readonly string[] = []): unknown {
    if (input && typeof input === 'object' && !Array.isArray(input)) return this.args(input as Record<string, unknown>, secretKeys);
    return this.#scrub(maskValue(input, null, null, 0), 0);
  }

  args(input: Record<string, unknown>, secretKeys: readonly string[] = []): Record<string, unknown> {
    return this.#scrub(maskArgs(input, { secretArgs: secretKeys }), 0) as Record<string, unknown>;
  }

  /**
   * A tool call's arguments as they may be stored and shown: masked by meaning (the tool's
   * declarations and the rules for every value). Each masked value is remembered (transient),
   * so the same value echoed in an answer, an error or a log line is scrubbed too.
   */
  toolArgs(input: Record<string, unknown>, spec: RedactionSpec = {}): Record<string, unknown> {
    const found = new Set<string>();
    const masked = maskArgs(input ?? {}, spec, found);
    for (const value of found) this.addSecret(value, { transient: true });
    return this.#scrub(masked, 0) as Record<string, unknown>;
  }

  /** Known secret values replaced inside text. */
  #known(input: string): string {
    if (this.#secrets.size === 0 && this.#transient.size === 0) return input;
    this.#pattern ??= new RegExp(
      [...this.#secrets, ...this.#transient]
        .sort((a, b) => b.length - a.length)
        .map((s) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
        .join('|'),
      'g',
    );
    return input.replace(this.#pattern, REDACTED);
  }

  /** Known secret values out of every string of an already masked value. */
  #scrub(input: unknown, depth: number): unknown {
    if (typeof input === 'string') return this.#known(input);
    if (input === null || typeof input !== 'object' || depth > MAX_DEPTH) return input;
    if (Array.isArray(input)) return input.map((v) => this.#scrub(v, depth + 1));
    return Object.fromEntries(Object.entries(input).map(([k, v]) => [k, this.#scrub(v, depth + 1)]));
  }
}
