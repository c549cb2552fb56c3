/**
 * Waits for shared work (a token refresh, /auth/config, the organization lookup) on behalf of
 * one caller: the caller's cancel ends only its own wait, never the work others share.
 */
export function raceSignal<T>(work: Promise<T>, signal: AbortSignal | undefined): Promise<T> {
  if (!signal) return work;
  if (signal.aborted) return Promise.reject(reasonOf(signal));
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(reasonOf(signal));
    signal.addEventListener('abort', onAbort, { once: true });
    work.then(
      (value) => {
        signal.removeEventListener('abort', onAbort);
        resolve(value);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        reject(err);
      },
    );
  });
}

function reasonOf(signal: AbortSignal): unknown {
  return signal.reason ?? new Error('cancelled');
}
