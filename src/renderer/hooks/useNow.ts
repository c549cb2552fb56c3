import { useEffect, useState } from 'react';

/**
 * The time of this render, with a render at least every `everyMs`: for texts like "2 minutes ago"
 * and "active now", which change with the clock and not with the host (nothing is asked of the
 * host). A render for another reason (a host event) gets the time of that render, never an older one.
 */
export function useNow(everyMs: number): number {
  const [, setTick] = useState(0);
  useEffect(() => {
    const tick = setInterval(() => setTick((n) => n + 1), everyMs);
    return () => clearInterval(tick);
  }, [everyMs]);
  return Date.now();
}
