import { useState } from 'react';
import { PARTNER_SCOPES, call, csrf, portal } from '../api';
import type { NewAppCredentials, PartnerScope, PortalApp } from '../api';
import { CopyButton } from '../components/CopyButton';
import { ProblemBox } from '../components/ProblemBox';
import { AsyncView, useAction, useAsync } from '../components/async';
import { link } from '../lib/router';
import { useSecrets } from '../secrets';

/** A secret shown this once: the value, a copy button and the warning. */
function SecretField({ label, value, testId }: { label: string; value: string; testId: string }) {
  return (
    <div className="secret">
      <span className="label">{label}</span>
      <code data-testid={testId}>{value}</code>
      <CopyButton text={value} testId={`copy-${testId.replace(/^credential-/, '')}`} />
    </div>
  );
}

function OnceWarning() {
  return (
    <p className="warning" data-testid="shown-once-warning">
      <strong>Shown once.</strong> Concord keeps only a hash: copy these now and store them in your secret manager. If you lose the secret, rotate
      it; if you lose the key, create another.
    </p>
  );
}

function CredentialsPanel({ credentials, onDone }: { credentials: NewAppCredentials; onDone(): void }) {
  return (
    <section className="card once" data-testid="credentials-panel" data-client-id={credentials.clientId}>
      <h2>Credentials for {credentials.app.name}</h2>
      <OnceWarning />
      <SecretField label="Client id" value={credentials.clientId} testId="credential-client-id" />
      <SecretField label="Client secret" value={credentials.clientSecret} testId="credential-client-secret" />
      <SecretField label="API key" value={credentials.apiKey} testId="credential-api-key" />
      <p className="muted small">
        Next: <a href={link('guide')}>get a token and create an order</a>, or <a href={link('apis', 'orders.v2', 'try')}>try the Orders API</a> with
        this app (this tab remembers the secret until you reload).
      </p>
      <button type="button" data-testid="credentials-done" onClick={onDone}>
        I have stored them
      </button>
    </section>
  );
}

function RegisterForm({ onRegistered }: { onRegistered(c: NewAppCredentials): void }) {
  const [name, setName] = useState('');
  const [plan, setPlan] = useState<'sandbox' | 'partner'>('sandbox');
  const [scopes, setScopes] = useState<PartnerScope[]>([]);
  const action = useAction();
  return (
    <form
      className="card"
      data-testid="register-form"
      onSubmit={(e) => {
        e.preventDefault();
        void action.run(async () => {
          const created = await call(
            portal.POST('/portal/v1/apps', {
              params: { header: csrf() },
              body: { name: name.trim(), plan, ...(scopes.length > 0 ? { scopes } : {}) },
            }),
          );
          setName('');
          setScopes([]);
          onRegistered(created);
        });
      }}
    >
      <h2>Register an app</h2>
      <label>
        Name
        <input data-testid="register-name" required maxLength={200} value={name} onChange={(e) => setName(e.target.value)} placeholder="Acme storefront" />
      </label>
      <fieldset>
        <legend>Plan</legend>
        <label className="inline">
          <input type="radio" name="plan" data-testid="register-plan-sandbox" checked={plan === 'sandbox'} onChange={() => setPlan('sandbox')} />
          <span>
            <strong>Sandbox</strong> <span className="muted small">approved at once; sandbox systems and limits</span>
          </span>
        </label>
        <label className="inline">
          <input type="radio" name="plan" data-testid="register-plan-partner" checked={plan === 'partner'} onChange={() => setPlan('partner')} />
          <span>
            <strong>Partner</strong> <span className="muted small">starts on sandbox until an internal admin approves it</span>
          </span>
        </label>
      </fieldset>
      <fieldset>
        <legend>
          Scopes <span className="muted small">(optional: none ticked means every partner scope)</span>
        </legend>
        <div className="scopes">
          {PARTNER_SCOPES.map((s) => (
            <label key={s} className="inline">
              <input
                type="checkbox"
                data-testid={`register-scope-${s}`}
                checked={scopes.includes(s)}
                onChange={(e) => setScopes((cur) => (e.target.checked ? [...cur, s] : cur.filter((x) => x !== s)))}
              />
              <code>{s}</code>
            </label>
          ))}
        </div>
      </fieldset>
      <ProblemBox problem={action.problem} testId="register-problem" />
      <button type="submit" data-testid="register-submit" disabled={action.busy}>
        {action.busy ? 'Registering…' : 'Register app'}
      </button>
    </form>
  );
}

