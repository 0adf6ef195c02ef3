import type { ShownProblem } from '../api';

/** A problem+json answer, shown so a person can act on it: detail first, then field errors and the correlation id. */
export function ProblemBox({ problem, testId = 'problem' }: { problem: ShownProblem | undefined; testId?: string }) {
  if (!problem) return null;
  return (
    <div className="problem" role="alert" data-testid={testId}>
      <strong data-testid={`${testId}-title`}>
        {problem.title}
        {problem.status ? ` (${problem.status})` : ''}
      </strong>
      {problem.detail && <p data-testid={`${testId}-detail`}>{problem.detail}</p>}
      {problem.errors && (
        <ul>
          {problem.errors.map((e, i) => (
            <li key={i}>
              <code>{e.pointer || '/'}</code> {e.message}
            </li>
          ))}
        </ul>
      )}
      {problem.correlationId && <p className="muted small">Correlation id: <code>{problem.correlationId}</code></p>}
    </div>
  );
}
