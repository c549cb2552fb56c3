import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app/App.js';
import { prefetchFirstPaint } from './app/query.js';
import './styles/app.css';

const root = document.getElementById('root');
if (!root) throw new Error('index.html has no #root element');
// Before the first render, so the host's answers travel while the shell renders.
prefetchFirstPaint();
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
