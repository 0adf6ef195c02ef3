import type { Redis } from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import { RateLimitConfigError } from './config';
import type { RateLimitConfig } from './config';
import { toDecision } from './decision';
import type { RateLimitDecision } from './decision';
import { planWindows } from './plan-window';
import type { PlanWindow } from './plan-window';
import { canSendNow, closeOwnedRedisClient, createOwnedRedisClient } from './redis-client';

export interface RateLimiterDeps {
  /** A shared Redis connection. The caller owns it: close() leaves it open. Takes precedence over config.redisUrl. */
  redis?: Redis;
  /** Called for every decision the insurance limiter made because Redis failed. The caller logs and counts. */
  onFallback?: (err: unknown) => void;
  /** Called for every rejected request, with the plan name. */
  onRejected?: (plan: string) => void;
}

export interface ConsumeRequest {
  appId: string;
  plan: string;
  /** The operation's x-concord-rate-limit-cost: a whole number of points, at least 1. */
  cost: number;
}

export interface RateLimiterStats {
  /** Decisions made by the insurance limiter because Redis failed. */
  fallbacks: number;
  rejections: number;
}

export interface RateLimiter {
  consume(request: ConsumeRequest): Promise<RateLimitDecision>;
  stats(): RateLimiterStats;
  /** Releases what the limiter created (its own Redis connection, if any). Idempotent. */
  close(): Promise<void>;
}

interface PlanLimiter {
  window: PlanWindow;
  primary: RateLimiterAbstract;
  /** Only with Redis and `insurance: true`: a per-instance limiter of the same shape. */
  insurance?: RateLimiterMemory;
  /** Only with Redis. */
  redis?: Redis;
}

type Outcome = { res: RateLimiterRes; allowed: boolean };

export class RedisNotReadyError extends Error {
  override readonly name = 'RedisNotReadyError';
}

/**
 * One limiter per plan, built here once; consume() only looks the plan up. With Redis, every gateway instance
 * counts against the same keys, `${keyPrefix}:${plan}:${appId}`.
 */
export function createRateLimiter(config: RateLimitConfig, deps: RateLimiterDeps = {}): RateLimiter {
  const ownedRedis = !deps.redis && config.redisUrl ? createOwnedRedisClient(config.redisUrl, config.keyPrefix) : undefined;
  const redis = deps.redis ?? ownedRedis;
  const limiters = new Map<string, PlanLimiter>(
    planWindows(config.plans).map((window) => [window.plan, buildPlanLimiter(window, config, redis)]),
  );
  const counts: RateLimiterStats = { fallbacks: 0, rejections: 0 };
  let closed = false;

  async function decide(entry: PlanLimiter, appId: string, cost: number): Promise<Outcome> {
    const { primary, redis: client } = entry;
    // Between reconnect attempts a command would only be queued or refused by the client: answer from memory at once.
    if (client && !canSendNow(client)) return fallBack(entry, new RedisNotReadyError(`Redis is not ready (status: ${client.status})`), appId, cost);
    try {
      return { res: await primary.consume(appId, cost), allowed: true };
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return { res: outcome, allowed: false };
      return fallBack(entry, outcome, appId, cost);
    }
  }

  // Done here rather than through RateLimiterRedis's own insuranceLimiter option, which swallows the Redis error.
  async function fallBack(entry: PlanLimiter, err: unknown, appId: string, cost: number): Promise<Outcome> {
    if (!entry.insurance) throw err;
    counts.fallbacks += 1;
    deps.onFallback?.(err);
    try {
      return { res: await entry.insurance.consume(appId, cost), allowed: true };
    } catch (outcome) {
      if (outcome instanceof RateLimiterRes) return { res: outcome, allowed: false };
      throw outcome;
    }
  }

  return {
    async consume({ appId, plan, cost }) {
      if (closed) throw new Error('rate limiter is closed');
      const entry = limiters.get(plan);
      if (!entry) {
        throw new RateLimitConfigError(`rate limit: unknown plan '${plan}' (configured: ${[...limiters.keys()].join(', ')})`);
      }
      if (!Number.isSafeInteger(cost) || cost < 1 || cost > entry.window.quota) {
        // A cost above the quota could never be allowed, and a fractional one is refused by the Redis store.
        throw new RateLimitConfigError(`rate limit: cost ${cost} must be a whole number from 1 to plan '${plan}' quota ${entry.window.quota}`);
      }
      const { res, allowed } = await decide(entry, appId, cost);
      if (!allowed) {
        counts.rejections += 1;
        deps.onRejected?.(plan);
      }
      return toDecision(entry.window, res, allowed);
    },
    stats: () => ({ ...counts }),
    async close() {
      if (closed) return;
      closed = true;
      limiters.clear();
      if (ownedRedis) await closeOwnedRedisClient(ownedRedis);
    },
  };
}

function buildPlanLimiter(window: PlanWindow, config: RateLimitConfig, redis: Redis | undefined): PlanLimiter {
  const shape = { points: window.quota, duration: window.windowSeconds, keyPrefix: `${config.keyPrefix}:${window.plan}` };
  if (!redis) return { window, primary: new RateLimiterMemory(shape) };
  const primary = new RateLimiterRedis({
    ...shape,
    storeClient: redis,
    // Once an app is over its quota, later requests in the same window are refused from memory without a Redis
    // round trip; the block ends with the window, so it never outlasts what Redis would say.
    inMemoryBlockOnConsumed: window.quota + 1,
  });
  return { window, primary, redis, ...(config.insurance ? { insurance: new RateLimiterMemory(shape) } : {}) };
}
