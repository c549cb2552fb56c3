import { useMutation } from '@tanstack/react-query';
import { FolderOpen, Monitor, Moon, Sun } from 'lucide-react';
import { RadioGroup, Switch } from 'radix-ui';
import { useEffect, useId, useState } from 'react';
import { Link, useLocation } from 'react-router';
import type { AppSettings, LogLevel, SettingsPatch, Theme } from '../../../../shared/api.js';
import { api, transport } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';
import { CopyButton } from '../../../components/CopyButton.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Button, Card, PageHeader, Spinner } from '../../../components/ui.js';
import { useHostStatus, useSettings } from '../../../hooks/useHost.js';
import { wholeNumber } from '../../../components/wholeNumber.js';
import { useClients } from '../../clients/hooks/useClients.js';
import { TelemetryCard } from './TelemetryCard.js';

export function SettingsPage() {
  const settings = useSettings();
  const location = useLocation();
  // #flyctl from the Overview's "Set flyctl's path": land on that field.
  useEffect(() => {
    if (!settings.data || !location.hash) return;
    document.getElementById(location.hash.slice(1))?.focus();
  }, [settings.data, location.hash]);
  return (
    <div className="page">
      <PageHeader title="Settings" description="Changes apply at once; nothing here needs a restart." />
      {settings.isPending ? <Spinner label="Loading settings…" /> : null}
      {settings.error ? <ErrorAlert error={settings.error} /> : null}
      {settings.data ? <SettingsForm settings={settings.data} /> : null}
    </div>
  );
}

function useUpdate() {
  return useMutation({
    mutationFn: (patch: SettingsPatch) => api.updateSettings(patch),
    onSuccess: (next) => queryClient.setQueryData(keys.settings, next),
  });
}

function SettingsForm({ settings }: { settings: AppSettings }) {
  return (
    <>
      <PortCard settings={settings} />
      <FlyctlCard settings={settings} />
      <HistoryCard settings={settings} />
      <TelemetryCard />
      <AppearanceCard settings={settings} />
      <FoldersCard settings={settings} />
    </>
  );
}

function PortCard({ settings }: { settings: AppSettings }) {
  const id = useId();
  const [port, setPort] = useState(String(settings.port));
  const update = useUpdate();
  const status = useHostStatus();
  const checked = wholeNumber(port, 1, 65535);
  const describedBy = [checked.error ? `${id}-error` : null, `${id}-help`].filter(Boolean).join(' ');
  return (
    <Card labelledBy={`${id}-title`}>
      <h2 className="card-title" id={`${id}-title`}>
        MCP endpoint
      </h2>
      <form
        className="field"
        onSubmit={(e) => {
          e.preventDefault();
          if (checked.value !== null) update.mutate({ port: checked.value });
        }}
      >
        <label htmlFor={id}>Port</label>
        <div className="inline-field">
          <input id={id} className="input" inputMode="numeric" value={port} onChange={(e) => setPort(e.target.value)} aria-invalid={checked.error !== null} aria-describedby={describedBy} />
          <Button type="submit" variant="primary" busy={update.isPending} disabled={checked.value === null || checked.value === settings.port}>
            Move endpoint
          </Button>
        </div>
        {checked.error ? (
          <p className="field-error" id={`${id}-error`}>
            {checked.error}
          </p>
        ) : null}
        <p className="help" id={`${id}-help`}>
          Now serving at <span className="mono">{status.data?.endpoint.url ?? 'nowhere'}</span>. The new port is opened before the old one closes, so a busy port changes nothing. Clients registered with the old URL need repairing.
        </p>
      </form>
      <ErrorAlert error={update.error} titles={{ 'invalid-input': 'This port cannot be used', 'port-busy': 'Port in use: the endpoint stays where it was' }} />
      {update.isSuccess ? <PortMoved port={update.data.port} url={status.data?.endpoint.url ?? null} /> : null}
    </Card>
  );
}

/**
 * After a move: which registered clients still point at the old port (they cannot reach Tarmac
 * until repaired), with the way to the Clients page. The list is the host's, fresh.
 */
