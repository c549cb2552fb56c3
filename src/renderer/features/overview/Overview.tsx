import { useEffect, useState } from 'react';
import type { EndpointStatus } from '../../../shared/api.js';
import { getApi } from '../../api.js';

/** The endpoint at a glance: where AI clients connect and whether it is up. */
export function Overview() {
  const [status, setStatus] = useState<EndpointStatus | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    const api = getApi();
    if (!api) {
      setError('Not connected to a Tarmac host.');
      return;
    }
    let stop = false;
    const load = () =>
      api.getStatus().then(
        (s) => !stop && setStatus(s),
        (e: unknown) => !stop && setError(String(e)),
      );
    void load();
    const timer = setInterval(load, 3000);
    return () => {
      stop = true;
      clearInterval(timer);
    };
  }, []);

  if (error) return <p role="alert">{error}</p>;
  if (!status) return <p>Loading…</p>;
  return (
    <section>
      <h1>Tarmac</h1>
      <dl>
        <dt>Endpoint</dt>
        <dd>{status.url ?? '—'}</dd>
        <dt>State</dt>
        <dd>{status.state}{status.error ? `: ${status.error}` : ''}</dd>
        <dt>Tools</dt>
        <dd>{status.tools}</dd>
        <dt>Active sessions</dt>
        <dd>{status.sessions}</dd>
      </dl>
    </section>
  );
}
