/**
 * Safe flyctl argv building. Every value a caller supplies passes through here, so the rules
 * live in one place: no value may start with "-" where flyctl would read it as a flag, no value
 * may contain a newline or NUL, comma-joined lists may not carry commas inside an element.
 * flyctl is executed without a shell, so quoting is never needed.
 */

/** A caller-supplied argument flyctl must not receive; the message names the argument. */
export class ArgumentError extends Error {
  override readonly name = 'ArgumentError';
}

type Scalar = string | number | undefined | null;

/** `KEY=VALUE` with a non-empty key that cannot be mistaken for a flag. */
const KEY_VALUE = /^[^=\s-][^=\s]*=/;

export interface ValueRules {
  /** The argument may legitimately start with "-"; it is then always emitted as --flag=value. */
  allowDash?: boolean;
}

export class ArgvBuilder {
  readonly #argv: string[];

  constructor(...words: string[]) {
    this.#argv = [...words];
  }

  /** Fixed words of the command line (subcommands, constant flags). Never caller data. */
  word(...words: string[]): this {
    this.#argv.push(...words);
    return this;
  }

  /** A required positional argument. */
  positional(name: string, value: Scalar): this {
    const v = present(value);
    if (v === undefined) throw new ArgumentError(`Argument "${name}" is required and must not be empty.`);
    this.#argv.push(checkValue(name, v, {}));
    return this;
  }

  /** An optional positional argument: emitted only when given. */
  optionalPositional(name: string, value: Scalar): this {
    const v = present(value);
    if (v !== undefined) this.#argv.push(checkValue(name, v, {}));
    return this;
  }

  /** One argv element per array element (ips release addresses, secrets unset names). */
  positionals(name: string, values: readonly string[] | undefined, check?: (v: string, index: number) => string | null): this {
    const list = (values ?? []).filter((v) => v !== '');
    if (list.length === 0) throw new ArgumentError(`Argument "${name}" needs at least one non-empty value.`);
    for (const [i, v] of list.entries()) {
      const problem = check?.(v, i);
      if (problem) throw new ArgumentError(`Argument "${name}": ${problem}`);
      this.#argv.push(checkValue(name, v, {}));
    }
    return this;
  }

  /** `flag value` when the value is given (required values use requiredFlag). */
  flag(flag: string, name: string, value: Scalar, rules: ValueRules = {}): this {
    const v = present(value);
    if (v === undefined) return this;
    const checked = checkValue(name, v, rules);
    // "--flag=-x" is the only unambiguous way to pass a dash-leading value to pflag.
    if (checked.startsWith('-')) this.#argv.push(`${flag}=${checked}`);
    else this.#argv.push(flag, checked);
    return this;
  }

  /**
   * A container image, as a positional (required) or as `--image`: only a registry reference. flyctl
   * builds a value starting with "." or "/" from that local folder and uploads it to a builder, so
   * anything that is not an image reference is refused.
   */
  image(name: string, value: Scalar, flag?: string): this {
    const v = present(value);
    if (v === undefined) {
      if (flag) return this;
      throw new ArgumentError(`Argument "${name}" is required and must not be empty.`);
    }
    const problem = imageProblem(v);
    if (problem) throw new ArgumentError(`Argument "${name}": ${problem}`);
    return flag ? this.flag(flag, name, v) : this.positional(name, v);
  }

  requiredFlag(flag: string, name: string, value: Scalar): this {
    if (present(value) === undefined) throw new ArgumentError(`Argument "${name}" is required and must not be empty.`);
    return this.flag(flag, name, value);
  }

  /** A boolean switch: present only when true. */
  switch(flag: string, value: boolean | undefined): this {
    if (value === true) this.#argv.push(flag);
    return this;
  }

  /** `--flag=true|false` when the caller gave a value; nothing otherwise (flyctl keeps its own default). */
  explicitBool(flag: string, value: boolean | undefined): this {
    if (value !== undefined) this.#argv.push(`${flag}=${value ? 'true' : 'false'}`);
    return this;
  }

  /** `--flag=value` for flags with an optional value (pflag NoOptDefVal), where `--flag value` would misparse. */
  attached(flag: string, name: string, value: Scalar): this {
    const v = present(value);
    if (v !== undefined) this.#argv.push(`${flag}=${checkValue(name, v, {})}`);
    return this;
  }

  /** StringArray flags (--env, --metadata): one flag per element, each `KEY=VALUE`. */
  repeated(flag: string, name: string, values: readonly string[] | undefined): this {
    for (const v of nonEmpty(values)) {
      if (!KEY_VALUE.test(v)) throw new ArgumentError(`Argument "${name}": "${preview(v)}" is not NAME=VALUE.`);
      this.#argv.push(flag, checkValue(name, v, {}));
    }
    return this;
  }

  /** StringSlice flags (--port, --volume, --standby-for): one comma-joined value; commas inside elements would split. */
  joined(flag: string, name: string, values: readonly string[] | undefined): this {
    const list = nonEmpty(values);
    if (list.length === 0) return this;
    for (const v of list) {
      checkValue(name, v, {});
      if (v.includes(',')) throw new ArgumentError(`Argument "${name}": "${preview(v)}" must not contain a comma; pass each value as its own array element.`);
    }
    this.#argv.push(flag, list.join(','));
    return this;
  }

