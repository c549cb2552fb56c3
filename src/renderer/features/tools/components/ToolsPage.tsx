import { Switch } from 'radix-ui';
import { Search } from 'lucide-react';
import { useId, useMemo, useState } from 'react';
import { describeRule, POLICIES, type GuardrailsView, type Policy, type PolicyTarget, type ToolPolicyView } from '../../../../shared/policy.js';
import { ConfirmDialog } from '../../../components/ConfirmDialog.js';
import { wholeNumber } from '../../../components/wholeNumber.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Badge, Button, Card, PageHeader, Spinner } from '../../../components/ui.js';
import { useGuardSwitch, useGuardrails, useResetPolicies, useSetPolicy, useToolEnabled } from '../useGuardrails.js';
import { ClientApprovals } from './ClientApprovals.js';
import { GuardSwitches } from './GuardSwitches.js';
import { clientRulesOf, countRules, otherClientRules } from '../rules.js';
import { tokensText, useProfiles } from '../../profiles/useProfiles.js';
import { backendLabel } from '../../../../shared/backends.js';

const CLASS_TONE = { read: 'ok', write: 'warn', destructive: 'danger' } as const;
const POLICY_TONE = { allow: 'ok', ask: 'warn', deny: 'danger' } as const;

export function ToolsPage() {
  const view = useGuardrails();
  return (
    <div className="page">
      <PageHeader
        title="Tools"
        description="What each tool may do without you. Allow runs it, Ask waits for your approval, Deny refuses it. The most specific rule wins: a tool's own rule, then its provider's, then its class's."
      />
      {view.isPending ? <Spinner label="Loading tools…" /> : null}
      {view.error ? <ErrorAlert error={view.error} /> : null}
      {view.data ? <ToolsBody view={view.data} /> : null}
    </div>
  );
}

function ToolsBody({ view }: { view: GuardrailsView }) {
  const [query, setQuery] = useState('');
  const [profileName, setProfileName] = useState('');
  const searchId = useId();
  const profiles = useProfiles();
  const profile = profiles.data?.profiles.find((p) => p.name === profileName) ?? null;
  const groups = useMemo(() => {
    const q = query.trim().toLowerCase();
    const bounds = profile ? new Set(profile.bounds) : null;
    const shown = view.tools.filter((t) => (!bounds || bounds.has(t.name)) && (!q || t.name.toLowerCase().includes(q) || t.title.toLowerCase().includes(q) || t.class.includes(q)));
    const byProvider = new Map<string, ToolPolicyView[]>();
    for (const t of shown) byProvider.set(t.provider, [...(byProvider.get(t.provider) ?? []), t]);
    return [...byProvider];
  }, [view.tools, query, profile]);
  const listedFirst = useMemo(() => (profile ? new Set(profile.start) : null), [profile]);
  return (
    <>
      <Card labelledBy="guard-title">
        <h2 className="card-title" id="guard-title">
          Switches
        </h2>
        <GuardSwitches />
      </Card>
      <ApprovalSettings view={view} />
      <ClassPolicies view={view} />
      <OtherClientRules view={view} />
      <Card labelledBy="tools-title">
        <div className="card-head">
          <h2 className="card-title" id="tools-title">
            Every tool
          </h2>
          <div className="search">
            <Search size={14} aria-hidden="true" />
            <label htmlFor={searchId} className="visually-hidden">
              Search tools
            </label>
            <input id={searchId} className="input" type="search" placeholder="Search tools" value={query} onChange={(e) => setQuery(e.target.value)} />
          </div>
          <div className="inline-field">
            <label htmlFor={`${searchId}-profile`} className="help">
              Profile
            </label>
            <select id={`${searchId}-profile`} className="select" style={{ width: 'auto' }} value={profileName} onChange={(e) => setProfileName(e.target.value)}>
              <option value="">All tools</option>
              {(profiles.data?.profiles ?? []).map((p) => (
                <option key={p.name} value={p.name}>
                  {p.name}
                </option>
              ))}
            </select>
          </div>
        </div>
        {profile ? (
          <p className="help" role="status">
            {`${profile.name}: a client with it may call these ${profile.bounds.length} tools; it lists ${profile.start.length} of them first${profile.discovery ? ' (with the discovery tools, for the rest)' : ''}, about ${tokensText(profile.tokens)}.`}
          </p>
        ) : null}
        {profiles.error ? <ErrorAlert error={profiles.error} /> : null}
        {view.tools.length === 0 ? (
          <p className="empty">Tarmac offers no tools right now: no back end (Fly.io, Flight Control) is loaded. Restart Tarmac; if this stays, its log says why.</p>
        ) : groups.length === 0 && query.trim() ? (
          <div className="empty">
            <p>No tool matches “{query.trim()}”{profile ? ` in the profile ${profile.name}` : ''}: search by name, title or class (read, write, destructive).</p>
            <Button size="sm" onClick={() => setQuery('')}>
              Clear the search
            </Button>
          </div>
        ) : groups.length === 0 ? (
          <div className="empty">
            <p>No tool is within the profile {profile?.name ?? ''}.</p>
            <Button size="sm" onClick={() => setProfileName('')}>
              Show all tools
            </Button>
          </div>
        ) : null}
        {groups.map(([provider, tools]) => (
          <ProviderTools key={provider} provider={provider} tools={tools} view={view} listedFirst={listedFirst} />
        ))}
      </Card>
    </>
  );
}

