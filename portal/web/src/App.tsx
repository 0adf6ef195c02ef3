import { useEffect } from 'react';
import { call, csrf, portal } from './api';
import { Loading } from './components/async';
import { link, navigate, parseHash, useRoute } from './lib/router';
import { useSession } from './session';
import { useSecrets } from './secrets';
import { AllApps, Ops, PlanApprovals } from './pages/admin/Admin';
import { ApiPage } from './pages/ApiPage';
import { Apps } from './pages/Apps';
import { SignIn, SignUp } from './pages/Auth';
import { Catalogue } from './pages/Catalogue';
import { GettingStarted } from './pages/GettingStarted';
import { Usage } from './pages/Usage';

const PUBLIC = new Set(['signin', 'signup']);

function Header() {
  const { session, signedOut } = useSession();
  const { forgetAll } = useSecrets();
  const { parts } = useRoute();
  const section = parts[0] ?? '';
  const nav: Array<[string, string, string]> = session
    ? [
        ['apis', 'APIs', 'nav-apis'],
        ['guide', 'Getting started', 'nav-guide'],
        ['apps', 'Apps', 'nav-apps'],
        ...(session.user.role === 'admin' ? ([['admin', 'Admin', 'nav-admin']] as Array<[string, string, string]>) : []),
      ]
    : [];
  return (
    <header className="topbar">
      <a className="brand" href={link(session ? 'apis' : 'signin')}>
        <span className="logo" aria-hidden="true">
          ◆
        </span>{' '}
        Concord <span className="muted">developers</span>
      </a>
      <nav>
        {nav.map(([id, label, testId]) => (
          <a key={id} href={link(id)} className={section === id ? 'active' : ''} data-testid={testId}>
            {label}
          </a>
        ))}
      </nav>
      <div className="who">
        {session ? (
          <>
            <span className="small" data-testid="session-user" data-role={session.user.role}>
              {session.user.email}
              <span className="muted"> · {session.user.role === 'admin' ? 'internal admin' : session.user.partner.name}</span>
            </span>
            <button
              type="button"
              className="secondary small"
              data-testid="signout"
              onClick={() => {
                void call(portal.POST('/portal/v1/logout', { params: { header: csrf() } }))
                  .catch(() => undefined)
                  .then(() => {
                    forgetAll();
                    signedOut();
                    navigate(link('signin'));
                  });
              }}
            >
              Sign out
            </button>
          </>
        ) : (
          <>
            <a href={link('signin')} data-testid="nav-signin">
              Sign in
            </a>
            <a className="button small" href={link('signup')} data-testid="nav-signup">
              Sign up
            </a>
          </>
        )}
      </div>
    </header>
  );
}

function Page() {
  const { session } = useSession();
  const { parts, query } = useRoute();
  const [section = '', id, sub] = parts;

  // Signed out: only sign-in and sign-up. Signed in: never them.
  useEffect(() => {
    if (session === undefined) return;
    // The hash as it is now: a page may have navigated on its own (sign-up goes to the guide).
    const current = parseHash(window.location.hash).parts[0] ?? '';
    if (!session && !PUBLIC.has(current)) navigate(link('signin'));
    else if (session && (PUBLIC.has(current) || current === '')) navigate(link('apis'));
  }, [session, section]);

  if (session === undefined) return <Loading what="Checking your session" />;
  if (!session) return section === 'signup' ? <SignUp /> : <SignIn />;

  switch (section) {
    case 'apis':
      return id ? <ApiPage key={id} apiId={id} tab={sub} /> : <Catalogue />;
    case 'guide':
      return <GettingStarted />;
    case 'apps':
      if (id && sub === 'usage') {
        const days = Number(query.get('days') ?? 14);
        return <Usage key={id} clientId={id} days={Number.isInteger(days) && days >= 1 && days <= 90 ? days : 14} />;
      }
      return <Apps />;
    case 'admin':
      if (session.user.role !== 'admin') return <NotFound />;
      if (id === 'apps') return <AllApps />;
      if (id === 'ops') return <Ops />;
      return <PlanApprovals />;
    default:
      return section ? <NotFound /> : <Loading />;
  }
}

function NotFound() {
  return (
    <section className="card" data-testid="not-found">
      <h1>Not found</h1>
      <p>
        There is no such page. Back to the <a href={link('apis')}>catalogue</a>.
      </p>
    </section>
  );
}

export function App() {
  return (
    <>
      <Header />
      <main>
        <Page />
      </main>
      <footer className="footer muted small">
        Concord developer portal · contracts are the source of truth · <a href={link('guide')}>Getting started</a>
      </footer>
    </>
  );
}
