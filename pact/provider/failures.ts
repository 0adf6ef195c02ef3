/** One interaction that failed verification, named as the consumer's pact names it. */
export interface InteractionFailure {
  consumer: string;
  interaction: string;
  mismatch: string;
}

/** The parts of the Pact verifier's JSON results (pactffi_verifier_json) read here. */
interface VerifierResults {
  errors?: Array<{
    interaction?: string;
    mismatch?: { type?: string; message?: string; mismatches?: Array<{ mismatch?: string; path?: string; type?: string }> };
  }>;
}

// The verifier's own colouring, which the JSON results keep.
// eslint-disable-next-line no-control-regex -- ANSI escape sequences are what is being removed
const plain = (s: string) => s.replace(/\u001b\[[0-9;]*m/g, '');

/**
 * The failed interactions of one pact from what the verifier rejected with: its JSON results when it ran (each
 * error names the interaction and its mismatches), else the error itself, as one failure of the whole pact.
 */
export function failuresOf(consumer: string, provider: string, err: unknown): InteractionFailure[] {
  const message = err instanceof Error ? err.message : String(err);
  let results: VerifierResults;
  try {
    results = JSON.parse(message) as VerifierResults;
  } catch {
    return [{ consumer, interaction: '(the whole pact)', mismatch: plain(message) }];
  }
  const prefix = `Verifying a pact between ${consumer} and ${provider} `;
  const failures = (results.errors ?? []).map((e) => {
    const full = plain(e.interaction ?? '(unnamed interaction)');
    const interaction = full.startsWith(prefix) ? full.slice(prefix.length) : full;
    const mismatches = e.mismatch?.mismatches ?? [];
    const mismatch = mismatches.length
      ? mismatches.map((m) => `${m.path ? `${m.path}: ` : ''}${plain(m.mismatch ?? m.type ?? 'mismatch')}`).join('; ')
      : plain(e.mismatch?.message ?? 'failed');
    return { consumer, interaction, mismatch };
  });
  return failures.length ? failures : [{ consumer, interaction: '(the whole pact)', mismatch: 'verification failed without naming an interaction' }];
}
