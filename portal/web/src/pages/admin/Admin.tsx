import { useState } from 'react';
import { admin, call } from '../../api';
import type { AdminApp, DeadLetter, OpsSummary, Partner, SyncException } from '../../api';
import { ProblemBox } from '../../components/ProblemBox';
import { AsyncView, useAction, useAsync } from '../../components/async';
import { link } from '../../lib/router';

/** Every page of a cursor-paginated admin list (100 a page, at most `max` items). */
async function allPages<T>(page: (cursor: string | undefined) => Promise<{ items: T[]; nextCursor?: string | null }>, max = 2000): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const p = await page(cursor);
    items.push(...p.items);
    cursor = p.nextCursor ?? undefined;
  } while (cursor && items.length < max);
  return items;
}

const listApps = () => allPages((cursor) => call(admin.GET('/admin/v1/apps', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })));
const listPartners = () => allPages((cursor) => call(admin.GET('/admin/v1/partners', { params: { query: { limit: 100, ...(cursor ? { cursor } : {}) } } })));

export function AdminNav({ current }: { current: string }) {
  const items: Array<[string, string]> = [
    ['approvals', 'Plan approvals'],
    ['apps', 'Apps and partners'],
    ['ops', 'Operations'],
  ];
  return (
    <nav className="tabs">
      {items.map(([id, label]) => (
        <a key={id} href={link('admin', id)} className={current === id ? 'active' : ''} data-testid={`admin-tab-${id}`}>
          {label}
        </a>
      ))}
    </nav>
  );
}

function partnerName(partners: Partner[] | undefined, id: string | undefined): string {
  if (!id) return 'Concord (internal)';
  return partners?.find((p) => p.id === id)?.name ?? id;
}

// ---------------------------------------------------------------- plan approvals

