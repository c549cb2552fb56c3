import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ProviderChoice } from '../../../../shared/api.js';
import { api } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Button, Spinner } from '../../../components/ui.js';

/**
 * A signed-in account's lists: Flight Control's organization to work in, Fly.io's organizations.
 * `account`: a named account's (absent: "default", the one the card above the list shows).
 */
export function ChoicePicker({ provider, label, account }: { provider: string; label: string; account?: string }) {
  const choices = useQuery({ queryKey: [...keys.choices(provider), account ?? null], queryFn: () => api.providerChoices(provider, account) });
  if (choices.error) return <ErrorAlert error={choices.error} />;
  if (choices.isPending) return <Spinner label={`Asking ${label} for ${account ? `the account ${account}’s` : 'this account’s'} organizations…`} />;
  return (
    <>
      {choices.data.map((c) =>
        c.readOnly ? <ChoiceList key={c.id} provider={provider} choice={c} account={account} /> : <Choice key={c.id} provider={provider} choice={c} account={account} />,
      )}
    </>
  );
}

/** A list that is only shown (Fly.io's organizations): names with their slugs. */
function ChoiceList({ provider, choice, account }: { provider: string; choice: ProviderChoice; account: string | undefined }) {
  const id = `${provider}-${account ? `${account}-` : ''}${choice.id}-list`;
  return (
    <div className="stack">
      <h3 className="section-title" id={id}>
        {choice.label} ({choice.options.length})
      </h3>
      {choice.help ? <p className="help">{choice.help}</p> : null}
      {choice.options.length ? (
        <ul className="list-plain choice-list" aria-labelledby={id} data-testid={`${provider}-${account ? `${account}-` : ''}${choice.id}`}>
          {choice.options.map((o) => (
            <li key={o.value}>
              {o.label} <span className="mono muted small">{o.value}</span>
            </li>
          ))}
        </ul>
      ) : (
        <p className="empty">This account belongs to no {choice.label.toLowerCase()} yet.</p>
      )}
    </div>
  );
}

function Choice({ provider, choice, account }: { provider: string; choice: ProviderChoice; account: string | undefined }) {
  const id = useId();
  const [value, setValue] = useState(choice.current ?? choice.options[0]?.value ?? '');
  const set = useMutation({
    mutationFn: () => api.setProviderChoice(provider, choice.id, value, account),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: keys.choices(provider) });
      void queryClient.invalidateQueries({ queryKey: keys.accounts });
    },
  });
  return (
    <form
      className="field"
      onSubmit={(e) => {
        e.preventDefault();
        set.mutate();
      }}
    >
      <label htmlFor={id}>{choice.label}</label>
      <div className="inline-field">
        <select id={id} className="select" value={value} onChange={(e) => setValue(e.target.value)}>
          {choice.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
        <Button type="submit" busy={set.isPending} disabled={value === choice.current}>
          Use this {choice.label.toLowerCase()}
        </Button>
      </div>
      {set.error ? <ErrorAlert error={set.error} /> : null}
    </form>
  );
}
