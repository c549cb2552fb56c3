import { Lock, PauseCircle, ShieldOff } from 'lucide-react';
import type { ReactNode } from 'react';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Button } from '../../../components/ui.js';
import { useGuardSwitch, useGuardrails } from '../useGuardrails.js';

/**
 * On every page, above everything, while calls are being refused for a reason a person set and
 * may have forgotten: Tarmac paused, read-only mode, or guardrails that cannot be read. Each says
 * what it does to calls and has the one button that undoes it. Resuming and turning read-only off
 * loosen protection: they are done here because this window is the person (the host refuses them
 * from anywhere else). The view arrives as the `guardrails` event, so a pause from the tray or
 * `tarmac pause` shows here at once.
 */
export function GuardStateBar() {
  const view = useGuardrails();
  const change = useGuardSwitch();
  const data = view.data;
  const rows: ReactNode[] = [];
  if (data?.paused) {
    rows.push(
      <StateRow key="paused" tone="danger" icon={<PauseCircle size={16} aria-hidden="true" />} testId="state-paused" title="Tarmac is paused" text="Every tool call is refused until you resume.">
        <Button size="sm" busy={change.isPending && change.variables?.paused === false} disabled={change.isPending} onClick={() => change.mutate({ paused: false })}>
          Resume
        </Button>
      </StateRow>,
    );
  }
  if (data?.readOnly) {
    rows.push(
      <StateRow key="read-only" tone="warn" icon={<Lock size={16} aria-hidden="true" />} testId="state-read-only" title="Read-only mode" text="Calls that write or destroy are refused; reading still works.">
        <Button size="sm" busy={change.isPending && change.variables?.readOnly === false} disabled={change.isPending} onClick={() => change.mutate({ readOnly: false })}>
          Turn off read-only
        </Button>
      </StateRow>,
    );
  }
  // The guardrails cannot be read (settings.json broken, keychain locked): calls fail closed.
  if (view.error && !data) {
    rows.push(
      <StateRow key="unreadable" tone="danger" icon={<ShieldOff size={16} aria-hidden="true" />} testId="state-unreadable" title="Every tool call is refused" text={`Tarmac cannot read its guardrails, so it refuses every call. ${view.error.message}`}>
        {null}
      </StateRow>,
    );
  }
  return (
    // Always in the page, so that a state switched on elsewhere is announced when it appears.
    <section className="state-bar" aria-label="Tarmac’s state" aria-live="polite" data-testid="state-bar">
      {rows}
      {change.error ? <ErrorAlert error={change.error} /> : null}
    </section>
  );
}

function StateRow({ tone, icon, title, text, testId, children }: { tone: 'danger' | 'warn'; icon: ReactNode; title: string; text: string; testId: string; children: ReactNode }) {
  return (
    <div className={`state-row state-${tone}`} data-testid={testId}>
      {icon}
      <p>
        <strong>{title}.</strong> {text}
      </p>
      {children}
    </div>
  );
}
