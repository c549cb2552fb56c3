import { Search } from 'lucide-react';
import { useId } from 'react';
import { TOOL_CALL_STATUSES } from '../../../../shared/activity.js';
import { TOOL_CLASSES } from '../../../../shared/policy.js';
import { Button } from '../../../components/ui.js';
import { KEYS, RANGES, type FilterState } from '../filter.js';
import { STATUS } from '../format.js';

/** The filters, each a labelled native control; changes go to the URL. */
export function ActivityFilters({ state, clients, providers, onChange }: { state: FilterState; clients: string[]; providers: string[]; onChange(next: Partial<FilterState>): void }) {
  const id = useId();
  const active = KEYS.some((k) => state[k] !== '');
  const select = (key: keyof FilterState, label: string, options: Array<{ value: string; label: string }>) => (
    <div className="field">
      <label htmlFor={`${id}-${key}`}>{label}</label>
      <select id={`${id}-${key}`} className="select" value={state[key]} onChange={(e) => onChange({ [key]: e.target.value })}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </select>
    </div>
  );
  const all = (xs: string[], label: string) => [{ value: '', label }, ...xs.map((x) => ({ value: x, label: x }))];
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
      {select('client', 'Client', all(clients, 'All clients'))}
      {select('provider', 'Provider', all(providers, 'All providers'))}
      {select('class', 'Class', all([...TOOL_CLASSES], 'All classes'))}
      {select('status', 'Status', [{ value: '', label: 'Any status' }, ...TOOL_CALL_STATUSES.map((s) => ({ value: s, label: STATUS[s].label }))])}
      <div className="field">
        <label htmlFor={`${id}-tool`}>Tool</label>
        <input id={`${id}-tool`} className="input mono" placeholder="e.g. fly-apps-list" value={state.tool} onChange={(e) => onChange({ tool: e.target.value })} spellCheck={false} />
      </div>
      {active ? (
        <div className="field filters-reset">
          <Button onClick={() => onChange(Object.fromEntries(KEYS.map((k) => [k, ''])))}>Clear filters</Button>
        </div>
      ) : null}
    </form>
  );
}
