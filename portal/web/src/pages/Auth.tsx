import { useState } from 'react';
import { call, portal } from '../api';
import { ProblemBox } from '../components/ProblemBox';
import { useAction } from '../components/async';
import { PASSWORD_MIN_LENGTH, passwordProblem } from '../lib/password-rule';
import { link, navigate } from '../lib/router';
import { useSession } from '../session';

export function SignIn() {
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const action = useAction();
  return (
    <section className="auth card">
      <h1>Sign in</h1>
      <p className="muted">Sign in to read the API reference, register apps and get sandbox credentials.</p>
      <form
        data-testid="signin-form"
        onSubmit={(e) => {
          e.preventDefault();
          void action.run(async () => {
            const session = await call(portal.POST('/portal/v1/login', { body: { email, password } }));
            signedIn(session);
            navigate(link('apis'));
          });
        }}
      >
        <label>
          Email
          <input data-testid="signin-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          Password
          <input
            data-testid="signin-password"
            type="password"
            autoComplete="current-password"
            required
            value={password}
            onChange={(e) => setPassword(e.target.value)}
          />
        </label>
        <ProblemBox problem={action.problem} testId="signin-problem" />
        <button type="submit" data-testid="signin-submit" disabled={action.busy}>
          {action.busy ? 'Signing in…' : 'Sign in'}
        </button>
      </form>
      <p className="muted">
        No account yet? <a href={link('signup')} data-testid="goto-signup">Create one</a>.
      </p>
    </section>
  );
}

export function SignUp() {
  const { signedIn } = useSession();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [organisation, setOrganisation] = useState('');
  const action = useAction();
  // Shown while typing once something is typed, and on submit even when nothing is.
  const [submitted, setSubmitted] = useState(false);
  const problem = password.length > 0 || submitted ? passwordProblem(password) : undefined;
  return (
    <section className="auth card">
      <h1>Create a developer account</h1>
      <p className="muted">Your account belongs to your organisation: a marketplace, 3PL or franchise store. Signing up creates it.</p>
      <form
        data-testid="signup-form"
        onSubmit={(e) => {
          e.preventDefault();
          setSubmitted(true);
          if (passwordProblem(password)) return;
          void action.run(async () => {
            const session = await call(portal.POST('/portal/v1/signup', { body: { email, password, organisation } }));
            signedIn(session);
            navigate(link('guide'));
          });
        }}
      >
        <label>
          Work email
          <input data-testid="signup-email" type="email" autoComplete="username" required value={email} onChange={(e) => setEmail(e.target.value)} />
        </label>
        <label>
          <span>
            Password <span className="muted small">({PASSWORD_MIN_LENGTH} characters or more)</span>
          </span>
          {/* No minLength/required here: the browser's own check would stop the form before the portal's message. */}
          <input
            data-testid="signup-password"
            type="password"
            autoComplete="new-password"
            value={password}
            onChange={(e) => setPassword(e.target.value)}
            aria-invalid={!!problem}
            aria-describedby="signup-password-hint"
          />
        </label>
        {problem && (
          <p className="hint" id="signup-password-hint" role="alert" data-testid="signup-password-hint">
            {problem}
          </p>
        )}
        <label>
          Organisation
          <input
            data-testid="signup-organisation"
            required
            maxLength={200}
            value={organisation}
            onChange={(e) => setOrganisation(e.target.value)}
            placeholder="Acme Marketplace"
          />
        </label>
        <ProblemBox problem={action.problem} testId="signup-problem" />
        <button type="submit" data-testid="signup-submit" disabled={action.busy}>
          {action.busy ? 'Creating…' : 'Create account'}
        </button>
      </form>
      <p className="muted">
        Already have an account? <a href={link('signin')} data-testid="goto-signin">Sign in</a>.
      </p>
    </section>
  );
}
