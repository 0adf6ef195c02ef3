/**
 * Counts the PostgreSQL queries (pg) and Redis commands (ioredis) a process sends, by wrapping the two clients'
 * send methods on their prototypes (an increment per call, so every connection of every pool is counted).
 * Loaded by platform-server.ts into the Concord under test; in a file of its own, so that CPU profiles, which leave
 * the control channel's frames out, keep the queries that pass through these wrappers.
 */
import { Redis } from 'ioredis';
import pg from 'pg';

export interface Counters {
  pgQueries: number;
  /** Each command, also inside a MULTI … EXEC or pipeline (one round trip for all of them). */
  redisCommands: number;
}

const counters: Counters = { pgQueries: 0, redisCommands: 0 };

function count(proto: object, method: string, counter: keyof Counters): void {
  const target = proto as Record<string, (...args: unknown[]) => unknown>;
  const original = target[method]!;
  target[method] = function (this: unknown, ...args: unknown[]) {
    counters[counter]++;
    return original.apply(this, args);
  };
}

let installed = false;

/** Installs the wrappers once; returns the live counters. */
export function countRoundTrips(): Readonly<Counters> {
  if (!installed) {
    installed = true;
    count(pg.Client.prototype, 'query', 'pgQueries');
    count(Redis.prototype, 'sendCommand', 'redisCommands');
  }
  return counters;
}
