import { useMutation, useQuery } from '@tanstack/react-query';
import { Tabs } from 'radix-ui';
import { ChevronDown, ChevronRight } from 'lucide-react';
import { useRef, useState } from 'react';
import type { SignInField, SignInInput, SignInMethod } from '../../../../shared/api.js';
import { api } from '../../../api.js';
import { resetSignInProgress } from '../../../app/events.js';
import { keys } from '../../../app/query.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button, Spinner } from '../../../components/ui.js';
import { FieldInput, initialValues } from './FieldInput.js';
import { SignInProgress } from './SignInProgress.js';

/**
 * A provider's sign-in, rendered from what the host describes: first the connect fields (Flight
 * Control's server), then one tab per method. Nothing here knows which provider it is.
 */
export function SignIn({ provider, label, disabled, account }: { provider: string; label: string; disabled: boolean; account?: string }) {
  // Ids stay unique with a second form (another account) on the page.
  const idBase = account ? `${provider}-${account}` : provider;
  // The connect fields as last submitted: the methods are those of this server.
  const [connect, setConnect] = useState<SignInInput>({});
  const connectKey = JSON.stringify(connect);
  const options = useQuery({ queryKey: [...keys.signInOptions(provider, connectKey), account ?? ''], queryFn: () => api.signInOptions(provider, connect, account), retry: false });
  const [connectValues, setConnectValues] = useState<SignInInput | null>(null);
  const [tab, setTab] = useState<string | undefined>(undefined);
  const [openSecondary, setOpenSecondary] = useState<string | null>(null);
  // The server form stays while another server is checked, and after that check failed: the
  // person keeps what they typed, with Retry and Back.
  const lastConnect = useRef<SignInField[] | null>(null);
  if (options.data?.connect) lastConnect.current = options.data.connect;
  const firstField = useRef<HTMLDivElement>(null);

  const connectFields = options.data?.connect ?? lastConnect.current;
  const values = connectValues ?? (connectFields ? initialValues(connectFields) : {});
  const all = options.data?.methods ?? [];
  const methods = all.filter((m) => !m.secondary);
  const secondary = all.filter((m) => m.secondary);
  const activeTab = tab && methods.some((m) => m.id === tab) ? tab : methods[0]?.id;
  const checkFailed = Boolean(options.error && Object.keys(connect).length);

  return (
    <div className="form" data-testid={`sign-in-${idBase}`}>
      <h3 className="section-title">{account ? `Sign in the ${label} account ${account}` : `Sign in to ${label}`}</h3>
      {disabled ? <Alert tone="warn">Sign-in needs the OS keychain; fix the keychain problem shown on the Overview first.</Alert> : null}
      {connectFields ? (
        <form
          className="form"
          aria-label={`${label} server`}
          onSubmit={(e) => {
            e.preventDefault();
            // The same server again asks again (a server that was down may be up now).
            if (JSON.stringify(values) === connectKey) void options.refetch();
            else setConnect(values);
          }}
        >
          <div ref={firstField} className="form">
            {connectFields.map((f) => (
              <FieldInput key={f.name} idPrefix={`${idBase}-connect`} field={f} value={values[f.name]} onChange={(v) => setConnectValues({ ...values, [f.name]: v })} />
            ))}
          </div>
          <div className="btn-row">
            <Button type="submit" variant={methods.length ? 'default' : 'primary'} busy={options.isFetching && !checkFailed}>
              {connect.apiUrl ? 'Check the server again' : 'Continue'}
            </Button>
          </div>
        </form>
      ) : null}
      {options.isPending && !checkFailed ? <Spinner label={connect.apiUrl ? `Asking ${String(connect.apiUrl)} how to sign in…` : 'Asking for the ways to sign in…'} /> : null}
      {options.error ? (
        <div className="stack" data-testid="sign-in-check-failed">
          <ErrorAlert error={options.error} />
          <div className="btn-row">
            <Button variant="primary" busy={options.isFetching} onClick={() => void options.refetch()}>
              Retry
            </Button>
            {checkFailed ? (
              <Button
                onClick={() => {
                  // Back to the server form as typed, to correct it.
                  setConnect({});
                  firstField.current?.querySelector<HTMLInputElement>('input')?.focus();
                }}
              >
                Back
              </Button>
            ) : null}
          </div>
        </div>
      ) : null}
      {options.data?.notes.map((n) => (
        <Alert key={n} tone="info">
          {n}
        </Alert>
      ))}
      {methods.length > 1 ? (
        <Tabs.Root value={activeTab} onValueChange={setTab}>
          <Tabs.List className="tabs-list" aria-label={`Ways to sign in to ${label}`}>
            {methods.map((m) => (
              <Tabs.Trigger key={m.id} value={m.id} className="tab">
                {m.label}
              </Tabs.Trigger>
            ))}
          </Tabs.List>
          {methods.map((m) => (
            <Tabs.Content key={m.id} value={m.id} className="tab-panel">
              <MethodForm provider={provider} method={m} connect={connect} disabled={disabled} account={account} idBase={idBase} />
            </Tabs.Content>
          ))}
        </Tabs.Root>
      ) : methods[0] ? (
        <MethodForm provider={provider} method={methods[0]} connect={connect} disabled={disabled} account={account} idBase={idBase} />
      ) : null}
      {secondary.map((m) => (
        <div key={m.id} className="secondary-method">
          <Button variant="ghost" aria-expanded={openSecondary === m.id} aria-controls={`${idBase}-${m.id}-secondary`} onClick={() => setOpenSecondary(openSecondary === m.id ? null : m.id)}>
            {openSecondary === m.id ? <ChevronDown size={14} aria-hidden="true" /> : <ChevronRight size={14} aria-hidden="true" />}
            {methods.length || connectFields ? `Or ${m.label.charAt(0).toLowerCase()}${m.label.slice(1)}` : m.label}
          </Button>
          {openSecondary === m.id ? (
            <div id={`${idBase}-${m.id}-secondary`} className="secondary-body">
              <MethodForm provider={provider} method={m} connect={connect} disabled={disabled} account={account} idBase={idBase} />
            </div>
          ) : null}
        </div>
      ))}
    </div>
  );
}