function PortMoved({ port, url }: { port: number; url: string | null }) {
  const clients = useClients();
  const stale = (clients.data ?? []).filter((c) => c.status === 'stale');
  return (
    <Alert tone={stale.length ? 'warn' : 'ok'} title={`The endpoint now listens on port ${port}`} live>
      {clients.isPending ? <p>Checking which clients need the new address…</p> : null}
      {clients.error ? <p>Tarmac could not check the clients’ files: open the Clients page to see which need repairing.</p> : null}
      {clients.data && stale.length ? (
        <div data-testid="clients-to-repair">
          <p>
            {stale.length === 1 ? 'This client still points at the old port and cannot reach Tarmac until it is repaired:' : `These ${stale.length} clients still point at the old port and cannot reach Tarmac until they are repaired:`}
          </p>
          <ul className="change-list">
            {stale.map((c) => (
              <li key={c.id}>{c.label}</li>
            ))}
          </ul>
          <p>
            <Link to="/clients">Repair {stale.length === 1 ? 'it' : 'them'} on the Clients page</Link>
          </p>
        </div>
      ) : null}
      {clients.data && !stale.length ? (
        <p>
          No client Tarmac registered needs repairing. A client you set up by hand needs the new address{url ? <>: <span className="mono">{url}</span></> : null}.
        </p>
      ) : null}
    </Alert>
  );
}

function FlyctlCard({ settings }: { settings: AppSettings }) {
  const [path, setPath] = useState(settings.flyctlPath ?? '');
  const update = useUpdate();
  const status = useHostStatus();
  const fly = status.data?.providers.find((p) => p.id === 'fly');
  return (
    <Card labelledBy="flyctl-title">
      <h2 className="card-title" id="flyctl-title">
        Fly.io
      </h2>
      <form
        className="field"
        onSubmit={(e) => {
          e.preventDefault();
          update.mutate({ flyctlPath: path.trim() || null });
        }}
      >
        <label htmlFor="flyctl">flyctl path</label>
        <div className="inline-field">
          <input id="flyctl" className="input mono" value={path} placeholder="Found automatically" spellCheck={false} onChange={(e) => setPath(e.target.value)} aria-describedby="flyctl-help" />
          <Button type="submit" busy={update.isPending}>
            Save
          </Button>
          {settings.flyctlPath ? (
            <Button
              onClick={() => {
                setPath('');
                update.mutate({ flyctlPath: null });
              }}
            >
              Find automatically
            </Button>
          ) : null}
        </div>
        <p className="help" id="flyctl-help">
          Leave empty to use the flyctl on your PATH, in ~/.fly/bin or from Homebrew.{' '}
          {fly?.details.flyctlPath ? (
            <>
              In use: <span className="mono">{fly.details.flyctlPath}</span>
              {fly.details.flyctlVersion ? ` (v${fly.details.flyctlVersion})` : ''}.
            </>
          ) : (
            'No flyctl found yet.'
          )}
        </p>
      </form>
      <ErrorAlert error={update.error} titles={{ 'invalid-input': 'Tarmac cannot use this program as flyctl' }} />
    </Card>
  );
}

function HistoryCard({ settings }: { settings: AppSettings }) {
  const id = useId();
  const [calls, setCalls] = useState(String(settings.activityRetention.maxCalls));
  const [days, setDays] = useState(String(settings.activityRetention.maxDays));
  const update = useUpdate();
  const n = wholeNumber(calls, 100, 10_000_000);
  const d = wholeNumber(days, 1, 3650);
  const changed = n.value !== settings.activityRetention.maxCalls || d.value !== settings.activityRetention.maxDays;
  return (
    <Card labelledBy={`${id}-title`}>
      <h2 className="card-title" id={`${id}-title`}>
        Tool-call history
      </h2>
      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (n.value !== null && d.value !== null) update.mutate({ activityRetention: { maxCalls: n.value, maxDays: d.value } });
        }}
      >
        <div className="inline-field">
          <div className="field" style={{ flex: 1 }}>
            <label htmlFor={`${id}-calls`}>Keep at most (calls)</label>
            <input id={`${id}-calls`} className="input" inputMode="numeric" value={calls} onChange={(e) => setCalls(e.target.value)} aria-invalid={n.error !== null} aria-describedby={n.error ? `${id}-calls-error` : `${id}-help`} />
            {n.error ? (
              <p className="field-error" id={`${id}-calls-error`}>
                {n.error}
              </p>
            ) : null}
          </div>
          <div className="field" style={{ flex: 1 }}>
            <label htmlFor={`${id}-days`}>For at most (days)</label>
            <input id={`${id}-days`} className="input" inputMode="numeric" value={days} onChange={(e) => setDays(e.target.value)} aria-invalid={d.error !== null} aria-describedby={d.error ? `${id}-days-error` : `${id}-help`} />
            {d.error ? (
              <p className="field-error" id={`${id}-days-error`}>
                {d.error}
              </p>
            ) : null}
          </div>
        </div>
        <p className="help" id={`${id}-help`}>
          The oldest calls go first when either limit is reached (100 to 10,000,000 calls, 1 to 3,650 days). The append-only audit files in the data folder are not trimmed.
        </p>
        <div className="btn-row">
          <Button type="submit" busy={update.isPending} disabled={n.value === null || d.value === null || !changed}>
            Save limits
          </Button>
        </div>
      </form>
      <ErrorAlert error={update.error} titles={{ 'invalid-input': 'The limits were not saved' }} />
      {update.isSuccess && !changed ? (
        <Alert tone="ok" live>
          Saved: the newest {update.data.activityRetention.maxCalls.toLocaleString('en-US')} calls of the last {update.data.activityRetention.maxDays.toLocaleString('en-US')} days are kept.
        </Alert>
      ) : null}
    </Card>
  );
}

