/**
 * Concord for the order-intake, availability and inventory sections of `npm run bench`: the whole platform in one
 * process, started as `concord start` starts it (`startPlatform`, role all, configuration from the environment), as
 * a child of the bench. Plus a control channel over IPC that the bench uses only between measured runs:
 * - `query`: SQL on Concord's own database. PGlite belongs to the process that opened it, so on the embedded default
 *   this is the only way to raise stock, write a WMS backlog or look for duplicates while Concord runs.
 * - `profile-start` / `profile-stop`: a V8 CPU profile of exactly one measured window (node:inspector), written to a
 *   file, instead of `--cpu-prof`'s whole process lifetime with its start-up.
 * - `counters`: how many PostgreSQL queries and Redis commands Concord has sent so far (round-trip-counters.ts):
 *   round trips per request, by difference.
 * Logs go to stderr; nothing is printed on stdout.
 */
import { writeFile } from 'node:fs/promises';
import { Session } from 'node:inspector';
import pino from 'pino';
import { loadConfig } from '../../platform/config';
import { createLogger } from '../../platform/logger';
import { startPlatform } from '../../platform/server/start';
import type { Counters } from './round-trip-counters';
import { countRoundTrips } from './round-trip-counters';

export type ControlCommand =
  | { kind: 'query'; sql: string; params?: unknown[] }
  | { kind: 'profile-start' }
  | { kind: 'profile-stop'; file: string }
  | { kind: 'counters' };

export type { Counters };
export type ControlRequest = ControlCommand & { id: number };

export type ControlMessage =
  | { kind: 'started'; url: string; database: string; credentials?: { sandbox: { client_id: string; client_secret: string } } }
  | { kind: 'failed'; error: string }
  | { id: number; kind: 'reply'; rows?: unknown[]; error?: string };

const send = (m: ControlMessage) => process.send?.(m);

const counters = countRoundTrips();

function post<T>(session: Session, method: string, params?: object): Promise<T> {
  return new Promise((resolve, reject) => session.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result as T))));
}

async function main() {
  if (!process.send) throw new Error('platform-server runs as a child of the bench, with an IPC channel');
  const config = loadConfig(process.env);
  const logger = createLogger({ level: config.logLevel, destination: pino.destination(2) });
  const platform = await startPlatform(config, logger);
  let session: Session | undefined;

  const handle = async (req: ControlRequest): Promise<unknown[] | undefined> => {
    switch (req.kind) {
      case 'query':
        return (await platform.db.query(req.sql, req.params ?? [])).rows;
      case 'profile-start':
        if (!session) {
          session = new Session();
          session.connect();
          await post(session, 'Profiler.enable');
        }
        await post(session, 'Profiler.start');
        return undefined;
      case 'profile-stop': {
        if (!session) throw new Error('no profile was started');
        const { profile } = await post<{ profile: unknown }>(session, 'Profiler.stop');
        await writeFile(req.file, JSON.stringify(profile));
        return undefined;
      }
      case 'counters':
        return [{ ...counters }];
    }
  };
  process.on('message', (req: ControlRequest) => {
    handle(req).then(
      (rows) => send({ id: req.id, kind: 'reply', ...(rows ? { rows } : {}) }),
      (err: unknown) => send({ id: req.id, kind: 'reply', error: err instanceof Error ? err.message : String(err) }),
    );
  });

  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    session?.disconnect();
    platform.close().finally(() => process.exit(0));
  };
  process.once('SIGTERM', stop);
  process.once('SIGINT', stop);
  // The bench went away: nobody will stop this process otherwise.
  process.once('disconnect', stop);
  send({ kind: 'started', url: platform.url, database: platform.db.description, ...(platform.bootstrap ? { credentials: { sandbox: platform.bootstrap.sandbox } } : {}) });
}

main().catch((err: unknown) => {
  send({ kind: 'failed', error: err instanceof Error ? err.message : String(err) });
  process.exitCode = 1;
  // Let the IPC message out before exiting.
  setTimeout(() => process.exit(1), 100).unref();
});
