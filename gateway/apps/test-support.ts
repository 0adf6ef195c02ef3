import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parse } from 'yaml';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import type { SecretHasher } from './secrets';
import { createScryptHasher } from './secrets';

/** Test-only helpers for the registry's suites. */

/** The scope catalogue as the contracts declare it, so tests grant exactly what production would. */
export async function scopeCatalogue(): Promise<ReadonlySet<string>> {
  const doc = parse(await readFile(join(REPO_ROOT, 'contracts/openapi/common/http.yaml'), 'utf8')) as {
    components: { securitySchemes: { oauth2: { flows: { clientCredentials: { scopes: Record<string, string> } } } } };
  };
  return new Set(Object.keys(doc.components.securitySchemes.oauth2.flows.clientCredentials.scopes));
}

/** Real scrypt at a test-friendly cost, counting how often it runs so tests can prove the cache skips it. */
export function countingHasher(inner: SecretHasher = createScryptHasher({ N: 1024, r: 8, p: 1 })): SecretHasher & { hashes: number; verifies: number } {
  const counter = {
    hashes: 0,
    verifies: 0,
    hash: (secret: string) => {
      counter.hashes++;
      return inner.hash(secret);
    },
    verify: (secret: string, stored: string) => {
      counter.verifies++;
      return inner.verify(secret, stored);
    },
  };
  return counter;
}

/** A clock that moves only when told, so cache expiry and creation order are deterministic. */
export function manualClock(start = '2026-11-01T09:00:00.000Z'): { now: () => Date; advance(ms: number): void } {
  let t = Date.parse(start);
  return { now: () => new Date(t), advance: (ms) => void (t += ms) };
}
