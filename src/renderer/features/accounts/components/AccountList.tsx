import { useMutation } from '@tanstack/react-query';
import { Building2, LogOut, Pencil, Plus, Trash2 } from 'lucide-react';
import { useState } from 'react';
import type { AccountView, AccountsView } from '../../../../shared/api.js';
import { DEFAULT_ACCOUNT } from '../../../../shared/profiles.js';
import { api } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Badge, Button, ProviderBadge } from '../../../components/ui.js';
import { ChoicePicker } from './ChoicePicker.js';
import { SignIn } from './SignIn.js';

type Backend = AccountsView['backends'][number];

/** Account names: as the host checks them (accounts/scope.ts), said before the host is asked. */
const ACCOUNT_NAME = /^[a-z0-9][a-z0-9_-]{0,39}$/;
const NAME_RULE = '1-40 of a-z 0-9 _ - (starting with a letter or digit)';

/**
 * Every account of one back end: its state, the profiles whose calls use it, rename, sign out,
 * and adding another (signed in under a name the person picks).
 */
export function AccountList({ backend, keychainOk }: { backend: Backend; keychainOk: boolean }) {
  const [adding, setAdding] = useState(false);
  const titleId = `accounts-${backend.provider}-title`;
  return (
    <section className="stack" aria-labelledby={titleId} data-testid={`accounts-${backend.provider}`}>
      <h3 className="section-title" id={titleId}>
        {backend.label} accounts
      </h3>
      <div className="table-wrap" role="region" aria-labelledby={titleId} tabIndex={0}>
        <table className="table" aria-labelledby={titleId}>
          <thead>
            <tr>
              <th scope="col">Account</th>
              <th scope="col">State</th>
              <th scope="col">Used by profiles</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {backend.accounts.map((a) => (
              <AccountRow key={a.id} provider={backend.provider} label={backend.label} account={a} />
            ))}
          </tbody>
        </table>
      </div>
      <BindProfile backend={backend} />
      {adding ? (
        <AddAccount backend={backend} keychainOk={keychainOk} onClose={() => setAdding(false)} />
      ) : (
        <div className="btn-row">
          <Button onClick={() => setAdding(true)}>
            <Plus size={14} aria-hidden="true" /> Add a {backend.label} account…
          </Button>
        </div>
      )}
    </section>
  );
}

