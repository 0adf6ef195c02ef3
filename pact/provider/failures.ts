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

/** How many distinct mismatches of one interaction are spelled out; the rest are counted. */
const MAX_MISMATCHES = 5;

/**
 * One line per distinct mismatch: the same one in every element of an array (`$.items[0]`, `$.items[1]`, …) is
 * said once, as `$.items[*]`, so a field missing from a page of 100 items reads as one finding, not a hundred.
 */
function summarise(mismatches: string[]): string {
  const distinct = [...new Set(mismatches.map((m) => m.replace(/\[\d+\]/g, '[*]')))];
  const shown = distinct.slice(0, MAX_MISMATCHES).join('; ');
  return distinct.length > MAX_MISMATCHES ? `${shown}; and ${distinct.length - MAX_MISMATCHES} more` : shown;
}

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
    // Without a provider state the verifier names the interaction "- description".
    const interaction = (full.startsWith(prefix) ? full.slice(prefix.length) : full).replace(/^- /, '');
    const mismatches = e.mismatch?.mismatches ?? [];
    const mismatch = mismatches.length ? summarise(mismatches.map((m) => `${m.path ? `${m.path}: ` : ''}${plain(m.mismatch ?? m.type ?? 'mismatch')}`)) : plain(e.mismatch?.message ?? 'failed');
    return { consumer, interaction, mismatch };
  });
  return failures.length ? failures : [{ consumer, interaction: '(the whole pact)', mismatch: 'verification failed without naming an interaction' }];
}
