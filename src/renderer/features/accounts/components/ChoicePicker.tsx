import { useMutation, useQuery } from '@tanstack/react-query';
import { useId, useState } from 'react';
import type { ProviderChoice } from '../../../../shared/api.js';
import { api } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Button } from '../../../components/ui.js';

/** A signed-in account's lists (Flight Control's organizations). */
export function ChoicePicker({ provider }: { provider: string }) {
  const choices = useQuery({ queryKey: keys.choices(provider), queryFn: () => api.providerChoices(provider) });
  if (choices.error) return <ErrorAlert error={choices.error} />;
  return (
    <>
      {choices.data?.map((c) => (
        <Choice key={c.id} provider={provider} choice={c} />
      ))}
    </>
  );
}

function Choice({ provider, choice }: { provider: string; choice: ProviderChoice }) {
  const id = useId();
  const [value, setValue] = useState(choice.current ?? choice.options[0]?.value ?? '');
  const set = useMutation({
    mutationFn: () => api.setProviderChoice(provider, choice.id, value),
    onSuccess: () => void queryClient.invalidateQueries({ queryKey: keys.choices(provider) }),
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