function AccountRow({ provider, label, account }: { provider: string; label: string; account: AccountView }) {
  const [renaming, setRenaming] = useState(false);
  const [confirming, setConfirming] = useState<'sign-out' | 'remove' | null>(null);
  const [orgsOpen, setOrgsOpen] = useState(false);
  // The first account: its card above the list shows its organizations, and it cannot be removed.
  const named = account.id !== DEFAULT_ACCOUNT;
  const remove = useMutation({
    mutationFn: () => api.removeAccount(provider, account.name),
    onSuccess: (view) => {
      setConfirming(null);
      queryClient.setQueryData(keys.accounts, view);
      void queryClient.invalidateQueries({ queryKey: keys.status });
    },
  });
  const [name, setName] = useState(account.name);
  const rename = useMutation({
    mutationFn: (to: string) => api.renameAccount(provider, account.name, to),
    onSuccess: (view) => {
      queryClient.setQueryData(keys.accounts, view);
      setRenaming(false);
    },
  });
  const signOut = useMutation({
    mutationFn: () => api.signOut(provider, account.name),
    onSuccess: () => {
      setConfirming(null);
      void queryClient.invalidateQueries({ queryKey: keys.accounts });
      void queryClient.invalidateQueries({ queryKey: keys.status });
    },
  });
  const inputId = `rename-${provider}-${account.id}`;
  const problem = name && !ACCOUNT_NAME.test(name) ? `Use ${NAME_RULE}.` : null;
  const detailsId = `orgs-${provider}-${account.id}`;
  return (
    <>
      <tr data-testid={`account-row-${provider}-${account.name}`}>
        <th scope="row">
          {renaming ? (
            <form
              className="inline-form"
              aria-label={`Rename ${account.name}`}
              onSubmit={(e) => {
                e.preventDefault();
                if (!problem && name) rename.mutate(name);
              }}
            >
              <label htmlFor={inputId} className="visually-hidden">
                New name for {account.name}
              </label>
              <input id={inputId} className="input" value={name} onChange={(e) => setName(e.target.value.trim())} spellCheck={false} aria-invalid={problem ? true : undefined} aria-describedby={`${inputId}-help`} />
              <Button type="submit" size="sm" variant="primary" busy={rename.isPending} disabled={Boolean(problem) || !name}>
                Save
              </Button>
              <Button size="sm" onClick={() => setRenaming(false)}>
                Cancel
              </Button>
              <p className="help" id={`${inputId}-help`}>
                {problem ?? 'Profiles keep using this account under its new name.'}
              </p>
              {rename.error ? <ErrorAlert error={rename.error} /> : null}
            </form>
          ) : (
            <span className="mono">{account.name}</span>
          )}
        </th>
        <td>
          <ProviderBadge state={account.state} />
          <div className="small muted">{account.summary}</div>
        </td>
        <td data-testid="account-profiles">
          {account.profiles.length ? (
            account.profiles.map((p) => (
              <Badge key={p} tone="neutral">
                {p}
              </Badge>
            ))
          ) : (
            <span className="muted">none</span>
          )}
        </td>
        <td>
          {confirming === 'sign-out' ? (
            <div className="btn-row">
              <span>Sign out of {account.name}? Tarmac forgets its copy of the credentials.</span>
              <Button size="sm" variant="danger" onClick={() => signOut.mutate()} busy={signOut.isPending}>
                Sign out
              </Button>
              <Button size="sm" onClick={() => setConfirming(null)}>
                Keep
              </Button>
            </div>
          ) : confirming === 'remove' && account.profiles.length ? (
            <div className="btn-row" role="status">
              <span>
                {account.profiles.length === 1 ? `The profile ${account.profiles[0]} uses` : `The profiles ${account.profiles.join(', ')} use`} {account.name}: choose another account for{' '}
                {account.profiles.length === 1 ? 'it' : 'them'} below, then remove it.
              </span>
              <Button size="sm" onClick={() => setConfirming(null)}>
                OK
              </Button>
            </div>
          ) : confirming === 'remove' ? (
            <div className="btn-row">
              <span>Remove {account.name}? Tarmac signs it out and forgets it; no profile uses it.</span>
              <Button size="sm" variant="danger" onClick={() => remove.mutate()} busy={remove.isPending}>
                Remove
              </Button>
              <Button size="sm" onClick={() => setConfirming(null)}>
                Keep
              </Button>
            </div>
          ) : (
            <div className="btn-row">
              <Button
                size="sm"
                variant="ghost"
                onClick={() => {
                  setName(account.name);
                  setRenaming(true);
                }}
                aria-label={`Rename the ${label} account ${account.name}`}
              >
                <Pencil size={14} aria-hidden="true" /> Rename
              </Button>
              {named && account.state === 'ready' ? (
                <Button size="sm" variant="ghost" onClick={() => setOrgsOpen((o) => !o)} aria-expanded={orgsOpen} aria-controls={detailsId} aria-label={`Organizations of the ${label} account ${account.name}`}>
                  <Building2 size={14} aria-hidden="true" /> Organizations
                </Button>
              ) : null}
              {account.state === 'ready' ? (
                <Button size="sm" variant="ghost" onClick={() => setConfirming('sign-out')} aria-label={`Sign out of the ${label} account ${account.name}`}>
                  <LogOut size={14} aria-hidden="true" /> Sign out
                </Button>
              ) : null}
              {named ? (
                <Button size="sm" variant="ghost" onClick={() => setConfirming('remove')} aria-label={`Remove the ${label} account ${account.name}`}>
                  <Trash2 size={14} aria-hidden="true" /> Remove
                </Button>
              ) : null}
            </div>
          )}
          {signOut.error ? <ErrorAlert error={signOut.error} /> : null}
          {remove.error ? <ErrorAlert error={remove.error} /> : null}
        </td>
      </tr>
      {orgsOpen && named && account.state === 'ready' ? (
        <tr className="row-detail" id={detailsId} data-testid={`account-orgs-${provider}-${account.name}`}>
          <td colSpan={4}>
            <ChoicePicker provider={provider} label={label} account={account.name} />
          </td>
        </tr>
      ) : null}
    </>
  );
}

