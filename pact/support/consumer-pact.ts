import { isDeepStrictEqual } from 'node:util';
import { copyFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PactV4, SpecificationVersion } from '@pact-foundation/pact';
import type { JsonMap } from '@pact-foundation/pact/src/common/jsonTypes';
import { REPO_ROOT } from '../../platform/testing/temp-dir';
import { HTTP_PROVIDER, pactFileName, pactsDir } from './names';

/** Set to write the consumer suites' pacts over the files of record instead of checking them. */
export const UPDATE_ENV = 'PACT_UPDATE';

export interface ConsumerPact {
  pact: PactV4;
  /** Call from afterAll: the pact this run wrote must equal the committed one (or replaces it with PACT_UPDATE=1). */
  checkAgainstRecord(): void;
}

/**
 * A PactV4 for one consumer and provider that writes into a fresh temp dir, never into pact/pacts/ directly: a run
 * cannot merge stale interactions into the file of record, and provider verification (which reads pact/pacts/) never
 * sees a half-written file. The committed pact is compared with what the suite produced, like `generate --check`.
 */
export function consumerPact(consumer: string, provider: string = HTTP_PROVIDER): ConsumerPact {
  // Pact's usage telemetry has no place in a test run.
  process.env.PACT_DO_NOT_TRACK ??= 'true';
  const dir = mkdtempSync(join(tmpdir(), 'concord-pact-'));
  const pact = new PactV4({ consumer, provider, dir, spec: SpecificationVersion.SPECIFICATION_VERSION_V4, logLevel: 'error' });
  return {
    pact,
    checkAgainstRecord() {
      const file = pactFileName(consumer, provider);
      const written = join(dir, file);
      const record = join(pactsDir(REPO_ROOT), file);
      try {
        if (!existsSync(written)) throw new Error(`the suite wrote no pact (${file}): did every interaction run?`);
        if (process.env[UPDATE_ENV] === '1') {
          copyFileSync(written, record);
          return;
        }
        const stale = `pact/pacts/${file} is not what the ${consumer} suite produces; run \`npm run pact:update\` and commit it`;
        if (!existsSync(record)) throw new Error(stale);
        if (!isDeepStrictEqual(withoutMetadata(written), withoutMetadata(record))) throw new Error(stale);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}

/** The pact without its metadata, which names the Pact library versions that wrote it. */
function withoutMetadata(file: string): unknown {
  const { metadata: _metadata, ...rest } = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  return rest;
}

/** Provider state parameters holding typed values, e.g. a request body (TypeScript does not see those as JSON). */
export const stateParams = (params: Record<string, unknown>): JsonMap => params as JsonMap;
