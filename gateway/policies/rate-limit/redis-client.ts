import type * as IoRedis from 'ioredis';
import type { Redis } from 'ioredis';

/**
 * How long a rate-limit check waits on Redis before the request is decided by the insurance limiter instead.
 * A limiter that stalls every request is worse than one that is briefly per-instance.
 */
const COMMAND_TIMEOUT_MS = 250;

/** The connection the limiter opens itself when it is given `redisUrl` but no client. It is closed by `close()`. */
export function createOwnedRedisClient(url: string, keyPrefix: string): Redis {
  // Loaded here: the embedded default, which has no Redis, starts without ioredis.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Redis } = require('ioredis') as typeof IoRedis;
  const client = new Redis(url, {
    connectionName: `concord-rate-limit:${keyPrefix}`,
    // Fail commands at once while disconnected rather than queueing them: the insurance limiter answers meanwhile.
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    commandTimeout: COMMAND_TIMEOUT_MS,
    connectTimeout: 2000,
  });
  // Connection errors are reported per decision through onFallback; without a listener ioredis prints them itself.
  client.on('error', () => {});
  return client;
}

/**
 * False while the client is between connection attempts after losing Redis: a command sent then would sit in
 * ioredis's offline queue (if the caller enabled it) until a reconnect or a retry limit, holding the request.
 * While it is connecting ('wait' for lazyConnect, 'connecting', 'connect') the command goes to the client, so a
 * gateway starting up is not counted as a fallback; its own options (enableOfflineQueue, connectTimeout) decide.
 */
export function canSendNow(client: Redis): boolean {
  return client.status !== 'reconnecting' && client.status !== 'close' && client.status !== 'end';
}

export async function closeOwnedRedisClient(client: Redis): Promise<void> {
  if (client.status !== 'ready') {
    client.disconnect();
    return;
  }
  // QUIT lets commands already sent finish; disconnect is the fallback if the server has gone meanwhile.
  await client.quit().catch(() => client.disconnect());
}
