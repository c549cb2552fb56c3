import { X } from 'lucide-react';
import { useId } from 'react';
import type { ClientProfileView, ProfilesView } from '../../../shared/profiles.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Button } from '../../components/ui.js';
import { tokensText, useResetToolsets, useSetClientProfile } from './useProfiles.js';

/**
 * One client's profile, picked here (a person in the window may widen it), what its list costs
 * now, and the toolsets its agent enabled, each undoable.
 */
export function ClientProfile({ client, view }: { client: string; view: ProfilesView }) {
  const id = useId();
  const set = useSetClientProfile();
  const reset = useResetToolsets();
  const mine: ClientProfileView = view.clients.find((c) => c.client === client) ?? { client, profile: 'everything', enabledToolsets: [], listed: 0, tokens: 0 };
  return (
    <div className="client-profile" data-testid={`profile-${client}`}>
      <div className="inline-field">
        <label htmlFor={`${id}-profile`} className="small">
          Profile
        </label>
        <select
          id={`${id}-profile`}
          className="select"
          style={{ width: 'auto' }}
          value={mine.profile}
          aria-describedby={`${id}-cost`}
          disabled={set.isPending}
          onChange={(e) => set.mutate({ client, profile: e.target.value })}
        >
          {view.profiles.map((p) => (
            <option key={p.name} value={p.name}>
              {`${p.name} (${p.start.length + (p.discovery ? 3 : 0)} tools, ${tokensText(p.tokens)})`}
            </option>
          ))}
        </select>
      </div>
      <p className="small muted" id={`${id}-cost`} data-testid="listed-now">
        {`Lists ${mine.listed} tools now, about ${tokensText(mine.tokens)} of every conversation.`}
      </p>
      {mine.enabledToolsets.length ? (
        <div className="enabled-toolsets small">
          <span>Enabled by its agent:</span>
          <ul className="chips" aria-label={`Toolsets ${client}'s agent enabled`}>
            {mine.enabledToolsets.map((t) => (
              <li key={t} className="chip">
                <span className="mono">{t}</span>
                <Button size="sm" variant="ghost" aria-label={`Remove ${t} from ${client}'s list`} busy={reset.isPending && reset.variables?.toolset === t} onClick={() => reset.mutate({ client, toolset: t })}>
                  <X size={12} aria-hidden="true" />
                </Button>
              </li>
            ))}
          </ul>
          <Button size="sm" onClick={() => reset.mutate({ client, toolset: null })}>
            Reset all
          </Button>
        </div>
      ) : null}
      <ErrorAlert error={set.error ?? reset.error} titles={{ 'invalid-input': 'The profile was not changed', denied: 'The profile was not changed' }} />
    </div>
  );
}
