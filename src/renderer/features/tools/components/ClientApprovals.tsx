import { Switch } from 'radix-ui';
import { useState } from 'react';
import type { GuardrailsView } from '../../../../shared/policy.js';
import { ConfirmDialog } from '../../../components/ConfirmDialog.js';
import { useCredentials } from '../../clients/hooks/useCredentials.js';
import { useClientApprovals } from '../useGuardrails.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';

/**
 * Which clients' own UI may answer approvals (elicitation): off for every client, turned on one
 * at a time, after a warning that the client then decides (its UI, or an agent answering its own
 * prompts). A client's answer allows one call, never a lasting rule.
 */
export function ClientApprovals({ view }: { view: GuardrailsView }) {
  const credentials = useCredentials();
  const set = useClientApprovals();
  const [asking, setAsking] = useState<string | null>(null);
  const names = [...new Set([...(credentials.data ?? []).map((c) => c.name), ...view.clientApprovals])].sort();
  return (
    <div className="field" data-testid="client-approvals">
      <h3 className="field-title">Answered in the AI client</h3>
      <p className="help">
        Off for every client: approvals come to this window. Turned on for a client, its own window may answer too, for one call at a time (never “always”), and the
        activity log says the client decided.
      </p>
      {names.length === 0 ? <p className="help">No MCP client can reach Tarmac yet.</p> : null}
      <ul className="switch-list">
        {names.map((name) => {
          const on = view.clientApprovals.includes(name);
          const id = `client-approvals-${name}`;
          return (
            <li key={name} className="switch-row">
              <label htmlFor={id} className="break">
                {name}
              </label>
              <Switch.Root
                id={id}
                className="switch"
                checked={on}
                disabled={set.isPending}
                onCheckedChange={(next) => (next ? setAsking(name) : set.mutate({ client: name, on: false }))}
              >
                <Switch.Thumb className="switch-thumb" />
              </Switch.Root>
            </li>
          );
        })}
      </ul>
      {set.error && !asking ? <ErrorAlert error={set.error} /> : null}
      <ConfirmDialog
        open={asking !== null}
        testId="client-approvals-warning"
        title={`Let ${asking} approve its own calls?`}
        description={`${asking}’s window will be able to allow a call Tarmac holds for approval. Tarmac cannot see who answers there: the client’s UI decides, and an agent that answers its own prompts would approve itself. Each answer allows one call only; rules stay yours to set here.`}
        cancelLabel="Keep approvals in Tarmac"
        confirmLabel={`Let ${asking} approve`}
        busy={set.isPending}
        error={set.error}
        onCancel={() => setAsking(null)}
        onConfirm={() => asking && set.mutate({ client: asking, on: true }, { onSuccess: () => setAsking(null) })}
      />
    </div>
  );
}
