import { createRoot } from 'react-dom/client';
import { DevicesView } from './devices/DevicesView.js';
import { FleetView } from './fleet/FleetView.js';
import { LogsView } from './logs/LogsView.js';
import { MachinesView } from './machines/MachinesView.js';
import './common/views.css';

/**
 * The views' one bundle. Each ui:// resource is this script in a page of its own; the page's
 * <html data-view> names the view it shows (src/main/host/mcp/apps/html.ts writes it).
 */
const VIEWS = { devices: DevicesView, fleet: FleetView, machines: MachinesView, logs: LogsView } as const;

const name = document.documentElement.dataset.view ?? '';
const View = (VIEWS as Record<string, (typeof VIEWS)[keyof typeof VIEWS] | undefined>)[name];
const root = document.getElementById('root');
if (root) createRoot(root).render(View ? <View /> : <p role="alert">Tarmac has no view named “{name}”.</p>);
