/**
 * Waits for work on behalf of one caller: settles with the work, or rejects as soon as the
 * caller's signal aborts. The work itself goes on (a shared token refresh others wait for, or a
 * tool that ignores its signal), only this caller stops waiting.
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