function ApprovalSettings({ view }: { view: GuardrailsView }) {
  const change = useGuardSwitch();
  const id = useId();
  const [seconds, setSeconds] = useState(String(view.approvalTimeoutSeconds));
  const checked = wholeNumber(seconds, 5, 3600);
  return (
    <Card labelledBy={`${id}-title`}>
      <h2 className="card-title" id={`${id}-title`}>
        Approvals
      </h2>
      <form
        className="field"
        onSubmit={(e) => {
          e.preventDefault();
          if (checked.value !== null) change.mutate({ approvalTimeoutSeconds: checked.value });
        }}
      >
        <label htmlFor={`${id}-timeout`}>Wait for an answer (seconds)</label>
        <div className="inline-field narrow">
          <input
            id={`${id}-timeout`}
            className="input"
            inputMode="numeric"
            value={seconds}
            aria-invalid={checked.error !== null}
            aria-describedby={checked.error ? `${id}-timeout-error ${id}-timeout-help` : `${id}-timeout-help`}
            onChange={(e) => setSeconds(e.target.value)}
          />
          <Button type="submit" disabled={checked.value === null || checked.value === view.approvalTimeoutSeconds} busy={change.isPending}>
            Save
          </Button>
        </div>
        {checked.error ? (
          <p className="field-error" id={`${id}-timeout-error`}>
            {checked.error}
          </p>
        ) : null}
        <p className="help" id={`${id}-timeout-help`}>
          From 5 to 3600. A call nobody answers in time is denied, and the AI is told to ask you to approve it in Tarmac.
        </p>
      </form>
      <ClientApprovals view={view} />
      <ErrorAlert error={change.error} titles={{ 'invalid-input': 'The waiting time was not saved' }} />
    </Card>
  );
}

