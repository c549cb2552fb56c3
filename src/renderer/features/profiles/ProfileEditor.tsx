import { useId, useState, type FormEvent } from 'react';
import { backendLabel } from '../../../shared/backends.js';
import { PROFILE_NAME, SHIPPED_PROFILE_NAMES, type ProfileDef } from '../../../shared/profiles.js';
import { listCost } from '../../../shared/tool-cost.js';
import { TOOLSETS } from '../../../shared/toolsets.js';
import { ErrorAlert } from '../../components/ErrorAlert.js';
import { Button } from '../../components/ui.js';
import { tokensText, useSaveProfile } from './useProfiles.js';

type Start = 'all' | 'read' | 'none';

const STARTS: Array<{ value: Start; label: string; help: string }> = [
  { value: 'all', label: 'Everything it may call', help: 'Simplest; costs the most context.' },
  { value: 'read', label: 'Its read tools', help: 'Writes are reached through discovery (turn it on below).' },
  { value: 'none', label: 'Nothing', help: 'Only the discovery tools, when turned on below.' },
];

const BACKENDS = [...new Set(TOOLSETS.map((t) => t.provider))];

/** The editor's fields for a profile (a new one, or one of the person's own being changed). */
function fieldsOf(def: ProfileDef | undefined) {
  const start: Start = def ? (def.start.all ? 'all' : def.start.classes?.includes('read') ? 'read' : 'none') : 'read';
  return {
    name: def?.name ?? '',
    description: def?.description ?? '',
    every: def ? def.bounds.toolsets.includes('*') : false,
    toolsets: new Set(def?.bounds.toolsets.filter((t) => t !== '*') ?? []),
    readOnly: def?.bounds.readOnly === true,
    start,
    discovery: def ? def.start.discovery === true : true,
  };
}

/**
 * Make a profile of one's own, or change one: what its clients may ever call (toolsets, read
 * only) and what their list starts with. The host checks it again (a widening of a profile that
 * clients have is a person's change, which this window is).
 */
