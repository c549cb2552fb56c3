import { ApiError } from '../../shared/api.js';
import { Alert } from './ui.js';

const TITLES: Partial<Record<ApiError['code'], string>> = {
  cancelled: 'Cancelled',
  timeout: 'Took too long',
  'port-busy': 'Port in use',
  'keychain-unavailable': 'Keychain unavailable',
  'invalid-token': 'Not accepted',
  unreachable: 'Cannot reach the server',
  // The message says which value and what is allowed; a place that knows better passes `titles`.
  'invalid-input': 'Value not accepted',
  'flyctl-missing': 'flyctl not found',
  'settings-corrupt': 'Settings file damaged',
  'config-corrupt': 'Config file cannot be read',
  conflict: 'An entry that is not Tarmac’s',
  'not-found': 'Not found',
  denied: 'Refused',
  unsupported: 'Not available',
};

/**
 * An API failure as the person should read it: what happened and what to do (the host's message
 * says both). `titles` names a code the way this place means it (a `conflict` of names, not of files).
 */
export function ErrorAlert({ error, titles }: { error: unknown; titles?: Partial<Record<ApiError['code'], string>> }) {
  if (!error) return null;
  const title = error instanceof ApiError ? (titles?.[error.code] ?? TITLES[error.code] ?? 'Something went wrong') : 'Something went wrong';
  const message = error instanceof Error ? error.message : String(error);
  return (
    <Alert tone={error instanceof ApiError && error.code === 'cancelled' ? 'info' : 'danger'} title={title} live>
      {message}
    </Alert>
  );
}
