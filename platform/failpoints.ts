/**
 * Failpoints: named places where a test can make the process die on the spot, to prove crash safety with a real
 * kill rather than a simulated one. They are armed only through CONCORD_FAILPOINTS (comma-separated names), read
 * once at start; unarmed, a failpoint is one Set lookup.
 */
const armed = new Set(
  (process.env.CONCORD_FAILPOINTS ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean),
);

export function failpoint(name: string): void {
  if (armed.size > 0 && armed.has(name)) process.kill(process.pid, 'SIGKILL');
}
