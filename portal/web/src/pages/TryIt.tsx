import { useEffect, useMemo, useRef, useState } from 'react';
import createClient from 'openapi-fetch';
import type { components as AuthComponents, paths as AuthPaths } from '../../../../generated/types/platform/auth.v1';
import { call, portal } from '../api';
import type { PortalApp } from '../api';
import { ProblemBox } from '../components/ProblemBox';
import { useAsync } from '../components/async';
import { exampleUrl, listOperations } from '../lib/openapi-doc';
import type { DocOperation } from '../lib/openapi-doc';
import { link } from '../lib/router';
import { useSecrets } from '../secrets';

type TokenResponse = AuthComponents['schemas']['TokenResponse'];

/** The token endpoint, called with the app's credentials and never with the portal session. */
const auth = createClient<AuthPaths>({ baseUrl: '/', credentials: 'omit' });

interface Sent {
  status: number;
  statusText: string;
  headers: Array<[string, string]>;
  body: string;
  ms: number;
}

const SHOWN_HEADERS = ['x-correlation-id', 'idempotency-replayed', 'location', 'ratelimit', 'ratelimit-policy', 'retry-after', 'content-type', 'deprecation', 'sunset', 'link'];

function pretty(text: string): string {
  try {
    return JSON.stringify(JSON.parse(text), null, 2);
  } catch {
    return text;
  }
}

const opKey = (op: DocOperation) => op.operationId ?? `${op.method} ${op.path}`;

/**
 * Try-it against the sandbox with an app's own credentials: get a token (client credentials), pick an operation of
 * this API, edit the contract's example and send it. The session cookie is never sent on these calls.
 */
