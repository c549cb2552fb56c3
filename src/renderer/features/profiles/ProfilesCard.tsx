import { Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { ProfilesView, ProfileView } from '../../../shared/profiles.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Badge, Button } from '../../components/ui.js';
import { ProfileEditor } from './ProfileEditor.js';
import { tokensText, useDeleteProfile } from './useProfiles.js';

/** Every profile: what a client with it may reach, what its list starts with and what that costs a model. */
export function ProfilesCard({ view }: { view: ProfilesView }) {
  // null: no editor open; '': a new profile; a name: that profile of the person's own.
  const [editing, setEditing] = useState<string | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const edited = editing ? view.profiles.find((p) => p.name === editing) : undefined;
  return (
    <section className="stack" aria-labelledby="profiles-title">
      <div>
        <h2 className="section-title" id="profiles-title">
          Profiles
        </h2>
        <p className="help">
          A profile decides which tools a client may ever call and which it lists first. Every tool listed costs context in each of the client's conversations; with discovery the agent adds a
          toolset when it needs one. Make your own here or with <code>tarmac profile create</code>.
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
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {view.profiles.map((p) => (
              <ProfileRow
                key={p.name}
                profile={p}
                onEdit={() => {
                  setSaved(null);
                  setEditing(p.name);
                }}
              />
            ))}
          </tbody>
        </table>
      </div>
      {saved ? (
        <p className="help" role="status">
          Saved the profile {saved}. Give it to a client with the profile picker on its row above.
        </p>
      ) : null}
      {editing === null ? (
        <div className="btn-row">
          <Button
            onClick={() => {
              setSaved(null);
              setEditing('');
            }}
          >
            <Plus size={14} aria-hidden="true" /> New profile…
          </Button>
        </div>
      ) : (
        <ProfileEditor
          key={editing}
          editing={edited && !edited.shipped ? edited.def : undefined}
          taken={view.profiles.map((p) => p.name)}
          onDone={(name) => {
            setEditing(null);
            setSaved(name);
          }}
        />
      )}
    </section>
  );
}

function ProfileRow({ profile: p, onEdit }: { profile: ProfileView; onEdit: () => void }) {
  const [confirming, setConfirming] = useState(false);
  const remove = useDeleteProfile();
  return (
    <tr data-testid={`profile-row-${p.name}`}>
      <th scope="row">
        <span className="mono">{p.name}</span> {p.shipped ? null : <Badge tone="neutral">yours</Badge>}
        <div className="small muted">{p.description}</div>
      </th>
      <td>{`${p.bounds.length} tools${p.readOnly ? ', read only' : ''}`}</td>
      <td>{`${p.start.length} tools${p.discovery ? ' + discovery' : ''}`}</td>
      <td data-testid="tokens">{tokensText(p.tokens)}</td>
      <td>{p.clients.length ? p.clients.join(', ') : <span className="muted">none</span>}</td>
      <td>
        {p.shipped ? (
          <span className="small muted">ships with Tarmac</span>
        ) : confirming && p.clients.length ? (
          <div className="btn-row" role="status">
            <span>
              {p.clients.join(', ')} {p.clients.length === 1 ? 'has' : 'have'} this profile: give {p.clients.length === 1 ? 'it' : 'them'} another one first.
            </span>
            <Button size="sm" onClick={() => setConfirming(false)}>
              OK
            </Button>
          </div>
        ) : confirming ? (
          <div className="btn-row">
            <span>Delete {p.name}?</span>
            <Button size="sm" variant="danger" busy={remove.isPending} onClick={() => remove.mutate(p.name)}>
              Delete
            </Button>
            <Button size="sm" onClick={() => setConfirming(false)}>
              Keep
            </Button>
          </div>
        ) : (
          <div className="btn-row">
            <Button size="sm" variant="ghost" onClick={onEdit} aria-label={`Change the profile ${p.name}`}>
              <Pencil size={14} aria-hidden="true" /> Change
            </Button>
            <Button size="sm" variant="ghost" onClick={() => setConfirming(true)} aria-label={`Delete the profile ${p.name}`}>
              <Trash2 size={14} aria-hidden="true" /> Delete
            </Button>
          </div>
        )}
        {remove.error ? <ErrorAlert error={remove.error} /> : null}
      </td>
    </tr>
  );
}
