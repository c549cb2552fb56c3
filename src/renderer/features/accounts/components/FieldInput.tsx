import { useId } from 'react';
import type { SignInField, SignInInput } from '../../../../shared/api.js';
import { Alert } from '../../../components/ui.js';

export function initialValues(fields: SignInField[]): SignInInput {
  const values: SignInInput = {};
  for (const f of fields) values[f.name] = f.value ?? (f.kind === 'boolean' ? false : f.kind === 'select' ? (f.options?.[0]?.value ?? '') : '');
  return values;
}

/** One described field as the matching native control, labelled and with its help. */
export function FieldInput({ field, value, onChange, idPrefix }: { field: SignInField; value: string | boolean | undefined; onChange(v: string | boolean): void; idPrefix: string }) {
  const id = `${idPrefix}-${field.name}-${useId()}`;
  const helpId = field.help ? `${id}-help` : undefined;
  if (field.kind === 'boolean') {
    const checked = value === true;
    return (
      <div className="field">
        <div className="check">
          <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} aria-describedby={helpId} />
          <label htmlFor={id}>{field.label}</label>
        </div>
        {field.help ? (
          <p className="help" id={helpId}>
            {field.help}
          </p>
        ) : null}
        {checked && field.warning ? <Alert tone="warn">{field.warning}</Alert> : null}
      </div>
    );
  }
  const text = typeof value === 'string' ? value : '';
  return (
    <div className="field">
      <label htmlFor={id}>
        {field.label}
        {field.required ? null : <span className="muted small"> (optional)</span>}
      </label>
      {field.kind === 'select' ? (
        <select id={id} className="select" value={text} onChange={(e) => onChange(e.target.value)} aria-describedby={helpId}>
          {field.options?.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      ) : (
        <input
          id={id}
          className="input"
          type={field.kind === 'secret' ? 'password' : field.kind === 'url' ? 'url' : 'text'}
          value={text}
          required={field.required}
          placeholder={field.placeholder}
          autoComplete={field.autocomplete ?? (field.kind === 'secret' ? 'off' : undefined)}
          spellCheck={false}
          onChange={(e) => onChange(e.target.value)}
          aria-describedby={helpId}
        />
      )}
      {field.help ? (
        <p className="help" id={helpId}>
          {field.help}
        </p>
      ) : null}
    </div>
  );
}
