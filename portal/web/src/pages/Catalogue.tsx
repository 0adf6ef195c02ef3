import { call, portal } from '../api';
import type { CatalogueApi, CatalogueVersion } from '../api';
import { AsyncView, useAsync } from '../components/async';
import { link } from '../lib/router';

export function useCatalogue() {
  return useAsync(() => call(portal.GET('/portal/v1/apis')), []);
}

export function VersionStatus({ version }: { version: CatalogueVersion }) {
  if (version.status === 'current') {
    return (
      <span className="badge ok" data-testid={`status-${version.id}`}>
        current
      </span>
    );
  }
  return (
    <span className="badge warn" data-testid={`status-${version.id}`}>
      deprecated{version.sunset ? `, sunset ${version.sunset}` : ''}
      {version.successor ? (
        <>
          {' '}
          → <a href={link('apis', version.successor)}>{version.successor}</a>
        </>
      ) : null}
    </span>
  );
}

const GROUP_TITLES: Record<CatalogueApi['group'], string> = {
  process: 'Process APIs',
  events: 'Events',
  platform: 'Platform APIs',
  system: 'System APIs (internal)',
};
const GROUP_ORDER: CatalogueApi['group'][] = ['process', 'events', 'platform', 'system'];

export function Catalogue() {
  const state = useCatalogue();
  return (
    <section>
      <h1>API catalogue</h1>
      <p className="muted">Every API Concord serves, each major version with its status. Reference docs are rendered from the contracts.</p>
      <AsyncView state={state} what="Loading the catalogue">
        {(catalogue) => (
          <div data-testid="catalogue">
            {GROUP_ORDER.filter((g) => catalogue.items.some((a) => a.group === g)).map((group) => (
              <div key={group}>
                <h2>{GROUP_TITLES[group]}</h2>
                <div className="grid">
                  {catalogue.items
                    .filter((a) => a.group === group)
                    .map((api) => (
                      <article key={api.name} className="card api" data-testid={`api-${api.name}`}>
                        <header>
                          <h3>{api.title}</h3>
                          <span className="muted small">
                            {api.kind === 'asyncapi' ? 'AsyncAPI' : 'OpenAPI'} · {api.audience}
                          </span>
                        </header>
                        <table className="versions">
                          <tbody>
                            {api.versions.map((v) => (
                              <tr key={v.id}>
                                <td>
                                  <a href={link('apis', v.id)} data-testid={`open-${v.id}`}>
                                    v{v.major}
                                  </a>{' '}
                                  <span className="muted small">{v.version}</span>
                                </td>
                                <td>
                                  <VersionStatus version={v} />
                                </td>
                              </tr>
                            ))}
                          </tbody>
                        </table>
                      </article>
                    ))}
                </div>
              </div>
            ))}
          </div>
        )}
      </AsyncView>
    </section>
  );
}
