import type { FastifyReply, FastifyRequest } from 'fastify';
import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import type { Policy, PolicyHooks } from '../../pipeline/policy';
import { computeFingerprint } from './fingerprint';
import { readKeyHeader } from './key';
import { keyInFlight, keyInvalid, keyMissing, keyReused, storeUnavailable } from './problems';
import { isStoredStatus, payloadBytes, storedHeaders } from './response';
import type { IdempotencyStore, StoredResponse } from './store';
import type { Queryable } from '../../../platform/db/database';

export { IdempotencyConfigError, configSchema, parseIdempotencyConfig } from './config';
export type { IdempotencyConfig } from './config';
export { canonicalJson, computeFingerprint } from './fingerprint';
export { MAX_KEY_LENGTH, readKeyHeader } from './key';
export { idempotencyMigrations } from './migrations';
export { isStoredStatus } from './response';
export { DEFAULT_LOCK_SECONDS, DEFAULT_REDIS_KEY_PREFIX, DEFAULT_TTL_SECONDS, createIdempotencyStore } from './store';
export type { BeginResult, IdempotencyStore, IdempotencyStoreOptions, StoredResponse } from './store';

export const REPLAYED_HEADER = 'Idempotency-Replayed';
/** The app id of unauthenticated callers, for public routes only: they share one key space. */
export const ANONYMOUS_CLIENT = 'anonymous';

/** Reported once per request that carried a key, for metrics ("idempotency replays and conflicts"). */
export type IdempotencyOutcome =
  | 'replayed'
  | 'mismatch'
  | 'in-flight'
  /** The handler ran and its response was stored. */
  | 'stored'
  /** The handler ran (or was meant to) and the key was released without storing: 5xx, 408, 429, no response. */
  | 'released'
  /** The store failed; see the request log. */
  | 'store-error';

export interface IdempotencyPolicyOptions {
  store: IdempotencyStore;
  onOutcome?: (outcome: IdempotencyOutcome, route: RouteManifestEntry) => void;
}

/** A key this request holds: it must end in exactly one `complete` or `abandon`. */
interface Claim {
  clientId: string;
  key: string;
  token: string;
  settled: boolean;
  /** The handler stored its response in its own transaction (`commitWithin`); onSend only settles the claim. */
  committed: boolean;
}

/**
 * Stores the response for the request's key inside the handler's transaction. Throws IdempotencyClaimLost when
 * the claim is no longer this request's, so the transaction rolls back instead of committing a second outcome.
 */
export type CommitWithin = (tx: Queryable, response: StoredResponse) => Promise<void>;

export class IdempotencyClaimLost extends Error {
  override readonly name = 'IdempotencyClaimLost';
}

declare module 'fastify' {
  interface FastifyRequest {
    /** Set while this request holds an Idempotency-Key claim; the in-process upstream hands it to the handler. */
    idempotencyCommit?: CommitWithin;
  }
}

/**
 * The idempotency policy (DESIGN.md, "Idempotency"). It must be the last policy with a preHandler hook: auth,
 * rate limit and validation reject in earlier hooks, so such requests never claim a key and can be retried with
 * it, and whatever claims a key is then answered by the handler.
 */
