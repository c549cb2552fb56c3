import type { ProfilesView } from '../../../shared/profiles.js';
import { Badge } from '../../components/ui.js';
import { tokensText } from './useProfiles.js';

/** Every profile: what a client with it may reach, what its list starts with and what that costs a model. */
export function ProfilesCard({ view }: { view: ProfilesView }) {
  return (
    <section className="stack" aria-labelledby="profiles-title">
      <div>
        <h2 className="section-title" id="profiles-title">
          Profiles
        </h2>
        <p className="help">
          A profile decides which tools a client may ever call and which it lists first. Every tool listed costs context in each of the client's conversations; with discovery the agent adds a
          toolset when it needs one. Make your own with <code>tarmac profile create</code>.
        </p>
      </div>
      {/* A narrow window scrolls the table sideways: the region takes focus so the keyboard can too. */}
      <div className="table-wrap" role="region" aria-labelledby="profiles-title" tabIndex={0}>
        <table className="table" aria-labelledby="profiles-title">
          <thead>
            <tr>
              <th scope="col">Profile</th>
              <th scope="col">May call</th>
              <th scope="col">Lists first</th>
              <th scope="col">Cost of the list</th>
              <th scope="col">Clients</th>
            </tr>
          </thead>
          <tbody>
            {view.profiles.map((p) => (
              <tr key={p.name} data-testid={`profile-row-${p.name}`}>
                <th scope="row">
                  <span className="mono">{p.name}</span> {p.shipped ? null : <Badge tone="neutral">yours</Badge>}
                  <div className="small muted">{p.description}</div>
                </th>
                <td>{`${p.bounds.length} tools${p.readOnly ? ', read only' : ''}`}</td>
                <td>{`${p.start.length} tools${p.discovery ? ' + discovery' : ''}`}</td>
                <td data-testid="tokens">{tokensText(p.tokens)}</td>
                <td>{p.clients.length ? p.clients.join(', ') : <span className="muted">none</span>}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}
