import { call, portal } from '../api';
import type { Changelog } from '../api';
import { AsyncView, useAsync } from '../components/async';
import { link } from '../lib/router';
import { useCatalogue, VersionStatus } from './Catalogue';
import { ReferenceDocs } from './ReferenceDocs';
import { TryIt } from './TryIt';

type Tab = 'reference' | 'try' | 'changelog';

export function ApiPage({ apiId, tab }: { apiId: string; tab: string | undefined }) {
  const catalogue = useCatalogue();
  const doc = useAsync(() => call(portal.GET('/portal/v1/apis/{apiId}/document', { params: { path: { apiId } } })), [apiId]);
  const api = catalogue.data?.items.find((a) => a.versions.some((v) => v.id === apiId));
  const version = api?.versions.find((v) => v.id === apiId);
  const kind = api?.kind ?? (doc.data && 'asyncapi' in doc.data ? 'asyncapi' : 'openapi');
  const current: Tab = tab === 'try' && kind === 'openapi' ? 'try' : tab === 'changelog' ? 'changelog' : 'reference';
  const tabs: Array<[Tab, string]> = [
    ['reference', 'Reference'],
    ...(kind === 'openapi' ? ([['try', 'Try it']] as Array<[Tab, string]>) : []),
    ['changelog', 'Changelog'],
  ];

  return (
    <section className="api-page" data-testid="api-page" data-api={apiId}>
      <p className="breadcrumbs">
        <a href={link('apis')}>Catalogue</a> / {api?.title ?? apiId}
      </p>
      <header className="api-header">
        <div>
          <h1>
            {api?.title ?? apiId} <span className="muted">v{version?.major ?? apiId.split('.v')[1]}</span>
          </h1>
          <p className="muted">
            <code>{apiId}</code> {version && <>· {version.version} · </>}
            {version && <VersionStatus version={version} />}
          </p>
          {api && api.versions.length > 1 && (
            <p className="small">
              Other versions:{' '}
              {api.versions
                .filter((v) => v.id !== apiId)
                .map((v) => (
                  <a key={v.id} href={link('apis', v.id)} className="pill">
                    {v.id}
                  </a>
                ))}
            </p>
          )}
        </div>
        {kind === 'openapi' && (
          // A plain link: the browser sends the session cookie and saves the tarball with the server's file name.
          <a className="button" href={`/portal/v1/apis/${encodeURIComponent(apiId)}/client`} download data-testid="download-client">
            Download TypeScript client
          </a>
        )}
      </header>

      <nav className="tabs" role="tablist">
        {tabs.map(([id, label]) => (
          <a key={id} role="tab" aria-selected={current === id} className={current === id ? 'active' : ''} href={link('apis', apiId, id)} data-testid={`tab-${id}`}>
            {label}
          </a>
        ))}
      </nav>

      {current === 'changelog' ? (
        <ChangelogView apiId={apiId} />
      ) : (
        <AsyncView state={doc} what="Loading the contract">
          {(document) =>
            current === 'try' ? <TryIt document={document} apiId={apiId} /> : <ReferenceDocs document={document} kind={kind} />
          }
        </AsyncView>
      )}
    </section>
  );
}

function ChangelogView({ apiId }: { apiId: string }) {
  const state = useAsync(() => call(portal.GET('/portal/v1/apis/{apiId}/changelog', { params: { path: { apiId } } })), [apiId]);
  return (
    <AsyncView state={state} what="Loading the changelog">
      {(log: Changelog) => (
        <div data-testid="changelog">
          {log.previous === null ? (
            <p className="muted">This is the first version of this API: there is nothing to compare with.</p>
          ) : (
            <p className="muted">
              What changed from <a href={link('apis', log.previous)}>{log.previous}</a> to <code>{log.api}</code>, from the governance diff (
              <code>concord contracts diff</code>).
            </p>
          )}
          {log.changes.length > 0 ? (
            <table className="data" data-testid="changelog-table">
              <thead>
                <tr>
                  <th>Rule</th>
                  <th>Level</th>
                  <th>Change</th>
                  <th>Operation</th>
                </tr>
              </thead>
              <tbody>
                {log.changes.map((c, i) => (
                  <tr key={i} data-testid="changelog-row">
                    <td>
                      <code>{c.id}</code>
                    </td>
                    <td>
                      <span className={`badge ${c.level === 'error' ? 'err' : c.level === 'warning' ? 'warn' : 'info'}`}>{c.level}</span>
                    </td>
                    <td>{c.message}</td>
                    <td>{c.operation ? <code>{c.operation}</code> : <span className="muted">—</span>}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          ) : (
            log.previous !== null && <p data-testid="changelog-empty">No changes.</p>
          )}
        </div>
      )}
    </AsyncView>
  );
}