const THEMES: Array<{ value: Theme; label: string; Icon: typeof Sun }> = [
  { value: 'system', label: 'System', Icon: Monitor },
  { value: 'light', label: 'Light', Icon: Sun },
  { value: 'dark', label: 'Dark', Icon: Moon },
];

function AppearanceCard({ settings }: { settings: AppSettings }) {
  const update = useUpdate();
  const logId = useId();
  const loginId = useId();
  return (
    <Card labelledBy="app-title">
      <h2 className="card-title" id="app-title">
        App
      </h2>
      <div className="switch-row">
        <span className="label" id="theme-label">
          Theme
        </span>
        <RadioGroup.Root className="segmented" aria-labelledby="theme-label" value={settings.theme} onValueChange={(v) => update.mutate({ theme: v as Theme })} orientation="horizontal">
          {THEMES.map(({ value, label, Icon }) => (
            <RadioGroup.Item key={value} value={value} className="segment">
              <Icon size={14} aria-hidden="true" /> {label}
            </RadioGroup.Item>
          ))}
        </RadioGroup.Root>
      </div>
      <hr className="divider" />
      <div className="switch-row">
        <label htmlFor={logId}>Log level</label>
        <select id={logId} className="select" style={{ width: 'auto' }} value={settings.logLevel} onChange={(e) => update.mutate({ logLevel: e.target.value as LogLevel })}>
          <option value="error">Errors only</option>
          <option value="warn">Warnings</option>
          <option value="info">Info (default)</option>
          <option value="debug">Debug</option>
        </select>
      </div>
      <hr className="divider" />
      <div className="switch-row">
        <div>
          <label htmlFor={loginId}>Launch at login</label>
          <p className="help muted small">
            {settings.launchAtLogin === null ? 'Set in the desktop app; browser mode cannot change it.' : 'Starts Tarmac in the tray when you log in, without opening this window.'}
          </p>
        </div>
        <Switch.Root
          id={loginId}
          className="switch"
          checked={settings.launchAtLogin === true}
          disabled={settings.launchAtLogin === null || update.isPending}
          onCheckedChange={(on) => update.mutate({ launchAtLogin: on })}
        >
          <Switch.Thumb className="switch-thumb" />
        </Switch.Root>
      </div>
      {update.error ? <ErrorAlert error={update.error} /> : null}
    </Card>
  );
}

function FoldersCard({ settings }: { settings: AppSettings }) {
  const open = useMutation({ mutationFn: (which: 'data' | 'logs') => api.openFolder(which) });
  const rows: Array<{ which?: 'data' | 'logs'; label: string; path: string }> = [
    { which: 'data', label: 'Data folder', path: settings.paths.data },
    { which: 'logs', label: 'Log folder', path: settings.paths.logs },
    { label: 'Settings file', path: settings.paths.settings },
  ];
  return (
    <Card labelledBy="folders-title">
      <h2 className="card-title" id="folders-title">
        Files
      </h2>
      <ul className="list-plain">
        {rows.map((r) => (
          <li key={r.label} className="spread">
            <div style={{ minWidth: 0 }}>
              <div>{r.label}</div>
              <div className="mono small muted" style={{ overflowWrap: 'anywhere' }}>
                {r.path}
              </div>
            </div>
            <div className="row" style={{ flexWrap: 'nowrap' }}>
              {r.which && transport === 'desktop' ? (
                <Button size="sm" onClick={() => open.mutate(r.which!)}>
                  <FolderOpen size={14} aria-hidden="true" /> Open
                </Button>
              ) : null}
              <CopyButton value={r.path} label={`Copy the path of the ${r.label.toLowerCase()}`} />
            </div>
          </li>
        ))}
      </ul>
      {open.error ? <ErrorAlert error={open.error} /> : null}
    </Card>
  );
}
