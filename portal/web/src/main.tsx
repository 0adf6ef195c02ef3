import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './App';
import { SecretsProvider } from './secrets';
import { SessionProvider } from './session';
import './styles.css';

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <SessionProvider>
      <SecretsProvider>
        <App />
      </SecretsProvider>
    </SessionProvider>
  </StrictMode>,
);
