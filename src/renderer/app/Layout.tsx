import { Activity, Cable, Gauge, KeyRound, PanelLeftClose, PanelLeftOpen, Settings, ShieldCheck } from 'lucide-react';
import { GuardBanners } from '../features/tools/components/GuardBanners.js';
import { GuardStateBar } from '../features/tools/components/GuardStateBar.js';
import { Suspense, useEffect, useState } from 'react';
import { NavLink, Outlet, useLocation } from 'react-router';
import { useHostStatus } from '../hooks/useHost.js';
import { transport } from '../api.js';
import { Spinner } from '../components/ui.js';
import { Approvals, usePreloadDeferred } from './deferred.js';

const NAV = [
  { to: '/', label: 'Overview', Icon: Gauge, end: true },
  { to: '/activity', label: 'Activity', Icon: Activity, end: false },
  { to: '/accounts', label: 'Accounts', Icon: KeyRound, end: false },
  { to: '/tools', label: 'Tools', Icon: ShieldCheck, end: false },
  { to: '/clients', label: 'Clients', Icon: Cable, end: false },
  { to: '/settings', label: 'Settings', Icon: Settings, end: false },
];

function RunwayMark() {
  return (
    <svg width="16" height="16" viewBox="0 0 16 16" aria-hidden="true">
      <rect x="4" y="1" width="8" height="14" rx="1.5" fill="currentColor" />
      <rect x="7.4" y="4" width="1.2" height="2" fill="#f5b005" />
      <rect x="7.4" y="7.5" width="1.2" height="2" fill="#f5b005" />
      <rect x="7.4" y="11" width="1.2" height="2" fill="#f5b005" />
    </svg>
  );
}

/** The tab's or window's title follows the page: "Activity — Tarmac". */
function usePageTitle(): void {
  const { pathname } = useLocation();
  useEffect(() => {
    const page = NAV.find((n) => (n.end ? pathname === n.to : pathname === n.to || pathname.startsWith(`${n.to}/`))) ?? NAV[0]!;
    document.title = `${page.label} — Tarmac`;
  }, [pathname]);
}

export function Layout() {
  const status = useHostStatus();
  usePageTitle();
  usePreloadDeferred();
  // Below the breakpoint (app.css) the sidebar is a rail of icons; this opens it over the page.
  const [navOpen, setNavOpen] = useState(false);
  useEffect(() => {
    if (!navOpen) return;
    const close = (e: KeyboardEvent) => e.key === 'Escape' && setNavOpen(false);
    window.addEventListener('keydown', close);
    return () => window.removeEventListener('keydown', close);
  }, [navOpen]);
  return (
    <div className={`shell${navOpen ? ' nav-open' : ''}`}>
      {/* The hash router would take "#main" for a route: move the focus instead of navigating. */}
      <a
        className="skip-link"
        href="#main"
        onClick={(e) => {
          e.preventDefault();
          const main = document.getElementById('main');
          main?.focus();
          main?.scrollIntoView({ block: 'start' });
        }}
      >
        Skip to content
      </a>
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark">
            <RunwayMark />
          </span>
          <span className="brand-name">Tarmac</span>
        </div>
        <button type="button" className="btn btn-ghost btn-sm nav-toggle" aria-expanded={navOpen} aria-controls="main-nav" onClick={() => setNavOpen((o) => !o)}>
          {navOpen ? <PanelLeftClose size={16} aria-hidden="true" /> : <PanelLeftOpen size={16} aria-hidden="true" />}
          <span className="visually-hidden">{navOpen ? 'Hide the menu’s labels' : 'Show the menu’s labels'}</span>
        </button>
        <nav className="nav" id="main-nav" aria-label="Main">
          {NAV.map(({ to, label, Icon, end }) => (
            <NavLink key={to} to={to} end={end} title={label} onClick={() => setNavOpen(false)}>
              <Icon size={16} aria-hidden="true" />
              <span className="nav-label">{label}</span>
            </NavLink>
          ))}
        </nav>
        <div className="sidebar-foot">
          <span>{status.data ? `Tarmac ${status.data.version}` : 'Tarmac'}</span>
          <span>{transport === 'browser' ? 'Browser mode' : 'Desktop'}</span>
        </div>
      </aside>
      <main className="main" id="main" tabIndex={-1}>
        <GuardStateBar />
        <GuardBanners />
        {/* A page's code loads on first visit: the sidebar stays while it does. */}
        <Suspense fallback={<Spinner label="Opening the page…" />}>
          <Outlet />
        </Suspense>
      </main>
      <Approvals />
    </div>
  );
}
