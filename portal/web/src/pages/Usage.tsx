import { call, portal } from '../api';
import { BarChart } from '../components/BarChart';
import { AsyncView, useAsync } from '../components/async';
import { link, navigate } from '../lib/router';

const RANGES = [7, 14, 30, 90] as const;

export function Usage({ clientId, days }: { clientId: string; days: number }) {
  const app = useAsync(() => call(portal.GET('/portal/v1/apps/{clientId}', { params: { path: { clientId } } })), [clientId]);
  const usage = useAsync(() => call(portal.GET('/portal/v1/apps/{clientId}/usage', { params: { path: { clientId }, query: { days } } })), [clientId, days]);
  return (
    <section data-testid="usage-page" data-client-id={clientId}>
      <p className="breadcrumbs">
        <a href={link('apps')}>Apps</a> / {app.data?.name ?? clientId} / usage
      </p>
      <header className="api-header">
        <div>
          <h1>Usage{app.data ? `: ${app.data.name}` : ''}</h1>
          <p className="muted">
            Requests, errors (4xx and 5xx other than 429) and throttled requests (429) per UTC day, as the gateway recorded them for{' '}
            <code>{clientId}</code>.
          </p>
        </div>
        <div className="row">
          <label>
            Days
            <select data-testid="usage-days" value={days} onChange={(e) => navigate(`${link('apps', clientId, 'usage')}?days=${e.target.value}`)}>
              {RANGES.map((d) => (
                <option key={d} value={d}>
                  {d}
                </option>
              ))}
            </select>
          </label>
          <button type="button" className="secondary" data-testid="usage-refresh" onClick={usage.reload}>
            Refresh
          </button>
        </div>
      </header>
      <AsyncView state={usage} what="Loading usage">
        {(u) => {
          const totals = u.days.reduce((t, d) => ({ requests: t.requests + d.requests, errors: t.errors + d.errors, throttled: t.throttled + d.throttled }), {
            requests: 0,
            errors: 0,
            throttled: 0,
          });
          return (
            <>
              <div className="stats">
                <div className="stat">
                  <span className="value" data-testid="usage-total-requests">
                    {totals.requests}
                  </span>
                  <span className="muted">requests</span>
                </div>
                <div className="stat">
                  <span className="value" data-testid="usage-total-errors">
                    {totals.errors}
                  </span>
                  <span className="muted">errors</span>
                </div>
                <div className="stat">
                  <span className="value" data-testid="usage-total-throttled">
                    {totals.throttled}
                  </span>
                  <span className="muted">throttled (429)</span>
                </div>
              </div>
              <BarChart
                testId="usage-chart"
                title={`Requests, errors and 429s per day for ${clientId}`}
                rows={u.days}
                labelOf={(d) => d.date.slice(5)}
                series={[
                  { key: 'requests', label: 'Requests', className: 'bar-requests' },
                  { key: 'errors', label: 'Errors', className: 'bar-errors' },
                  { key: 'throttled', label: '429s', className: 'bar-throttled' },
                ]}
              />
              <table className="data" data-testid="usage-table">
                <thead>
                  <tr>
                    <th>Day (UTC)</th>
                    <th className="num">Requests</th>
                    <th className="num">Errors</th>
                    <th className="num">429s</th>
                  </tr>
                </thead>
                <tbody>
                  {[...u.days].reverse().map((d) => (
                    <tr key={d.date} data-testid="usage-row" data-date={d.date}>
                      <td>{d.date}</td>
                      <td className="num" data-testid="usage-requests">
                        {d.requests}
                      </td>
                      <td className="num" data-testid="usage-errors">
                        {d.errors}
                      </td>
                      <td className="num" data-testid="usage-throttled">
                        {d.throttled}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </>
          );
        }}
      </AsyncView>
    </section>
  );
}