export function PlanApprovals() {
  const apps = useAsync(listApps, []);
  const partners = useAsync(listPartners, []);
  const action = useAction();
  const [done, setDone] = useState<string | undefined>();
  const decide = (app: AdminApp, verdict: 'approve' | 'reject') =>
    void action.run(async () => {
      const params = { params: { path: { clientId: app.clientId } } };
      const updated =
        verdict === 'approve'
          ? await call(admin.POST('/admin/v1/apps/{clientId}/plan-requests/approve', params))
          : await call(admin.POST('/admin/v1/apps/{clientId}/plan-requests/reject', params));
      setDone(
        verdict === 'approve'
          ? `${updated.name} (${updated.clientId}) is now on the ${updated.plan} plan.`
          : `The plan request of ${updated.name} (${updated.clientId}) was rejected; it stays on ${updated.plan}.`,
      );
      apps.reload();
    });
  return (
    <section data-testid="admin-approvals">
      <h1>Administration</h1>
      <AdminNav current="approvals" />
      <p className="muted">Apps asking for another plan. Until approved they keep their current plan's limits.</p>
      {done && (
        <p className="notice" data-testid="approval-result">
          {done}
        </p>
      )}
      <ProblemBox problem={action.problem} testId="approval-problem" />
      <AsyncView state={apps} what="Loading plan requests">
        {(items) => {
          const pending = items.filter((a) => a.requestedPlan);
          if (pending.length === 0)
            return (
              <p className="card muted" data-testid="approvals-empty">
                No plan requests are waiting.
              </p>
            );
          return (
            <table className="data" data-testid="approvals-table">
              <thead>
                <tr>
                  <th>App</th>
                  <th>Partner</th>
                  <th>Plan</th>
                  <th>Requested</th>
                  <th>Registered</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {pending.map((app) => (
                  <tr key={app.clientId} data-testid="approval-row" data-client-id={app.clientId} data-app-name={app.name}>
                    <td>
                      <strong>{app.name}</strong>
                      <br />
                      <code className="small">{app.clientId}</code>
                    </td>
                    <td>{partnerName(partners.data, app.partnerId)}</td>
                    <td>
                      <span className="badge info">{app.plan}</span>
                    </td>
                    <td>
                      <span className="badge warn">{app.requestedPlan}</span>
                    </td>
                    <td className="small">{new Date(app.createdAt).toLocaleString()}</td>
                    <td className="actions">
                      <button type="button" className="small" data-testid="approve-plan" disabled={action.busy} onClick={() => decide(app, 'approve')}>
                        Approve
                      </button>
                      <button type="button" className="secondary small" data-testid="reject-plan" disabled={action.busy} onClick={() => decide(app, 'reject')}>
                        Reject
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          );
        }}
      </AsyncView>
    </section>
  );
}

// ---------------------------------------------------------------- apps and partners

export function AllApps() {
  const apps = useAsync(listApps, []);
  const partners = useAsync(listPartners, []);
  const action = useAction();
  const [partnerFilter, setPartnerFilter] = useState('');
  const setStatus = (app: AdminApp, to: 'suspend' | 'activate') =>
    void action.run(async () => {
      const params = { params: { path: { clientId: app.clientId } } };
      if (to === 'suspend') await call(admin.POST('/admin/v1/apps/{clientId}/suspend', params));
      else await call(admin.POST('/admin/v1/apps/{clientId}/activate', params));
      apps.reload();
    });
  return (
    <section data-testid="admin-apps">
      <h1>Administration</h1>
      <AdminNav current="apps" />
      <ProblemBox problem={action.problem} testId="admin-apps-problem" />
      <h2>Apps</h2>
      <div className="row">
        <label>
          Partner
          <select data-testid="admin-apps-partner" value={partnerFilter} onChange={(e) => setPartnerFilter(e.target.value)}>
            <option value="">All</option>
            <option value="-">Concord (internal)</option>
            {(partners.data ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
      </div>
      <AsyncView state={apps} what="Loading apps">
        {(items) => (
          <table className="data" data-testid="admin-apps-table">
            <thead>
              <tr>
                <th>App</th>
                <th>Partner</th>
                <th>Plan</th>
                <th>Status</th>
                <th>Keys</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {items
                .filter((a) => !partnerFilter || (partnerFilter === '-' ? !a.partnerId : a.partnerId === partnerFilter))
                .map((app) => (
                  <tr key={app.clientId} data-testid="admin-app-row" data-client-id={app.clientId} data-app-name={app.name}>
                    <td>
                      <strong>{app.name}</strong>
                      <br />
                      <code className="small">{app.clientId}</code>
                    </td>
                    <td>{partnerName(partners.data, app.partnerId)}</td>
                    <td>
                      <span className="badge info">{app.plan}</span>
                      {app.requestedPlan && <span className="badge warn">→ {app.requestedPlan}?</span>}
                    </td>
                    <td>
                      <span className={`badge ${app.status === 'active' ? 'ok' : 'err'}`} data-testid="admin-app-status">
                        {app.status}
                      </span>
                    </td>
                    <td className="small">
                      {app.apiKeys.filter((k) => !k.revokedAt).map((k) => (
                        <code key={k.keyId}>{k.prefix}… </code>
                      ))}
                    </td>
                    <td className="actions">
                      {app.status === 'active' ? (
                        <button type="button" className="secondary small" data-testid="admin-app-suspend" disabled={action.busy} onClick={() => setStatus(app, 'suspend')}>
                          Suspend
                        </button>
                      ) : (
                        <button type="button" className="small" data-testid="admin-app-activate" disabled={action.busy} onClick={() => setStatus(app, 'activate')}>
                          Activate
                        </button>
                      )}
                    </td>
                  </tr>
                ))}
            </tbody>
          </table>
        )}
      </AsyncView>
      <h2>Partners</h2>
      <AsyncView state={partners} what="Loading partners">
        {(items) => (
          <table className="data" data-testid="admin-partners-table">
            <thead>
              <tr>
                <th>Partner</th>
                <th>Contact</th>
                <th>Apps</th>
                <th>Since</th>
              </tr>
            </thead>
            <tbody>
              {items.map((p) => (
                <tr key={p.id} data-testid="admin-partner-row" data-partner-id={p.id}>
                  <td>
                    <strong>{p.name}</strong>
                    <br />
                    <code className="small">{p.id}</code>
                  </td>
                  <td>{p.contactEmail}</td>
                  <td>
                    <button type="button" className="link" onClick={() => setPartnerFilter(p.id)}>
                      {(apps.data ?? []).filter((a) => a.partnerId === p.id).length}
                    </button>
                  </td>
                  <td className="small">{new Date(p.createdAt).toLocaleDateString()}</td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </AsyncView>
    </section>
  );
}

// ---------------------------------------------------------------- operations

const SUMMARY: Array<[keyof OpsSummary, string, string]> = [
  ['ordersAwaitingErp', 'Orders awaiting ERP', 'ERP sync pending, in progress or retrying'],
  ['ordersInException', 'Orders in exception', 'a system sync gave up'],
  ['returnsPendingDisposition', 'Returns pending disposition', 'received or inspected, not yet dispositioned'],
  ['refundExceptions', 'Refund exceptions', 'the ERP credit memo could not be posted'],
  ['deadLetters', 'Dead letters', 'events a consumer kept failing on'],
  ['outboxBacklog', 'Outbox backlog', 'events not yet published'],
];

function OpsCounters({ summary }: { summary: OpsSummary }) {
  return (
    <div className="stats" data-testid="ops-summary">
      {SUMMARY.map(([key, label, hint]) => {
        const value = summary[key] as number;
        return (
          <div key={key} className={`stat ${value > 0 && key !== 'outboxBacklog' ? 'attention' : ''}`} data-testid={`ops-${key}`} data-value={value}>
            <span className="value">{value}</span>
            <span>{label}</span>
            <span className="muted small">{hint}</span>
          </div>
        );
      })}
    </div>
  );
}

function DeadLetterRow({ letter, onReplayed }: { letter: DeadLetter; onReplayed(after: DeadLetter): void }) {
  const action = useAction();
  const [open, setOpen] = useState(false);
  return (
    <>
      <tr data-testid="dead-letter-row" data-dead-letter-id={letter.id} data-status={letter.status}>
        <td>
          <code className="small">{letter.id}</code>
          <br />
          <span className="small muted">{new Date(letter.lastFailedAt).toLocaleString()}</span>
        </td>
        <td>
          <code>{letter.eventType}</code>
          <br />
          <span className="small muted">{letter.subject}</span>
        </td>
        <td>{letter.consumer}</td>
        <td className="small">{letter.reason}</td>
        <td className="num">{letter.attempts}</td>
        <td>
          <span className={`badge ${letter.status === 'replayed' ? 'ok' : 'warn'}`} data-testid="dead-letter-status">
            {letter.status}
          </span>
        </td>
        <td className="actions">
          <button
            type="button"
            className="small"
            data-testid="dead-letter-replay"
            disabled={action.busy || letter.status === 'replayed'}
            onClick={() =>
              void action.run(async () => {
                const after = await call(admin.POST('/admin/v1/dead-letters/{deadLetterId}/replay', { params: { path: { deadLetterId: letter.id } } }));
                onReplayed(after);
              })
            }
          >
            {action.busy ? 'Replaying…' : 'Replay'}
          </button>
          <button type="button" className="link small" onClick={() => setOpen((o) => !o)} data-testid="dead-letter-toggle">
            {open ? 'Hide event' : 'Event'}
          </button>
        </td>
      </tr>
      {(open || action.problem) && (
        <tr className="detail">
          <td colSpan={7}>
            <ProblemBox problem={action.problem} testId="dead-letter-problem" />
            {open && <pre>{JSON.stringify(letter.payload, null, 2)}</pre>}
          </td>
        </tr>
      )}
    </>
  );
}

export function Ops() {
  const summary = useAsync(() => call(admin.GET('/admin/v1/ops/summary')), []);
  const exceptions = useAsync(() => call(admin.GET('/admin/v1/ops/exceptions', { params: { query: { limit: 50 } } })), []);
  const [status, setStatus] = useState<'pending' | 'replayed' | ''>('pending');
  const letters = useAsync(
    () => call(admin.GET('/admin/v1/dead-letters', { params: { query: { limit: 50, ...(status ? { status } : {}) } } })),
    [status],
  );
  const [replayed, setReplayed] = useState<DeadLetter | undefined>();
  const retry = useAction();
  const refresh = () => {
    summary.reload();
    exceptions.reload();
    letters.reload();
  };
  return (
    <section data-testid="admin-ops">
      <h1>Administration</h1>
      <AdminNav current="ops" />
      <div className="row spread">
        <p className="muted">
          Business health now{summary.data?.generatedAt ? ` (as of ${new Date(summary.data.generatedAt).toLocaleTimeString()})` : ''}. The same counts are
          gauges on <code>/metrics</code>.
        </p>
        <button type="button" className="secondary" data-testid="ops-refresh" onClick={refresh}>
          Refresh
        </button>
      </div>
      <AsyncView state={summary} what="Loading the summary">
        {(s) => <OpsCounters summary={s} />}
      </AsyncView>

      <h2>Dead letters</h2>
      {replayed && (
        <p className={`notice ${replayed.status === 'replayed' ? '' : 'warn'}`} data-testid="replay-result" data-status={replayed.status}>
          {replayed.status === 'replayed'
            ? `Replayed ${replayed.id}: ${replayed.consumer} handled event ${replayed.eventId}${replayed.replayedAt ? ` at ${new Date(replayed.replayedAt).toLocaleTimeString()}` : ''}.`
            : `${replayed.consumer} failed again on ${replayed.id} (attempt ${replayed.attempts}): ${replayed.reason}`}
        </p>
      )}
      <div className="row">
        <label>
          Status
          <select data-testid="dead-letters-status" value={status} onChange={(e) => setStatus(e.target.value as typeof status)}>
            <option value="pending">pending</option>
            <option value="replayed">replayed</option>
            <option value="">all</option>
          </select>
        </label>
      </div>
      <AsyncView state={letters} what="Loading dead letters">
        {(page) =>
          page.items.length === 0 ? (
            <p className="card muted" data-testid="dead-letters-empty">
              No {status || ''} dead letters.
            </p>
          ) : (
            <table className="data" data-testid="dead-letters-table">
              <thead>
                <tr>
                  <th>Dead letter</th>
                  <th>Event</th>
                  <th>Consumer</th>
                  <th>Last failure</th>
                  <th className="num">Attempts</th>
                  <th>Status</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {page.items.map((l) => (
                  <DeadLetterRow
                    key={l.id}
                    letter={l}
                    onReplayed={(after) => {
                      setReplayed(after);
                      summary.reload();
                      letters.reload();
                    }}
                  />
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>

      <h2>Downstream calls in exception</h2>
      <ProblemBox problem={retry.problem} testId="exception-problem" />
      <AsyncView state={exceptions} what="Loading exceptions">
        {(page) =>
          page.items.length === 0 ? (
            <p className="card muted" data-testid="exceptions-empty">
              No order syncs or return jobs are in exception.
            </p>
          ) : (
            <table className="data" data-testid="exceptions-table">
              <thead>
                <tr>
                  <th>Call</th>
                  <th>Subject</th>
                  <th>System</th>
                  <th>Action</th>
                  <th className="num">Attempts</th>
                  <th>Last error</th>
                  <th />
                </tr>
              </thead>
              <tbody>
                {page.items.map((x: SyncException) => (
                  <tr key={x.id} data-testid="exception-row" data-exception-id={x.id}>
                    <td>
                      <code className="small">{x.id}</code>
                      <br />
                      <span className="small muted">{x.workflow}</span>
                    </td>
                    <td>
                      <code className="small">{x.subjectId}</code>
                    </td>
                    <td>{x.system.toUpperCase()}</td>
                    <td>{x.action.replace('_', ' ')}</td>
                    <td className="num">{x.attempts}</td>
                    <td className="small">{x.lastError ?? '—'}</td>
                    <td className="actions">
                      <button
                        type="button"
                        className="secondary small"
                        data-testid="exception-retry"
                        disabled={retry.busy || x.status !== 'exception'}
                        onClick={() =>
                          void retry.run(async () => {
                            await call(admin.POST('/admin/v1/ops/exceptions/{exceptionId}/retry', { params: { path: { exceptionId: x.id } } }));
                            refresh();
                          })
                        }
                      >
                        Retry
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )
        }
      </AsyncView>
    </section>
  );
}
