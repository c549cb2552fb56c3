/** Small presentational pieces with one look; behaviour-heavy primitives come from Radix. */
import { AlertTriangle, CheckCircle2, Info, XCircle } from 'lucide-react';
import type { ButtonHTMLAttributes, ReactNode } from 'react';
import type { ProviderStatus } from '../../shared/api.js';

export function Card({ children, className, labelledBy, ...rest }: { children: ReactNode; className?: string; labelledBy?: string; 'data-testid'?: string }) {
  return (
    <section className={`card ${className ?? ''}`} aria-labelledby={labelledBy} data-testid={rest['data-testid']}>
      {children}
    </section>
  );
}

export function PageHeader({ title, description }: { title: string; description?: ReactNode }) {
  return (
    <header className="page-header">
      <h1>{title}</h1>
      {description ? <p>{description}</p> : null}
    </header>
  );
}

type Tone = 'ok' | 'warn' | 'danger' | 'neutral';

export function Badge({ tone, children }: { tone: Tone; children: ReactNode }) {
  return <span className={`badge badge-${tone}`}>{children}</span>;
}

const PROVIDER_STATE: Record<ProviderStatus['state'], { tone: Tone; label: string }> = {
  ready: { tone: 'ok', label: 'Ready' },
  'signed-out': { tone: 'warn', label: 'Signed out' },
  unconfigured: { tone: 'neutral', label: 'Not set up' },
  error: { tone: 'danger', label: 'Problem' },
};

export function ProviderBadge({ state }: { state: ProviderStatus['state'] }) {
  const s = PROVIDER_STATE[state];
  return <Badge tone={s.tone}>{s.label}</Badge>;
}

export function Alert({ tone, title, children, live }: { tone: 'danger' | 'warn' | 'info' | 'ok'; title?: string; children: ReactNode; live?: boolean }) {
  const Icon = tone === 'danger' ? XCircle : tone === 'warn' ? AlertTriangle : tone === 'ok' ? CheckCircle2 : Info;
  return (
    <div className={`alert alert-${tone}`} role={live ? (tone === 'danger' ? 'alert' : 'status') : undefined}>
      <Icon size={16} aria-hidden="true" />
      <div>
        {title ? <p>
            <strong>{title}</strong>
          </p> : null}
        {typeof children === 'string' ? <p>{children}</p> : children}
      </div>
    </div>
  );
}

export function Button({
  variant = 'default',
  size,
  busy,
  children,
  ...rest
}: ButtonHTMLAttributes<HTMLButtonElement> & { variant?: 'default' | 'primary' | 'danger' | 'danger-solid' | 'ghost'; size?: 'sm'; busy?: boolean }) {
  const cls = ['btn', variant !== 'default' ? `btn-${variant}` : '', size ? `btn-${size}` : '', rest.className ?? ''].join(' ').trim();
  return (
    <button type="button" {...rest} className={cls} aria-busy={busy || undefined}>
      {busy ? <span className="spinner" aria-hidden="true" /> : null}
      {children}
    </button>
  );
}

export function Spinner({ label }: { label: string }) {
  return (
    <div className="progress-line" role="status">
      <span className="spinner" aria-hidden="true" />
      <span>{label}</span>
    </div>
  );
}

/** A list of name/value facts; empty values are left out. */
export function Details({ items }: { items: Array<[string, ReactNode | null | undefined]> }) {
  const shown = items.filter(([, v]) => v !== null && v !== undefined && v !== '');
  if (!shown.length) return null;
  return (
    <dl className="details">
      {shown.map(([k, v]) => (
        <div key={k} style={{ display: 'contents' }}>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </div>
      ))}
    </dl>
  );
}
