import { useMutation, useQuery } from '@tanstack/react-query';
import { Plus, X } from 'lucide-react';
import { Switch } from 'radix-ui';
import { useId, useState } from 'react';
import { OTLP_HEADER_NAME, RESERVED_HEADERS, type OtlpProtocol, type TelemetryPatch, type TelemetryState, type TelemetryView } from '../../../../shared/telemetry.js';
import { api } from '../../../api.js';
import { keys, queryClient } from '../../../app/query.js';
import { ErrorAlert } from '../../../components/ErrorAlert.js';
import { Alert, Badge, Button, Card, Spinner } from '../../../components/ui.js';

const STATE: Record<TelemetryState, { tone: 'ok' | 'warn' | 'danger' | 'neutral'; label: string }> = {
  off: { tone: 'neutral', label: 'Off' },
  exporting: { tone: 'ok', label: 'Exporting' },
  failing: { tone: 'danger', label: 'Failing' },
  misconfigured: { tone: 'warn', label: 'Needs attention' },
};

export function useTelemetry() {
  return useQuery({ queryKey: keys.telemetry, queryFn: () => api.getTelemetry() });
}

function useUpdateTelemetry() {
  return useMutation({
    mutationFn: (patch: TelemetryPatch) => api.updateTelemetry(patch),
    onSuccess: (next) => queryClient.setQueryData(keys.telemetry, next),
  });
}

/** Settings › OpenTelemetry export: where tool-call spans and metrics go, and whether it works. */
export function TelemetryCard() {
  const telemetry = useTelemetry();
  return (
    <Card labelledBy="telemetry-title" data-testid="telemetry-card">
      <h2 className="card-title" id="telemetry-title">
        OpenTelemetry export
      </h2>
      {telemetry.isPending ? <Spinner label="Loading the export settings…" /> : null}
      {telemetry.error ? <ErrorAlert error={telemetry.error} /> : null}
      {telemetry.data ? <TelemetryForm view={telemetry.data} /> : null}
    </Card>
  );
}

function TelemetryForm({ view }: { view: TelemetryView }) {
  const id = useId();
  const update = useUpdateTelemetry();
  const { settings, status, environment } = view;
  const [endpoint, setEndpoint] = useState(settings.endpoint);
  const [protocol, setProtocol] = useState<OtlpProtocol>(settings.protocol);
  const [serviceName, setServiceName] = useState(settings.serviceName);
  const [includeArguments, setIncludeArguments] = useState(settings.includeArguments);
  const endpointProblem = endpointError(endpoint);
  const changed = endpoint.trim() !== settings.endpoint || protocol !== settings.protocol || serviceName.trim() !== settings.serviceName || includeArguments !== settings.includeArguments;
  const state = STATE[status.state];
  const fromEnvironment = environment.some((v) => v.includes('ENDPOINT'));

  return (
    <div className="form">
      <p className="help">
        Sends a trace span for every tool call (who called, what the guardrails decided, how long it took, the flyctl run or Flight Control requests it made) and call-duration metrics to a collector over OTLP/HTTP. Off unless you turn it on here or start Tarmac with{' '}
        <span className="mono">OTEL_EXPORTER_OTLP_ENDPOINT</span>.
      </p>
      <div className="row" role="status" aria-live="polite" data-testid="telemetry-status">
        <Badge tone={state.tone}>{state.label}</Badge>
        <span>{status.summary}</span>
      </div>
      {status.state === 'failing' && status.lastSuccessAt === null ? (
        <p className="help small">Nothing has reached the collector since export started. Calls are not slowed: spans wait in a bounded queue and the oldest are dropped.</p>
      ) : null}
      {environment.length ? (
        <p className="help small" data-testid="telemetry-environment">
          Set in Tarmac’s environment: <span className="mono">{environment.join(', ')}</span>.
        </p>
      ) : null}

      <div className="switch-row">
        <div>
          <label htmlFor={`${id}-on`}>Export to the collector below</label>
          <p className="help muted small">
            {settings.enabled === false && fromEnvironment
              ? 'Off, even though OTEL_* variables name a collector.'
              : settings.enabled === true
                ? 'On. The endpoint below wins over OTEL_* variables.'
                : fromEnvironment
                  ? 'Following the OTEL_* variables in Tarmac’s environment.'
                  : 'Off.'}
          </p>
        </div>
        <Switch.Root
          id={`${id}-on`}
          className="switch"
          checked={settings.enabled === true}
          disabled={update.isPending}
          onCheckedChange={(on) => update.mutate(on ? { enabled: true, endpoint: endpoint.trim(), protocol, serviceName, includeArguments } : { enabled: fromEnvironment ? null : false })}
        >
          <Switch.Thumb className="switch-thumb" />
        </Switch.Root>
      </div>
      {fromEnvironment && settings.enabled !== true ? (
        <div className="btn-row">
          {settings.enabled === false ? (
            <Button size="sm" onClick={() => update.mutate({ enabled: null })}>
              Follow the OTEL_* variables
            </Button>
          ) : (
            <Button size="sm" onClick={() => update.mutate({ enabled: false })}>
              Never export, even with OTEL_* variables
            </Button>
          )}
        </div>
      ) : null}

      <form
        className="form"
        onSubmit={(e) => {
          e.preventDefault();
          if (!endpointProblem) update.mutate({ endpoint: endpoint.trim(), protocol, serviceName, includeArguments });
        }}
      >
        <div className="field">
          <label htmlFor={`${id}-endpoint`}>Collector endpoint</label>
          <input
            id={`${id}-endpoint`}
            className="input mono"
            value={endpoint}
            placeholder="http://localhost:4318"
            spellCheck={false}
            inputMode="url"
            onChange={(e) => setEndpoint(e.target.value)}
            aria-invalid={Boolean(endpointProblem)}
            aria-describedby={`${id}-endpoint-help`}
          />
          <p className={endpointProblem ? 'help field-error' : 'help'} id={`${id}-endpoint-help`}>
            {endpointProblem ?? 'The OTLP/HTTP base address; /v1/traces and /v1/metrics are added. gRPC (port 4317) is not supported.'}
          </p>
        </div>
        <div className="inline-field">
          <div className="field" style={{ flex: 1 }}>
            <label htmlFor={`${id}-protocol`}>Encoding</label>
            <select id={`${id}-protocol`} className="select" value={protocol} onChange={(e) => setProtocol(e.target.value as OtlpProtocol)}>
              <option value="http/protobuf">Protobuf (http/protobuf)</option>
              <option value="http/json">JSON (http/json)</option>
            </select>
          </div>
          <div className="field" style={{ flex: 1 }}>
            <label htmlFor={`${id}-service`}>Service name</label>
            <input id={`${id}-service`} className="input" value={serviceName} maxLength={200} onChange={(e) => setServiceName(e.target.value)} />
          </div>
        </div>
        <div className="check">
          <input id={`${id}-args`} type="checkbox" checked={includeArguments} onChange={(e) => setIncludeArguments(e.target.checked)} aria-describedby={`${id}-args-help`} />
          <div>
            <label htmlFor={`${id}-args`}>Include each call’s arguments</label>
            <p className="help" id={`${id}-args-help`}>
              As the history shows them: secret values are replaced by [redacted]. Off by default, as the OpenTelemetry conventions advise.
            </p>
          </div>
        </div>
        <div className="btn-row">
          <Button type="submit" variant="primary" busy={update.isPending} disabled={!changed || Boolean(endpointProblem)}>
            Save export settings
          </Button>
        </div>
      </form>

      <HeadersEditor names={settings.headerNames} update={update} />
      <ErrorAlert error={update.error} titles={{ 'invalid-input': 'The export settings were not saved' }} />
    </div>
  );
}