function ClassPolicies({ view }: { view: GuardrailsView }) {
  const set = useSetPolicy();
  const reset = useResetPolicies();
  const [confirming, setConfirming] = useState(false);
  const count = countRules(view);
  return (
    <Card labelledBy="class-title">
      <div className="card-head">
        <h2 className="card-title" id="class-title">
          By class
        </h2>
        <Button size="sm" onClick={() => setConfirming(true)} disabled={count.all === 0} title={count.all === 0 ? 'Every tool follows the defaults already' : undefined}>
          Reset every rule…
        </Button>
      </div>
      <ConfirmDialog
        open={confirming}
        testId="reset-rules-dialog"
        title={`Reset ${count.all === 1 ? 'the one rule' : `all ${count.all} rules`}?`}
        description="Every tool then follows its class default: read tools run, write and destructive tools ask you first. Pause, read-only mode and tools turned off stay as they are."
        cancelLabel="Keep the rules"
        confirmLabel={`Reset ${count.all === 1 ? '1 rule' : `${count.all} rules`}`}
        busy={reset.isPending}
        error={reset.error}
        onCancel={() => setConfirming(false)}
        onConfirm={() => reset.mutate(undefined, { onSuccess: () => setConfirming(false) })}
      >
        <ul className="change-list" aria-label="Rules that go">
          {count.lines.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </ConfirmDialog>
      <div className="class-grid">
        {view.classes.map((c) => (
          <div key={c.class} className="field">
            <label htmlFor={`class-${c.class}`}>
              <Badge tone={CLASS_TONE[c.class]}>{c.class}</Badge> tools
            </label>
            <PolicySelect id={`class-${c.class}`} value={c.own} inherited={c.own ? null : c.policy} inheritLabel="default" onChange={(policy) => set.mutate({ target: { kind: 'class', name: c.class }, policy })} />
          </div>
        ))}
      </div>
      {set.error ? <ErrorAlert error={set.error} /> : null}
    </Card>
  );
}

function ProviderTools({ provider, tools, view, listedFirst }: { provider: string; tools: ToolPolicyView[]; view: GuardrailsView; listedFirst: ReadonlySet<string> | null }) {
  const set = useSetPolicy();
  const enable = useToolEnabled();
  const own = view.providers.find((p) => p.provider === provider)?.own ?? null;
  const headId = `provider-${provider}`;
  return (
    <section className="tool-group" aria-labelledby={headId}>
      <div className="card-head">
        <h3 id={headId}>{backendLabel(provider)}</h3>
        <div className="inline-field narrow">
          <label htmlFor={`${headId}-policy`} className="help">
            Every {backendLabel(provider)} tool
          </label>
          <PolicySelect id={`${headId}-policy`} value={own} inherited={null} inheritLabel="by class" onChange={(policy) => set.mutate({ target: { kind: 'provider', name: provider }, policy })} />
        </div>
      </div>
      <table className="table tools-table">
        <thead>
          <tr>
            <th scope="col">Tool</th>
            <th scope="col">Class</th>
            <th scope="col">Policy</th>
            <th scope="col">Decided by</th>
            <th scope="col">On</th>
          </tr>
        </thead>
        <tbody>
          {tools.map((t) => (
            <tr key={t.name} data-testid={`tool-${t.name}`} className={t.enabled ? '' : 'tool-off'}>
              <th scope="row">
                <span className="mono">{t.name}</span>
                <span className="help">{t.title}</span>
                {listedFirst?.has(t.name) ? <Badge tone="neutral">listed first</Badge> : null}
              </th>
              <td>
                <Badge tone={CLASS_TONE[t.class]}>{t.class}</Badge>
              </td>
              <td>
                <PolicySelect
                  id={`policy-${t.name}`}
                  label={`Policy for ${t.name}`}
                  value={t.own}
                  inherited={t.own ? null : t.policy}
                  inheritLabel="inherit"
                  onChange={(policy) => set.mutate({ target: { kind: 'tool', name: t.name }, policy })}
                />
              </td>
              <td>
                <Badge tone={view.readOnly && t.class !== 'read' ? 'danger' : POLICY_TONE[t.policy]}>{view.readOnly && t.class !== 'read' ? 'deny' : t.policy}</Badge>{' '}
                <span className="help">{view.readOnly && t.class !== 'read' ? 'read-only mode' : describeRule(t.rule)}</span>
                <ClientRuleList rules={clientRulesOf(view, { kind: 'tool', name: t.name })} target={{ kind: 'tool', name: t.name }} />
              </td>
              <td>
                <Switch.Root className="switch" aria-label={`${t.name} on`} checked={t.enabled} onCheckedChange={(on) => enable.mutate({ tool: t.name, on })}>
                  <Switch.Thumb className="switch-thumb" />
                </Switch.Root>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {set.error ? <ErrorAlert error={set.error} /> : null}
      {enable.error ? <ErrorAlert error={enable.error} /> : null}
    </section>
  );
}

/** A rule picker: its own value, or "inherit" (showing what is inherited). */
function PolicySelect({
  id,
  label,
  value,
  inherited,
  inheritLabel,
  onChange,
}: {
  id: string;
  label?: string;
  value: Policy | null;
  inherited: Policy | null;
  inheritLabel: string;
  onChange: (policy: Policy | null) => void;
}) {
  return (
    <select id={id} className="select policy-select" aria-label={label} value={value ?? ''} onChange={(e) => onChange(e.target.value === '' ? null : (e.target.value as Policy))}>
      <option value="">{inherited ? `${inheritLabel} (${inherited})` : inheritLabel}</option>
      {POLICIES.map((p) => (
        <option key={p} value={p}>
          {p}
        </option>
      ))}
    </select>
  );
}

/**
 * The rules one client has for a tool, class or provider of its own ("Allow this tool for
 * cursor" makes one), each with Remove: the client then follows the rules every client gets.
 */
function ClientRuleList({ rules, target }: { rules: Array<{ client: string; policy: Policy }>; target: PolicyTarget }) {
  const set = useSetPolicy();
  if (rules.length === 0) return null;
  return (
    <>
      <ul className="client-rules" aria-label={`Rules of single clients for ${target.name}`}>
        {rules.map(({ client, policy }) => (
          <li key={client} className="client-rule">
            <span className="help">
              <span className="mono">{client}</span>’s own rule:
            </span>{' '}
            <Badge tone={POLICY_TONE[policy]}>{policy}</Badge>
            <Button
              size="sm"
              variant="ghost"
              aria-label={`Remove ${client}’s rule for ${target.name}`}
              title={`Remove ${client}’s rule: ${client} then follows the rule every client gets`}
              busy={set.isPending && set.variables?.client === client}
              disabled={set.isPending}
              onClick={() => set.mutate({ target, policy: null, client })}
            >
              Remove
            </Button>
          </li>
        ))}
      </ul>
      {set.error ? <ErrorAlert error={set.error} /> : null}
    </>
  );
}

/** Rules single clients have for a whole class or provider (set with `tarmac policy set --client`). */
function OtherClientRules({ view }: { view: GuardrailsView }) {
  const rules = otherClientRules(view);
  if (rules.length === 0) return null;
  return (
    <Card labelledBy="client-rules-title" data-testid="other-client-rules">
      <h2 className="card-title" id="client-rules-title">
        Rules for single clients
      </h2>
      <p className="help">These apply to one client only, before the rules above; a rule for one tool is shown next to the tool.</p>
      <table className="table">
        <thead>
          <tr>
            <th scope="col">Applies to</th>
            <th scope="col">Rules</th>
          </tr>
        </thead>
        <tbody>
          {rules.map(({ target, rules: list }) => (
            <tr key={`${target.kind}:${target.name}`}>
              <th scope="row">
                {target.kind === 'class' ? `${target.name} tools` : `every ${backendLabel(target.name)} tool`}
              </th>
              <td>
                <ClientRuleList rules={list} target={target} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </Card>
  );
}