function MethodForm({ provider, method, connect, disabled, account, idBase }: { provider: string; method: SignInMethod; connect: SignInInput; disabled: boolean; account?: string | undefined; idBase: string }) {
  const [values, setValues] = useState<SignInInput>(() => initialValues(method.fields));
  const signIn = useMutation({
    mutationFn: (input: SignInInput) => api.signIn(provider, method.id, input, account),
    onMutate: () => resetSignInProgress(provider),
    // Secrets leave the form once used, whatever the outcome.
    onSettled: () => setValues((v) => clearSecrets(v, method.fields)),
  });
  const cancel = useMutation({ mutationFn: () => api.cancelSignIn(provider) });

  return (
    <form
      className="form"
      aria-label={method.label}
      onSubmit={(e) => {
        e.preventDefault();
        signIn.mutate({ ...connect, ...values });
      }}
    >
      <p className="muted">{method.description}</p>
      {method.fields.map((f) => (
        <FieldInput key={f.name} idPrefix={`${idBase}-${method.id}`} field={f} value={values[f.name]} onChange={(v) => setValues({ ...values, [f.name]: v })} />
      ))}
      {signIn.isPending ? (
        <SignInProgress provider={provider} waitsForBrowser={method.waitsForBrowser} onCancel={() => cancel.mutate()} cancelling={cancel.isPending} />
      ) : (
        <div className="btn-row">
          <Button type="submit" variant={method.secondary ? 'default' : 'primary'} disabled={disabled}>
            {method.submitLabel}
          </Button>
        </div>
      )}
      {signIn.error ? <ErrorAlert error={signIn.error} /> : null}
      {signIn.isSuccess ? (
        <Alert tone="ok" live>
          {signIn.data.state === 'ready' ? `Done: ${signIn.data.summary}.` : `Saved, but ${signIn.data.label} says: ${signIn.data.summary}.`}
        </Alert>
      ) : null}
    </form>
  );
}

function clearSecrets(values: SignInInput, fields: SignInField[]): SignInInput {
  const next = { ...values };
  for (const f of fields) if (f.kind === 'secret') next[f.name] = '';
  return next;
}