/** A two-step button for actions that cannot be undone. */
function ConfirmButton({ label, confirmLabel, testId, onConfirm, disabled }: { label: string; confirmLabel: string; testId: string; onConfirm(): void; disabled?: boolean }) {
  const [armed, setArmed] = useState(false);
  if (!armed) {
    return (
      <button type="button" className="secondary small" data-testid={testId} onClick={() => setArmed(true)} disabled={disabled}>
        {label}
      </button>
    );
  }
  return (
    <span className="confirm">
      <button
        type="button"
        className="danger small"
        data-testid={`${testId}-confirm`}
        onClick={() => {
          setArmed(false);
          onConfirm();
        }}
      >
        {confirmLabel}
      </button>
      <button type="button" className="secondary small" data-testid={`${testId}-cancel`} onClick={() => setArmed(false)}>
        Cancel
      </button>
    </span>
  );
}

type Shown = { kind: 'secret'; clientId: string; value: string } | { kind: 'key'; clientId: string; value: string; prefix?: string };

function AppRow({ app, onChanged }: { app: PortalApp; onChanged(): void }) {
  const { remember, forget } = useSecrets();
  const action = useAction();
  const [shown, setShown] = useState<Shown | undefined>();
  const path = { clientId: app.clientId };
  const suspended = app.status === 'suspended';
  return (
    <article className={`card app ${suspended ? 'suspended' : ''}`} data-testid="app-row" data-client-id={app.clientId} data-app-name={app.name}>
      <header>
        <div>
          <h3>{app.name}</h3>
          <code className="small">{app.clientId}</code>
        </div>
        <div className="badges">
          <span className="badge info" data-testid="app-plan">
            {app.plan}
          </span>
          {app.requestedPlan && (
            <span className="badge warn" data-testid="app-requested-plan">
              {app.requestedPlan}: awaiting approval
            </span>
          )}
          <span className={`badge ${suspended ? 'err' : 'ok'}`} data-testid="app-status">
            {app.status}
          </span>
        </div>
      </header>
      <p className="small">
        Scopes:{' '}
        <span className="codes" data-testid="app-scopes">
          {app.scopes.map((s) => (
            <code key={s}>{s}</code>
          ))}
        </span>
      </p>
      <table className="data keys" data-testid="app-keys">
        <thead>
          <tr>
            <th>API key</th>
            <th>Created</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {app.apiKeys.length === 0 && (
            <tr>
              <td colSpan={3} className="muted">
                No API keys.
              </td>
            </tr>
          )}
          {app.apiKeys.map((k) => (
            <tr key={k.keyId} data-testid="key-row" data-key-id={k.keyId} className={k.revokedAt ? 'revoked' : ''}>
              <td>
                <code data-testid="key-prefix">{k.prefix}…</code>
              </td>
              <td className="small">{new Date(k.createdAt).toLocaleString()}</td>
              <td className="actions">
                {k.revokedAt ? (
                  <span className="badge err">revoked {new Date(k.revokedAt).toLocaleDateString()}</span>
                ) : (
                  <ConfirmButton
                    label="Revoke"
                    confirmLabel="Revoke key"
                    testId="key-revoke"
                    disabled={action.busy}
                    onConfirm={() =>
                      void action.run(async () => {
                        await call(portal.DELETE('/portal/v1/apps/{clientId}/api-keys/{keyId}', { params: { path: { ...path, keyId: k.keyId }, header: csrf() } }));
                        onChanged();
                      })
                    }
                  />
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {shown && (
        <div className="once" data-testid={shown.kind === 'secret' ? 'rotated-secret-panel' : 'new-key-panel'}>
          <OnceWarning />
          {shown.kind === 'secret' ? (
            <SecretField label="New client secret" value={shown.value} testId="rotated-client-secret" />
          ) : (
            <SecretField label="New API key" value={shown.value} testId="new-api-key" />
          )}
          <button type="button" className="secondary small" data-testid="once-done" onClick={() => setShown(undefined)}>
            Done
          </button>
        </div>
      )}
      <ProblemBox problem={action.problem} testId="app-problem" />
      <footer className="actions">
        <a className="button secondary small" href={link('apps', app.clientId, 'usage')} data-testid="app-usage">
          Usage
        </a>
        <a className="button secondary small" href={link('apis', 'orders.v2', 'try')} data-testid="app-try">
          Try it
        </a>
        <ConfirmButton
          label="Rotate secret"
          confirmLabel="Rotate: the old secret stops working"
          testId="app-rotate-secret"
          disabled={action.busy || suspended}
          onConfirm={() =>
            void action.run(async () => {
              const rotated = await call(portal.POST('/portal/v1/apps/{clientId}/rotate-secret', { params: { path, header: csrf() } }));
              remember(rotated.clientId, rotated.clientSecret);
              setShown({ kind: 'secret', clientId: rotated.clientId, value: rotated.clientSecret });
            })
          }
        />
        <button
          type="button"
          className="secondary small"
          data-testid="app-create-key"
          disabled={action.busy || suspended}
          onClick={() =>
            void action.run(async () => {
              const key = await call(portal.POST('/portal/v1/apps/{clientId}/api-keys', { params: { path, header: csrf() } }));
              setShown({ kind: 'key', clientId: app.clientId, value: key.apiKey, prefix: key.prefix });
              onChanged();
            })
          }
        >
          Create API key
        </button>
        {!suspended && (
          <ConfirmButton
            label="Suspend"
            confirmLabel="Suspend: only an admin can reactivate"
            testId="app-suspend"
            disabled={action.busy}
            onConfirm={() =>
              void action.run(async () => {
                await call(portal.POST('/portal/v1/apps/{clientId}/suspend', { params: { path, header: csrf() } }));
                forget(app.clientId);
                onChanged();
              })
            }
          />
        )}
      </footer>
    </article>
  );
}

export function Apps() {
  const { remember } = useSecrets();
  const state = useAsync(() => call(portal.GET('/portal/v1/apps')), []);
  const [credentials, setCredentials] = useState<NewAppCredentials | undefined>();
  return (
    <section data-testid="apps-page">
      <h1>Apps</h1>
      <p className="muted">Your organisation's apps, their plans and credentials. Secrets and API keys are shown once, when they are created.</p>
      {credentials && <CredentialsPanel credentials={credentials} onDone={() => setCredentials(undefined)} />}
      <div className="two-col">
        <div>
          <AsyncView state={state} what="Loading your apps">
            {(list) =>
              list.items.length === 0 ? (
                <p className="card muted" data-testid="apps-empty">
                  No apps yet. Register one to get sandbox credentials.
                </p>
              ) : (
                <div className="stack" data-testid="apps-list">
                  {list.items.map((app) => (
                    <AppRow key={app.clientId} app={app} onChanged={state.reload} />
                  ))}
                </div>
              )
            }
          </AsyncView>
        </div>
        <RegisterForm
          onRegistered={(c) => {
            remember(c.clientId, c.clientSecret);
            setCredentials(c);
            state.reload();
            window.scrollTo({ top: 0, behavior: 'smooth' });
          }}
        />
      </div>
    </section>
  );
}
