import { Switch } from 'radix-ui';
import { useId } from 'react';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { useGuardSwitch, useGuardrails } from '../useGuardrails.js';

/** Pause and read-only: one switch each, on the Tools page and the Overview. */
export function GuardSwitches() {
  const view = useGuardrails();
  const change = useGuardSwitch();
  const id = useId();
  const data = view.data;
  return (
    <div className="guard-switches">
      <div className="switch-row">
        <div>
          <label className="label" htmlFor={`${id}-ro`}>
            Read-only mode
          </label>
          <p className="help" id={`${id}-ro-help`}>
            Every call that writes or destroys is refused; reading still works.
          </p>
        </div>
        <Switch.Root
          id={`${id}-ro`}
          className="switch"
          aria-describedby={`${id}-ro-help`}
          checked={data?.readOnly ?? false}
          disabled={!data || change.isPending}
          onCheckedChange={(on) => change.mutate({ readOnly: on })}
        >
          <Switch.Thumb className="switch-thumb" />
        </Switch.Root>
      </div>
      <div className="switch-row">
        <div>
          <label className="label" htmlFor={`${id}-pause`}>
            Pause Tarmac
          </label>
          <p className="help" id={`${id}-pause-help`}>
            Every tool call is refused with “Tarmac is paused” until you turn this off.
          </p>
        </div>
        <Switch.Root
          id={`${id}-pause`}
          className="switch switch-danger"
          aria-describedby={`${id}-pause-help`}
          checked={data?.paused ?? false}
          disabled={!data || change.isPending}
          onCheckedChange={(on) => change.mutate({ paused: on })}
        >
          <Switch.Thumb className="switch-thumb" />
        </Switch.Root>
      </div>
      {view.error ? <ErrorAlert error={view.error} /> : null}
      {change.error ? <ErrorAlert error={change.error} /> : null}
    </div>
  );
}
