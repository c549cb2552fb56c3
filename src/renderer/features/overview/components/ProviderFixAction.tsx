import { Link } from 'react-router';
import type { ProviderFix, ProviderStatus } from '../../../../shared/api.js';

/** The one action that makes a provider ready, as a link to where it is done. */
export function ProviderFixAction({ provider, fix }: { provider: ProviderStatus; fix: ProviderFix }) {
  switch (fix.action) {
    case 'install-flyctl':
      return (
        <div className="row">
          <a className="btn btn-primary" href="https://fly.io/docs/flyctl/install/" target="_blank" rel="noreferrer">
            {fix.label}
          </a>
          <Link className="btn" to="/settings#flyctl">
            Set flyctl&rsquo;s path
          </Link>
        </div>
      );
    case 'settings':
      return (
        <div className="row">
          <Link className="btn btn-primary" to="/settings">
            {fix.label}
          </Link>
        </div>
      );
    default:
      return (
        <div className="row">
          <Link className="btn btn-primary" to={`/accounts?provider=${encodeURIComponent(provider.id)}`}>
            {fix.label}
          </Link>
        </div>
      );
  }
}