  build(): string[] {
    return [...this.#argv];
  }
}

// An image reference as Docker's reference grammar has it: [host[:port]/]path[:tag][@digest].
const DOMAIN_PART = '(?:[A-Za-z0-9]|[A-Za-z0-9][A-Za-z0-9-]*[A-Za-z0-9])';
const DOMAIN = `(?:${DOMAIN_PART}(?:\\.${DOMAIN_PART})*|\\[[A-Fa-f0-9:]+\\])(?::[0-9]+)?`;
const PATH_PART = '[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*';
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9A-Fa-f]{32,}';
const IMAGE_REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_PART}(?:/${PATH_PART})*(?::${TAG})?(?:@${DIGEST})?$`);

/** Why a value is not an image reference flyctl would pull (null when it is one). */
export function imageProblem(value: string): string | null {
  if (/^[.~/\\]|^[A-Za-z]:[\\/]|[\\]/.test(value)) {
    return `"${preview(value)}" is a local path; Tarmac does not build images from folders. Give an image in a registry, e.g. "nginx:1.27" or "registry.fly.io/my-app:deployment-01J..." (build and push one with \`fly deploy --build-only --push\` in the app's folder).`;
  }
  if (value.length > 1024 || !IMAGE_REFERENCE.test(value)) {
    return `"${preview(value)}" is not an image reference like "nginx:1.27", "ghcr.io/org/app:v2" or "registry.fly.io/my-app@sha256:...".`;
  }
  return null;
}

/** Empty strings and absent values mean "not given": models often send "" for optional fields. */
function present(value: Scalar): string | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'number') return formatNumber(value);
  return value === '' ? undefined : value;
}

function nonEmpty(values: readonly string[] | undefined): string[] {
  return (values ?? []).filter((v) => v !== '');
}

/** Shortest decimal form; numbers reaching here were already schema-checked as finite. */
export function formatNumber(n: number): string {
  if (!Number.isFinite(n)) throw new ArgumentError(`${n} is not a finite number.`);
  return String(n);
}

function checkValue(name: string, value: string, rules: ValueRules): string {
  if (/[\n\r\0]/.test(value)) throw new ArgumentError(`Argument "${name}" must not contain a newline or NUL character.`);
  if (value.startsWith('-') && !rules.allowDash) {
    throw new ArgumentError(`Argument "${name}" must not start with "-" (flyctl would read "${preview(value)}" as a flag).`);
  }
  return value;
}

/** A short prefix for error messages: enough to recognise the value without echoing all of it. */
function preview(value: string): string {
  return value.length > 40 ? `${value.slice(0, 40)}...` : value;
}

/** Validates a required argument flyctl does not receive on the command line (it is used afterwards). */
export function checkRequired(name: string, value: Scalar): void {
  new ArgvBuilder().positional(name, value);
}

/** Check for KEY=VALUE arrays given as positionals (fly-secrets-set). Never echoes the element: it may be a secret. */
export function keyValueProblem(v: string, index: number): string | null {
  return KEY_VALUE.test(v) ? null : `element ${index + 1} is not NAME=VALUE (a name without spaces, not starting with "-", then "=").`;
}

/** flyctl reads stdin with a 64 KiB line buffer and silently stops at a longer line. */
const MAX_SECRET_LINE_BYTES = 60 * 1024;

/**
 * NAME=VALUE lines for flyctl's stdin (`secrets import`), checked as strictly as positionals.
 * flyctl's parser skips "#" lines, trims spaces before a value, unwraps one pair of double
 * quotes and treats a value starting with three quotes as a multi-line block. Every value is
 * therefore sent wrapped in double quotes, which the parser takes off again, so spaces, quotes
 * and "#" inside values arrive unchanged; the shapes that cannot be sent so (a value that is a
 * lone double quote or starts with two) are refused rather than silently changed.
 */
export function secretLines(name: string, values: readonly string[] | undefined): string {
  const pairs = new ArgvBuilder().positionals(name, values, secretPairProblem).build();
  return pairs.map((pair) => {
    const at = pair.indexOf('=');
    return `${pair.slice(0, at)}="${pair.slice(at + 1)}"`;
  }).join('\n') + '\n';
}

function secretPairProblem(v: string, index: number): string | null {
  const problem = keyValueProblem(v, index);
  if (problem) return problem;
  if (v.startsWith('#')) return `element ${index + 1} has a name starting with "#", which flyctl would skip as a comment.`;
  // Wrapped in quotes, these would open flyctl's three-quote multi-line block.
  const value = v.slice(v.indexOf('=') + 1);
  if (value.startsWith('""') || value === '"') {
    return `element ${index + 1} has a value that is a lone double quote or starts with two, which flyctl's secrets parser cannot take unchanged.`;
  }
  if (Buffer.byteLength(v) > MAX_SECRET_LINE_BYTES) return `element ${index + 1} is longer than ${MAX_SECRET_LINE_BYTES / 1024} KiB.`;
  return null;
}

/** Replace the VALUE part of KEY=VALUE arguments, for logging an argv that carries secrets. */
export function redactKeyValue(v: string): string {
  const i = v.indexOf('=');
  return i < 0 ? '[redacted]' : `${v.slice(0, i + 1)}[redacted]`;
}
