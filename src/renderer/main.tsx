import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { Overview } from './features/overview/Overview.js';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <Overview />
  </StrictMode>,
);