export function ProfileEditor({ editing, taken, onDone }: { editing?: ProfileDef; taken: readonly string[]; onDone: (name: string | null) => void }) {
  const id = useId();
  const initial = fieldsOf(editing);
  const [name, setName] = useState(initial.name);
  const [description, setDescription] = useState(initial.description);
  const [every, setEvery] = useState(initial.every);
  const [toolsets, setToolsets] = useState<ReadonlySet<string>>(initial.toolsets);
  const [readOnly, setReadOnly] = useState(initial.readOnly);
  const [start, setStart] = useState<Start>(initial.start);
  const [discovery, setDiscovery] = useState(initial.discovery);
  const save = useSaveProfile();

  const nameProblem = editing
    ? null
    : !name
      ? null
      : !PROFILE_NAME.test(name)
        ? 'Use 1-40 of a-z 0-9 _ - (starting with a letter or digit).'
        : SHIPPED_PROFILE_NAMES.includes(name)
          ? `${name} ships with Tarmac: choose another name.`
          : taken.includes(name)
            ? `There already is a profile ${name}: choose another name, or edit it from its row.`
            : null;
  const boundsProblem = !every && toolsets.size === 0 ? 'Choose at least one toolset, or every toolset.' : null;
  const ready = Boolean(name) && !nameProblem && !boundsProblem;

  const toggle = (toolset: string, on: boolean) =>
    setToolsets((before) => {
      const next = new Set(before);
      if (on) next.add(toolset);
      else next.delete(toolset);
      return next;
    });

  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!ready) return;
    const def: ProfileDef = {
      name,
      description: description.trim(),
      bounds: { toolsets: every ? ['*'] : TOOLSETS.map((t) => t.name).filter((t) => toolsets.has(t)), ...(readOnly ? { readOnly: true } : {}) },
      start: { ...(start === 'all' ? { all: true } : start === 'read' ? { classes: ['read'] } : {}), ...(discovery ? { discovery: true } : {}) },
    };
    save.mutate(def, { onSuccess: () => onDone(name) });
  };

  const title = editing ? `Change the profile ${editing.name}` : 'New profile';
  return (
    <form className="card form profile-editor" aria-labelledby={`${id}-title`} onSubmit={submit} data-testid="profile-editor">
      <h3 className="card-title" id={`${id}-title`}>
        {title}
      </h3>
      <div className="field">
        <label htmlFor={`${id}-name`}>Name</label>
        <input
          id={`${id}-name`}
          className="input"
          value={name}
          readOnly={Boolean(editing)}
          placeholder="ops"
          spellCheck={false}
          onChange={(e) => setName(e.target.value.trim())}
          aria-invalid={nameProblem ? true : undefined}
          aria-describedby={`${id}-name-help`}
        />
        <p className="help" id={`${id}-name-help`}>
          {nameProblem ?? (editing ? 'A profile keeps its name; make a new one for another.' : 'What you pick for a client, e.g. tarmac register claude-code --profile ops.')}
        </p>
      </div>
      <div className="field">
        <label htmlFor={`${id}-description`}>Description (optional)</label>
        <input id={`${id}-description`} className="input" value={description} maxLength={300} onChange={(e) => setDescription(e.target.value)} />
      </div>

      <fieldset className="fieldset" aria-describedby={`${id}-bounds-help`}>
        <legend>May call</legend>
        <p className="help" id={`${id}-bounds-help`}>
          {boundsProblem ?? 'The tools a client with this profile can ever see or call; guardrails still decide each call.'}
        </p>
        <div className="check">
          <input id={`${id}-every`} type="checkbox" checked={every} onChange={(e) => setEvery(e.target.checked)} />
          <label htmlFor={`${id}-every`}>Every toolset (and tools added later)</label>
        </div>
        {BACKENDS.map((backend) => (
          <fieldset key={backend} className="fieldset toolset-group" disabled={every}>
            <legend>{backendLabel(backend)}</legend>
            {TOOLSETS.filter((t) => t.provider === backend).map((t) => (
              <div className="check" key={t.name}>
                <input id={`${id}-ts-${t.name}`} type="checkbox" checked={every || toolsets.has(t.name)} onChange={(e) => toggle(t.name, e.target.checked)} aria-describedby={`${id}-ts-${t.name}-help`} />
                <div>
                  <label htmlFor={`${id}-ts-${t.name}`} className="mono">
                    {t.name}
                  </label>
                  <p className="help" id={`${id}-ts-${t.name}-help`}>
                    {t.description}
                  </p>
                </div>
              </div>
            ))}
          </fieldset>
        ))}
        <div className="check">
          <input id={`${id}-read-only`} type="checkbox" checked={readOnly} onChange={(e) => setReadOnly(e.target.checked)} aria-describedby={`${id}-read-only-help`} />
          <div>
            <label htmlFor={`${id}-read-only`}>Read tools only</label>
            <p className="help" id={`${id}-read-only-help`}>
              Nothing that changes or destroys: write tools stay out of reach whatever the toolsets hold.
            </p>
          </div>
        </div>
      </fieldset>

      <fieldset className="fieldset">
        <legend>Lists first</legend>
        {STARTS.map((s) => (
          <div className="check" key={s.value}>
            <input id={`${id}-start-${s.value}`} type="radio" name={`${id}-start`} value={s.value} checked={start === s.value} onChange={() => setStart(s.value)} aria-describedby={`${id}-start-${s.value}-help`} />
            <div>
              <label htmlFor={`${id}-start-${s.value}`}>{s.label}</label>
              <p className="help" id={`${id}-start-${s.value}-help`}>
                {s.help}
              </p>
            </div>
          </div>
        ))}
        <div className="check">
          <input id={`${id}-discovery`} type="checkbox" checked={discovery} onChange={(e) => setDiscovery(e.target.checked)} aria-describedby={`${id}-discovery-help`} />
          <div>
            <label htmlFor={`${id}-discovery`}>Discovery tools</label>
            <p className="help" id={`${id}-discovery-help`}>
              The agent can see the other toolsets it may call and add one when it needs it ({tokensText(listCost([], true))}).
            </p>
          </div>
        </div>
      </fieldset>

      {save.error ? <ErrorAlert error={save.error} /> : null}
      <div className="btn-row">
        <Button type="submit" variant="primary" busy={save.isPending} disabled={!ready}>
          {editing ? 'Save the changes' : 'Create the profile'}
        </Button>
        <Button onClick={() => onDone(null)}>Cancel</Button>
      </div>
    </form>
  );
}
