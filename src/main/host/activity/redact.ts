/**
 * Scrubs secrets before anything is stored or shown: values under secret-looking keys, values of
 * arguments a tool marks secret, and every string the SecretStore has handed out or stored.
 */
export const REDACTED = '[redacted]';

const SECRET_KEY = /(token|secret|password|passwd|authorization|api[-_]?key|private[-_]?key|credential|cookie|session[-_]?key)/i;
/** Secrets shorter than this are not scrubbed from free text: they would match ordinary words. */
const MIN_SCRUB_LENGTH = 6;
/** How many secrets seen in tool arguments are remembered: the newest, for the calls still running or just logged. */
export const TRANSIENT_SECRETS = 256;

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
    return SECRET_KEY.test(key);
  }

  /** Replace every known secret inside free text. */
  text(input: string): string {
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

  /** Deep copy of a value with secret keys, secret arguments and known secret strings replaced. */
  value(input: unknown, secretKeys: readonly string[] = []): unknown {
    return this.#walk(input, new Set(secretKeys), 0);
  }

  args(input: Record<string, unknown>, secretKeys: readonly string[] = []): Record<string, unknown> {
    return this.#walk(input, new Set(secretKeys), 0) as Record<string, unknown>;
  }

  #walk(input: unknown, secretKeys: Set<string>, depth: number): unknown {
    if (typeof input === 'string') return this.text(input);
    if (input === null || typeof input !== 'object') return input;
    if (depth > 32) return '[too deep]';
    if (Array.isArray(input)) return input.map((v) => this.#walk(v, secretKeys, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [key, value] of Object.entries(input)) {
      if (secretKeys.has(key) || (this.isSecretKey(key) && value !== null && typeof value !== 'boolean')) {
        out[key] = redactWhole(value);
      } else {
        out[key] = this.#walk(value, secretKeys, depth + 1);
      }
    }
    return out;
  }
}

/** A secret map (like secrets to set) keeps its keys so the log still says which were touched. */
function redactWhole(value: unknown): unknown {
  if (value && typeof value === 'object' && !Array.isArray(value)) {
    return Object.fromEntries(Object.keys(value).map((k) => [k, REDACTED]));
  }
  if (Array.isArray(value)) return value.map(() => REDACTED);
  return REDACTED;
}
