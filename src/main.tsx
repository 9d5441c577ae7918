import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './ui/App';
import { installDebugHooks } from './state/debug-hooks';
import './ui/styles.css';

// window.__gptPlayground, for the end-to-end tests of device loss; never in a production build.
if (import.meta.env.DEV) installDebugHooks();

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
