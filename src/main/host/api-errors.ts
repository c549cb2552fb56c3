/** Every failure the host API can meet, as `{ code, message }` the UI branches on. */
import { ApprovalNotFoundError } from './guardrails/approvals.js';
import { ChangedMeanwhileError, LooseningRefusedError, PolicyTargetError, ProfileError } from './guardrails/guardrails.js';
import { ZodError } from 'zod';
import type { ApiErrorCode, ApiErrorData } from '../../shared/api.js';
import type { Redactor } from './activity/redact.js';
import { SignInError, type SignInErrorCode } from './accounts/errors.js';
import { FlySignInError, type FlySignInErrorCode } from './accounts/fly.js';
import { ClientActionError, ConfigParseError, ForeignEntryError, UnknownClientError } from './clients/errors.js';
import { BindError } from './mcp/endpoint.js';
import { InvalidClientNameError } from './mcp/tokens.js';
import { FlightctlError, type FlightctlErrorKind } from './providers/flightctl/errors.js';
import { FlyctlNotFoundError } from './providers/fly/flyctl.js';
import { FlyctlCheckError } from './providers/fly/check-flyctl.js';
import { KeychainUnavailableError } from './secrets.js';
import { SettingsCorruptError } from './settings.js';

/** An error the API raises itself with a chosen code. */
export class HostApiError extends Error {
  override readonly name = 'HostApiError';
  readonly code: ApiErrorCode;
  constructor(code: ApiErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

const SIGN_IN: Record<SignInErrorCode, ApiErrorCode> = {
  cancelled: 'cancelled',
  timeout: 'timeout',
  'state-mismatch': 'denied',
  denied: 'denied',
  port: 'port-busy',
  unsupported: 'unsupported',
  server: 'unreachable',
  exchange: 'invalid-token',
  rejected: 'invalid-token',
  organization: 'invalid-input',
  input: 'invalid-input',
};

const FLY: Record<FlySignInErrorCode, ApiErrorCode> = {
  cancelled: 'cancelled',
  timeout: 'timeout',
  rejected: 'invalid-token',
  input: 'invalid-input',
  failed: 'internal',
};

const FLIGHTCTL: Record<FlightctlErrorKind, ApiErrorCode> = {
  api: 'internal',
  tls: 'unreachable',
  timeout: 'timeout',
  network: 'unreachable',
  unauthorized: 'invalid-token',
  'session-expired': 'invalid-token',
  'signed-out': 'invalid-token',
  config: 'invalid-input',
  organization: 'invalid-input',
  console: 'internal',
};

function codeOf(err: unknown): ApiErrorCode {
  if (err instanceof HostApiError) return err.code;
  if (err instanceof ZodError) return 'invalid-input';
  if (err instanceof SignInError) return SIGN_IN[err.code];
  if (err instanceof FlySignInError) return FLY[err.code];
  if (err instanceof FlightctlError) return FLIGHTCTL[err.kind];
  if (err instanceof FlyctlNotFoundError) return 'flyctl-missing';
  if (err instanceof FlyctlCheckError) return 'invalid-input';
  if (err instanceof KeychainUnavailableError) return 'keychain-unavailable';
  if (err instanceof BindError) return 'port-busy';
  if (err instanceof SettingsCorruptError) return 'settings-corrupt';
  if (err instanceof PolicyTargetError || err instanceof ProfileError) return 'invalid-input';
  if (err instanceof ChangedMeanwhileError) return 'conflict';
  if (err instanceof LooseningRefusedError) return 'denied';
  if (err instanceof ApprovalNotFoundError) return 'not-found';
  if (err instanceof ConfigParseError) return 'config-corrupt';
  if (err instanceof ForeignEntryError) return 'conflict';
  if (err instanceof UnknownClientError) return 'not-found';
  if (err instanceof ClientActionError) return 'invalid-input';
  if (err instanceof InvalidClientNameError) return 'invalid-input';
  if (err instanceof Error && err.name === 'AbortError') return 'cancelled';
  return 'internal';
}

function messageOf(err: unknown): string {
  if (err instanceof ZodError) {
    const issue = err.issues[0];
    const where = issue?.path.length ? ` (${issue.path.join('.')})` : '';
    return `The request was not valid${where}: ${issue?.message ?? 'unexpected value'}. Nothing was changed.`;
  }
  // The registrar speaks to the CLI (--force); the window offers a Replace button instead.
  if (err instanceof ForeignEntryError) return `${err.file} has ${err.what}. Tarmac changes it only when you say so: edit that entry yourself, or choose "Overwrite" to let Tarmac replace or remove it.`;
  if (err instanceof Error) {
    if (err.name === 'AbortError') return 'Cancelled; nothing was saved.';
    return err.message;
  }
  return String(err);
}

/** The error as data, with every known secret taken out of its text. */
export function toApiError(err: unknown, redactor: Redactor): ApiErrorData {
  const message = redactor.text(messageOf(err)).trim() || 'Something went wrong; see the log for details.';
  return { code: codeOf(err), message };
}