export function createIdempotencyPolicy({ store, onOutcome }: IdempotencyPolicyOptions): Policy {
  // Per policy instance, keyed by request: no state outlives a request, none is shared between instances.
  const claims = new WeakMap<FastifyRequest, Claim>();

  async function release(req: FastifyRequest, claim: Claim, route: RouteManifestEntry): Promise<void> {
    claim.settled = true;
    try {
      await store.abandon(claim.clientId, claim.key, claim.token);
      onOutcome?.('released', route);
    } catch (err) {
      // The claim then expires after lockSeconds; until then retries get 409.
      req.log.error({ err, idempotencyKey: claim.key }, 'idempotency: could not release key');
      onOutcome?.('store-error', route);
    }
  }

  function forRoute(route: RouteManifestEntry): PolicyHooks | undefined {
    if (route.idempotency === 'none') return undefined;
    const required = route.idempotency === 'required';

    return {
      preHandler: async (req: FastifyRequest, reply: FastifyReply) => {
        const header = readKeyHeader(req.headers['idempotency-key']);
        if (header.kind === 'absent') return required ? keyMissing(req, reply) : undefined;
        if (header.kind === 'invalid') return keyInvalid(req, reply, `Idempotency-Key ${header.message}`);

        const clientId = req.caller?.clientId ?? (route.public ? ANONYMOUS_CLIENT : undefined);
        // Authentication runs first on every non-public route; no caller here is a pipeline wiring bug.
        if (clientId === undefined) throw new Error(`idempotency: no authenticated caller on ${route.operationId}`);

        const fingerprint = computeFingerprint({ method: req.method, url: req.url, body: req.body });
        let begun;
        try {
          begun = await store.begin(clientId, header.key, fingerprint);
        } catch (err) {
          req.log.error({ err, idempotencyKey: header.key }, 'idempotency: store unavailable');
          onOutcome?.('store-error', route);
          return storeUnavailable(req, reply);
        }
        switch (begun.kind) {
          case 'proceed': {
            const claim: Claim = { clientId, key: header.key, token: begun.token, settled: false, committed: false };
            claims.set(req, claim);
            req.idempotencyCommit = async (tx, response) => {
              if (!(await store.completeWithin(tx, clientId, header.key, response, begun.token))) {
                throw new IdempotencyClaimLost(`the claim on Idempotency-Key ${header.key} was lost before the handler committed`);
              }
              claim.committed = true;
            };
            return undefined;
          }
          case 'replay':
            onOutcome?.('replayed', route);
            return reply.code(begun.status).headers(begun.headers).header(REPLAYED_HEADER, 'true').send(begun.body);
          case 'mismatch':
            onOutcome?.('mismatch', route);
            return keyReused(req, reply);
          case 'in-flight':
            onOutcome?.('in-flight', route);
            return keyInFlight(req, reply);
        }
      },

      // Runs for every response of the route: the handler's, the error handler's, and this policy's own answers
      // (which hold no claim). The outcome is stored before it is sent, so a response that went out is replayable.
      onSend: async (req: FastifyRequest, reply: FastifyReply, payload: unknown) => {
        const claim = claims.get(req);
        if (!claim || claim.settled) return payload;
        if (claim.committed) {
          // Stored with the state change; what is left is releasing the claim (a Redis lock; a no-op for a row).
          claim.settled = true;
          try {
            await store.abandon(claim.clientId, claim.key, claim.token);
          } catch (err) {
            req.log.warn({ err, idempotencyKey: claim.key }, 'idempotency: could not release a committed claim (it expires after lockSeconds)');
          }
          onOutcome?.('stored', route);
          return payload;
        }
        if (!isStoredStatus(reply.statusCode)) {
          await release(req, claim, route);
          return payload;
        }
        claim.settled = true;
        try {
          const body = await payloadBytes(payload);
          const stored = await store.complete(claim.clientId, claim.key, { status: reply.statusCode, headers: storedHeaders(reply.getHeaders()), body }, claim.token);
          if (stored) onOutcome?.('stored', route);
          else req.log.warn({ idempotencyKey: claim.key }, 'idempotency: claim was lost before the response was stored (handler slower than lockSeconds?)');
          // A stream was read to store it; send what was read.
          return Buffer.isBuffer(payload) || typeof payload === 'string' ? payload : body;
        } catch (err) {
          // The client still gets its answer; the claim expires after lockSeconds.
          req.log.error({ err, idempotencyKey: claim.key }, 'idempotency: could not store the response');
          onOutcome?.('store-error', route);
          return payload;
        }
      },

      // The backstop for a claim whose response never passed onSend (a hijacked reply, an onSend failure).
      // Deliberately no onRequestAbort release: the handler keeps running after the client disconnects, and
      // releasing its key then would let a retry run the handler a second time alongside it.
      onResponse: async (req: FastifyRequest) => {
        const claim = claims.get(req);
        if (claim && !claim.settled) await release(req, claim, route);
      },
    };
  }

  return { name: 'idempotency', forRoute };
}