export function TryIt({ document: doc, apiId }: { document: Record<string, unknown>; apiId: string }) {
  const { secretOf } = useSecrets();
  const apps = useAsync(() => call(portal.GET('/portal/v1/apps')), []);
  const activeApps: PortalApp[] = (apps.data?.items ?? []).filter((a) => a.status === 'active');

  const [clientId, setClientId] = useState('');
  const [clientSecret, setClientSecret] = useState('');
  const [token, setToken] = useState<TokenResponse | undefined>();
  const [tokenResult, setTokenResult] = useState<Sent | undefined>();
  const [tokenBusy, setTokenBusy] = useState(false);

  // Prefill with the newest app whose secret this tab has seen (registered or rotated here).
  const prefilled = useRef(false);
  useEffect(() => {
    if (prefilled.current || activeApps.length === 0) return;
    prefilled.current = true;
    if (clientId) return;
    const known = activeApps.find((a) => secretOf(a.clientId)) ?? activeApps[0]!;
    setClientId(known.clientId);
    setClientSecret(secretOf(known.clientId) ?? '');
  }, [activeApps, clientId, secretOf]);

  const operations = useMemo(() => listOperations(doc), [doc]);
  const [selected, setSelected] = useState<string>('');
  const op = operations.find((o) => opKey(o) === selected) ?? operations[0];
  const [exampleName, setExampleName] = useState('');
  const [url, setUrl] = useState('');
  const [body, setBody] = useState('');
  const [idempotencyKey, setIdempotencyKey] = useState('');
  const [result, setResult] = useState<Sent | undefined>();
  const [sendProblem, setSendProblem] = useState<string | undefined>();
  const [busy, setBusy] = useState(false);

  // A new operation or example: the contract's URL, body and a fresh Idempotency-Key.
  useEffect(() => {
    if (!op) return;
    const example = op.bodyExamples.find((e) => e.name === exampleName) ?? op.bodyExamples[0];
    setUrl(exampleUrl(op));
    setBody(op.hasBody ? JSON.stringify(example?.value ?? {}, null, 2) : '');
    setIdempotencyKey(op.idempotency ? crypto.randomUUID() : '');
    setResult(undefined);
    setSendProblem(undefined);
  }, [op, exampleName]);

  const getToken = async () => {
    setTokenBusy(true);
    setToken(undefined);
    const started = performance.now();
    try {
      const { data, response } = await auth.POST('/oauth/token', {
        body: { grant_type: 'client_credentials', client_id: clientId.trim(), client_secret: clientSecret.trim() },
        bodySerializer: (b) => new URLSearchParams(b as Record<string, string>).toString(),
        headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
        parseAs: 'text',
      });
      const text = typeof data === 'string' ? data : await response.clone().text().catch(() => '');
      setTokenResult({ status: response.status, statusText: response.statusText, headers: [...response.headers], body: text, ms: Math.round(performance.now() - started) });
      if (response.ok) setToken(JSON.parse(text) as TokenResponse);
    } catch (err) {
      setTokenResult({ status: 0, statusText: 'network error', headers: [], body: String(err), ms: 0 });
    } finally {
      setTokenBusy(false);
    }
  };

  const send = async () => {
    if (!op) return;
    setSendProblem(undefined);
    let payload: string | undefined;
    if (op.hasBody && op.method !== 'GET') {
      try {
        payload = JSON.stringify(JSON.parse(body || '{}'));
      } catch (err) {
        setSendProblem(`The request body is not valid JSON: ${(err as Error).message}`);
        return;
      }
    }
    const target = new URL(url.trim(), window.location.origin);
    if (target.origin !== window.location.origin) {
      setSendProblem('Try-it calls the sandbox of this Concord only: use a path such as /v2/orders.');
      return;
    }
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (token) headers.Authorization = `Bearer ${token.access_token}`;
    if (payload !== undefined) headers['Content-Type'] = 'application/json';
    if (op.idempotency && idempotencyKey.trim()) headers['Idempotency-Key'] = idempotencyKey.trim();
    setBusy(true);
    const started = performance.now();
    try {
      const response = await fetch(target.pathname + target.search, {
        method: op.method,
        headers,
        ...(payload !== undefined ? { body: payload } : {}),
        credentials: 'omit',
      });
      const text = await response.text();
      setResult({ status: response.status, statusText: response.statusText, headers: [...response.headers], body: text, ms: Math.round(performance.now() - started) });
    } catch (err) {
      setSendProblem(`The request failed: ${String(err)}`);
    } finally {
      setBusy(false);
    }
  };

  if (operations.length === 0) return <p className="muted">This document has no HTTP operations to try.</p>;

  return (
    <div className="tryit" data-testid="tryit">
      <section className="card">
        <h3>1. Credentials</h3>
        <p className="muted small">
          Calls go to this Concord's sandbox with your app's own credentials, never with your portal session. Client secrets are shown once:
          paste yours, or register an app in this tab and it is filled in from memory (it is never stored).
        </p>
        <div className="row">
          <label>
            App
            <select
              data-testid="tryit-app"
              value={activeApps.some((a) => a.clientId === clientId) ? clientId : ''}
              onChange={(e) => {
                setClientId(e.target.value);
                setClientSecret(secretOf(e.target.value) ?? '');
                setToken(undefined);
                setTokenResult(undefined);
              }}
            >
              <option value="">Paste credentials…</option>
              {activeApps.map((a) => (
                <option key={a.clientId} value={a.clientId}>
                  {a.name} ({a.clientId}, {a.plan})
                </option>
              ))}
            </select>
          </label>
          {apps.data && activeApps.length === 0 && (
            <p className="hint">
              No active app yet: <a href={link('apps')}>register one</a>.
            </p>
          )}
        </div>
        <div className="row">
          <label>
            Client id
            <input data-testid="tryit-client-id" value={clientId} onChange={(e) => setClientId(e.target.value)} spellCheck={false} autoComplete="off" />
          </label>
          <label>
            Client secret
            <input
              data-testid="tryit-client-secret"
              type="password"
              value={clientSecret}
              onChange={(e) => setClientSecret(e.target.value)}
              spellCheck={false}
              autoComplete="off"
              placeholder="cs_…"
            />
          </label>
        </div>
        <button type="button" data-testid="tryit-get-token" onClick={() => void getToken()} disabled={tokenBusy || !clientId || !clientSecret}>
          {tokenBusy ? 'Getting a token…' : 'Get token'}
        </button>
        {tokenResult && (
          <div className="response" data-testid="tryit-token-result" data-status={tokenResult.status}>
            <p>
              <code>POST /oauth/token</code> →{' '}
              <span className={tokenResult.status < 300 ? 'badge ok' : 'badge err'} data-testid="tryit-token-status">
                {tokenResult.status} {tokenResult.statusText}
              </span>
              {token && (
                <span className="muted small">
                  {' '}
                  scopes: {token.scope} · expires in {token.expires_in} s
                </span>
              )}
            </p>
            <pre data-testid="tryit-token-body">{pretty(tokenResult.body)}</pre>
          </div>
        )}
      </section>

      <section className="card">
        <h3>2. Request</h3>
        <div className="row">
          <label className="grow">
            Operation
            <select
              data-testid="tryit-operation"
              value={op ? opKey(op) : ''}
              onChange={(e) => {
                setSelected(e.target.value);
                setExampleName('');
              }}
            >
              {operations.map((o) => (
                <option key={opKey(o)} value={opKey(o)}>
                  {o.method} {o.path}
                  {o.summary ? ` · ${o.summary}` : ''}
                </option>
              ))}
            </select>
          </label>
          {op && op.bodyExamples.length > 1 && (
            <label>
              Example
              <select data-testid="tryit-example" value={exampleName || op.bodyExamples[0]!.name} onChange={(e) => setExampleName(e.target.value)}>
                {op.bodyExamples.map((ex) => (
                  <option key={ex.name} value={ex.name}>
                    {ex.summary ?? ex.name}
                  </option>
                ))}
              </select>
            </label>
          )}
        </div>
        {op && (
          <>
            <div className="row">
              <span className={`method ${op.method.toLowerCase()}`} data-testid="tryit-method">
                {op.method}
              </span>
              <input className="grow mono" data-testid="tryit-url" value={url} onChange={(e) => setUrl(e.target.value)} spellCheck={false} aria-label="URL" />
            </div>
            {op.scopes.length > 0 && <p className="muted small">Needs scope {op.scopes.join(', ')}.</p>}
            {op.idempotency && (
              <div className="row">
                <label className="grow">
                  <span>
                    Idempotency-Key <span className="muted small">({op.idempotency}; a retry with the same key replays the first answer)</span>
                  </span>
                  <input className="mono" data-testid="tryit-idempotency-key" value={idempotencyKey} onChange={(e) => setIdempotencyKey(e.target.value)} />
                </label>
                <button type="button" className="secondary" data-testid="tryit-new-key" onClick={() => setIdempotencyKey(crypto.randomUUID())}>
                  New key
                </button>
              </div>
            )}
            {op.hasBody && (
              <label>
                <span>
                  Body <span className="muted small">(the contract's example; edit freely)</span>
                </span>
                <textarea className="mono" data-testid="tryit-body" rows={Math.min(24, Math.max(6, body.split('\n').length + 1))} value={body} onChange={(e) => setBody(e.target.value)} spellCheck={false} />
              </label>
            )}
            {!token && <p className="hint">No token yet: the call will be sent without credentials and answer 401.</p>}
            <button type="button" data-testid="tryit-send" onClick={() => void send()} disabled={busy}>
              {busy ? 'Sending…' : 'Send'}
            </button>
            {sendProblem && <ProblemBox problem={{ status: 0, title: 'Not sent', detail: sendProblem }} testId="tryit-problem" />}
          </>
        )}
        {result && (
          <div className="response" data-testid="tryit-response" data-status={result.status}>
            <p>
              <span className={result.status < 300 ? 'badge ok' : result.status < 500 ? 'badge warn' : 'badge err'} data-testid="tryit-status">
                {result.status} {result.statusText}
              </span>{' '}
              <span className="muted small">{result.ms} ms</span>
            </p>
            <table className="headers" data-testid="tryit-headers">
              <tbody>
                {result.headers
                  .filter(([name]) => SHOWN_HEADERS.includes(name.toLowerCase()))
                  .map(([name, value]) => (
                    <tr key={name}>
                      <th>{name}</th>
                      <td className="mono" data-testid={name.toLowerCase() === 'x-correlation-id' ? 'tryit-correlation-id' : undefined}>
                        {value}
                      </td>
                    </tr>
                  ))}
              </tbody>
            </table>
            {result.status === 409 && result.body.includes('insufficient-stock') && (
              <p className="hint" data-testid="tryit-stock-hint">
                The sandbox has no more stock for this example at that location (channel allocation caps what a marketplace may take).{' '}
                {op && op.bodyExamples.length > 1 ? 'Pick another example above, or change' : 'Change'} the SKU, quantity or location in the body, with
                the SKU's price (<code>GET /v1/availability</code> shows the stock).
              </p>
            )}
            <pre data-testid="tryit-response-body">{pretty(result.body)}</pre>
          </div>
        )}
      </section>
      <p className="muted small">
        API: <code>{apiId}</code>. Calls count towards your app's <a href={clientId ? link('apps', clientId, 'usage') : link('apps')}>usage</a>.
      </p>
    </div>
  );
}
