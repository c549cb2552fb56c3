import { Search } from 'lucide-react';
import { memo, useId } from 'react';
import { TOOL_CALL_STATUSES } from '../../../../shared/activity.js';
import { TOOL_CLASSES } from '../../../../shared/policy.js';
import { Button } from '../../../components/ui.js';
import { KEYS, RANGES, type FilterState } from '../filter.js';
import { STATUS } from '../format.js';

export interface Choice {
  value: string;
  label: string;
}

/** The Client filter's choices: clients that can connect now, and those only the history knows (revoked). */
export interface ClientChoices {
  current: Choice[];
  revoked: Choice[];
}

/** The filters, each a labelled native control; changes go to the URL. (Memoized: live calls re-render the page every frame.) */
export const ActivityFilters = memo(function ActivityFilters({
  state,
  clients,
  providers,
  tools,
  onChange,
}: {
  state: FilterState;
  clients: ClientChoices;
  providers: Choice[];
  tools: string[];
  onChange(next: Partial<FilterState>): void;
}) {
  const id = useId();
  const active = KEYS.some((k) => state[k] !== '');
  const select = (key: keyof FilterState, label: string, options: Choice[], groups: Array<{ label: string; options: Choice[] }> = []) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <select id={`${id}-${key}`} className="select" value={state[key]} onChange={(e) => onChange({ [key]: e.target.value })}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {groups
          .filter((g) => g.options.length > 0)
          .map((g) => (
            <optgroup key={g.label} label={g.label}>
              {g.options.map((o) => (
                <option key={o.value} value={o.value}>
                  {o.label}
                </option>
              ))}
            </optgroup>
          ))}
      </select>
    </div>
  );
  // A client in the URL that neither list has (typed by hand, or gone) still shows as chosen.
  const known = [...clients.current, ...clients.revoked].some((c) => c.value === state.client);
  const clientOptions = [{ value: '', label: 'All clients' }, ...(state.client && !known ? [{ value: state.client, label: state.client }] : []), ...clients.current];
  return (
    <form className="filters" role="search" aria-label="Filter tool calls" onSubmit={(e) => e.preventDefault()}>
      <div className="field filters-text">
        <label htmlFor={`${id}-text`}>Search</label>
        <div className="input-icon">
          <Search size={14} aria-hidden="true" />
          <input
            id={`${id}-text`}
            className="input"
            type="search"
            placeholder="Tool, arguments or answer"
            value={state.text}
            onChange={(e) => onChange({ text: e.target.value })}
          />
        </div>
      </div>
      {select('range', 'Time', RANGES.map((r) => ({ value: r.value, label: r.label })))}
      {select('client', 'Client', clientOptions, [{ label: 'Revoked (in the history only)', options: clients.revoked }])}
      {select('provider', 'Provider', [{ value: '', label: 'All providers' }, ...providers])}
      {select('class', 'Class', [{ value: '', label: 'All classes' }, ...TOOL_CLASSES.map((c) => ({ value: c, label: c }))])}
      {select('status', 'Status', [{ value: '', label: 'Any status' }, ...TOOL_CALL_STATUSES.map((s) => ({ value: s, label: STATUS[s].label }))])}
      <div className="field">
        <label htmlFor={`${id}-tool`}>Tool</label>
        <input
          id={`${id}-tool`}
          className="input mono"
          placeholder="Part of a name, e.g. apps"
          value={state.tool}
          onChange={(e) => onChange({ tool: e.target.value })}
          spellCheck={false}
          autoComplete="off"
          list={`${id}-tools`}
          aria-describedby={`${id}-tool-help`}
        />
        <span id={`${id}-tool-help`} className="visually-hidden">
          Matches any tool whose name contains this text, in any case.
        </span>
        <datalist id={`${id}-tools`}>
          {tools.map((t) => (
            <option key={t} value={t} />
          ))}
        </datalist>
      </div>
      {active ? (
        <div className="field filters-reset">
          <Button onClick={() => onChange(Object.fromEntries(KEYS.map((k) => [k, ''])))}>Clear filters</Button>
        </div>
      ) : null}
    </form>
  );
});
