/** Reading a sign-in form's values: what the UI sent is checked here, never trusted. */
import type { SignInInput } from '../../../shared/api.js';
import { SignInError } from './errors.js';

/** A trimmed text value, or undefined when absent or blank. */
export function text(input: SignInInput, name: string): string | undefined {
  const v = input[name];
  if (v === undefined || v === false) return undefined;
  if (typeof v !== 'string') throw new SignInError('input', `"${name}" must be text.`);
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** A text value the method cannot do without. */
export function required(input: SignInInput, name: string, label: string): string {
  const v = text(input, name);
  if (v === undefined) throw new SignInError('input', `${label} is required.`);
  return v;
}

/** A secret: kept exactly as typed (no trimming inside), never echoed in the message. */
export function secret(input: SignInInput, name: string, label: string): string {
  const v = input[name];
  if (typeof v !== 'string' || v.trim() === '') throw new SignInError('input', `${label} is required.`);
  return v;
}

export function flag(input: SignInInput, name: string): boolean {
  const v = input[name];
  return v === true || v === 'true';
}

/** A TCP port typed into a form, or undefined when left blank. */
export function port(input: SignInInput, name: string, label: string): number | undefined {
  const v = text(input, name);
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new SignInError('input', `${label} must be a port number between 1 and 65535.`);
  return n;
}

export function unknownMethod(provider: string, method: string): SignInError {
  return new SignInError('unsupported', `${provider} has no sign-in method "${method}".`);
}
