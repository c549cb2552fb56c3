import { QueryClientProvider } from '@tanstack/react-query';
import { lazy, Suspense } from 'react';
import { HashRouter, Route, Routes } from 'react-router';
import { Spinner } from '../components/ui.js';
import { OverviewPage } from '../features/overview/components/OverviewPage.js';
import { useSettings } from '../hooks/useHost.js';
import { useHostEvents } from './events.js';
import { Layout } from './Layout.js';
import { queryClient } from './query.js';
import { useTheme } from './theme.js';

// The Overview is what the window opens on; the other pages load when first visited.
const AccountsPage = lazy(() => import('../features/accounts/components/AccountsPage.js').then((m) => ({ default: m.AccountsPage })));
const ToolsPage = lazy(() => import('../features/tools/components/ToolsPage.js').then((m) => ({ default: m.ToolsPage })));
const ActivityPage = lazy(() => import('../features/activity/components/ActivityPage.js').then((m) => ({ default: m.ActivityPage })));
const ClientsPage = lazy(() => import('../features/clients/components/ClientsPage.js').then((m) => ({ default: m.ClientsPage })));
const SettingsPage = lazy(() => import('../features/settings/components/SettingsPage.js').then((m) => ({ default: m.SettingsPage })));

function Root() {
  useHostEvents();
  useTheme(useSettings().data?.theme);
  return (
    <Suspense fallback={<Spinner label="Loading…" />}>
      <Routes>
        <Route element={<Layout />}>
          <Route index element={<OverviewPage />} />
          <Route path="activity" element={<ActivityPage />} />
          <Route path="accounts" element={<AccountsPage />} />
          <Route path="tools" element={<ToolsPage />} />
          <Route path="clients" element={<ClientsPage />} />
          <Route path="settings" element={<SettingsPage />} />
          <Route path="*" element={<OverviewPage />} />
        </Route>
      </Routes>
    </Suspense>
  );
}

/** Hash routes: the same app loads from file:// in Electron and from / in browser mode. */
export function App() {
  return (
    <QueryClientProvider client={queryClient}>
      <HashRouter>
        <Root />
      </HashRouter>
    </QueryClientProvider>
  );
}