function HeadersEditor({ names, update }: { names: string[]; update: ReturnType<typeof useUpdateTelemetry> }) {
  const id = useId();
  const [name, setName] = useState('');
  const [value, setValue] = useState('');
  const problem = name ? headerNameError(name) : null;
  return (
    <div className="field" role="group" aria-labelledby={`${id}-title`}>
      <span className="label" id={`${id}-title`}>
        Headers sent with every export
      </span>
      <p className="help small">For a hosted collector’s API key, for example. Values are kept in your keychain and never shown again.</p>
      {names.length ? (
        <ul className="list-plain" aria-label="Stored headers">
          {names.map((n) => (
            <li key={n} className="spread">
              <span>
                <span className="mono">{n}</span> <span className="muted small">value stored in the keychain</span>
              </span>
              <Button size="sm" variant="ghost" aria-label={`Remove the header ${n}`} busy={update.isPending} onClick={() => update.mutate({ headers: { remove: [n] } })}>
                <X size={14} aria-hidden="true" /> Remove
              </Button>
            </li>
          ))}
        </ul>
      ) : (
        <p className="muted small">No headers.</p>
      )}
      <form
        className="inline-field"
        onSubmit={(e) => {
          e.preventDefault();
          if (problem || !name || !value.trim()) return;
          update.mutate(
            { headers: { set: { [name.trim()]: value } } },
            {
              onSuccess: () => {
                setName('');
                setValue('');
              },
            },
          );
        }}
      >
        <input className="input mono" aria-label="Header name" placeholder="x-api-key" value={name} onChange={(e) => setName(e.target.value.trim())} aria-invalid={Boolean(problem)} aria-describedby={`${id}-name-help`} />
        <input className="input mono" aria-label="Header value" type="password" autoComplete="off" placeholder="value" value={value} onChange={(e) => setValue(e.target.value)} />
        <Button type="submit" busy={update.isPending} disabled={!name || !value.trim() || Boolean(problem)}>
          <Plus size={14} aria-hidden="true" /> Add header
        </Button>
      </form>
      {problem ? (
        <p className="help field-error" id={`${id}-name-help`}>
          {problem}
        </p>
      ) : null}
      {update.isSuccess && !update.isPending && update.variables?.headers ? (
        <Alert tone="ok" live>
          Headers saved in the keychain.
        </Alert>
      ) : null}
    </div>
  );
}

function endpointError(raw: string): string | null {
  const v = raw.trim();
  if (!v) return null;
  // "localhost:4318" parses as a URL of scheme "localhost:": ask for the scheme instead.
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(v) || !URL.canParse(v)) return 'Enter a full URL starting with http:// or https://, for example http://localhost:4318.';
  const url = new URL(v);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'Only http:// and https:// collectors are supported (OTLP/HTTP).';
  if (url.username || url.password) return 'Put credentials in a header below, not in the URL.';
  return null;
}

function headerNameError(name: string): string | null {
  if (!OTLP_HEADER_NAME.test(name)) return 'A header name is letters, digits and - (no spaces).';
  if (RESERVED_HEADERS.has(name.toLowerCase())) return `The exporter sets ${name} itself.`;
  return null;
}