function AddAccount({ backend, keychainOk, onClose }: { backend: Backend; keychainOk: boolean; onClose: () => void }) {
  const [draft, setDraft] = useState('');
  const [name, setName] = useState<string | null>(null);
  const inputId = `add-${backend.provider}-name`;
  const taken = backend.accounts.some((a) => a.name === draft);
  const problem = draft && !ACCOUNT_NAME.test(draft) ? `Use ${NAME_RULE}.` : taken ? `There already is an account ${draft}: choose another name, or sign it in again from its row.` : null;
  return (
    <div className="form" data-testid={`add-account-${backend.provider}`}>
      {name ? (
        <SignIn provider={backend.provider} label={backend.label} disabled={!keychainOk} account={name} />
      ) : (
        <form
          className="form"
          aria-label={`New ${backend.label} account`}
          onSubmit={(e) => {
            e.preventDefault();
            if (draft && !problem) setName(draft);
          }}
        >
          <div className="field">
            <label htmlFor={inputId} className="label">
              Name of the new account
            </label>
            <input id={inputId} className="input" value={draft} placeholder="staging" spellCheck={false} onChange={(e) => setDraft(e.target.value.trim())} aria-invalid={problem ? true : undefined} aria-describedby={`${inputId}-help`} />
            <p className="help" id={`${inputId}-help`}>
              {problem ?? `What you call it (${NAME_RULE}); profiles are bound to it by this name, e.g. \`tarmac profile account ops ${backend.provider} staging\`.`}
            </p>
          </div>
          <div className="btn-row">
            <Button type="submit" variant="primary" disabled={!draft || Boolean(problem)}>
              Continue
            </Button>
            <Button onClick={onClose}>Cancel</Button>
          </div>
        </form>
      )}
      {name ? (
        <div className="btn-row">
          <Button onClick={onClose}>Done</Button>
        </div>
      ) : null}
    </div>
  );
}

/** Which account a profile's calls to this back end use: a person's choice, made here. */
function BindProfile({ backend }: { backend: Backend }) {
  const profiles = backend.accounts.flatMap((a) => a.profiles.map((p) => ({ profile: p, account: a.name }))).sort((a, b) => a.profile.localeCompare(b.profile));
  const [profile, setProfile] = useState(profiles[0]?.profile ?? '');
  const current = profiles.find((p) => p.profile === profile)?.account ?? '';
  const [account, setAccount] = useState<string | null>(null);
  const chosen = account ?? current;
  const bind = useMutation({
    mutationFn: () => api.setProfileAccount(profile, backend.provider, chosen),
    onSuccess: (view) => {
      queryClient.setQueryData(keys.accounts, view);
      setAccount(null);
    },
  });
  if (backend.accounts.length < 2 || !profiles.length) return null;
  const base = `bind-${backend.provider}`;
  return (
    <form
      className="inline-form"
      aria-label={`Which ${backend.label} account a profile uses`}
      onSubmit={(e) => {
        e.preventDefault();
        bind.mutate();
      }}
    >
      <label htmlFor={`${base}-profile`}>Profile</label>
      <select
        id={`${base}-profile`}
        className="select"
        value={profile}
        onChange={(e) => {
          setProfile(e.target.value);
          setAccount(null);
        }}
      >
        {profiles.map((p) => (
          <option key={p.profile} value={p.profile}>
            {p.profile}
          </option>
        ))}
      </select>
      <label htmlFor={`${base}-account`}>uses the account</label>
      <select id={`${base}-account`} className="select" value={chosen} onChange={(e) => setAccount(e.target.value)}>
        {backend.accounts.map((a) => (
          <option key={a.id} value={a.name}>
            {a.name}
          </option>
        ))}
      </select>
      <Button type="submit" size="sm" variant="primary" busy={bind.isPending} disabled={chosen === current}>
        Use this account
      </Button>
      <p className="help">Its clients’ calls to {backend.label} go to that account from their next call. Only a person in this window can change it.</p>
      {bind.error ? <ErrorAlert error={bind.error} /> : null}
    </form>
  );
}
