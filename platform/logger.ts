import pino from 'pino';
import type { Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

/**
 * Structured JSON logs. Request logs carry `correlationId`; secrets are redacted wherever they appear.
 * `pretty` renders the same records for a person (a terminal): one coloured line each, fields indented below.
 */
export function createLogger(opts: { level: string; destination?: pino.DestinationStream; pretty?: boolean }): Logger {
  const destination = opts.pretty ? pretty({ destination: opts.destination ?? 1, sync: true, colorize: true, translateTime: 'SYS:HH:MM:ss.l', ignore: 'pid,hostname,service' }) : opts.destination;
  return pino(
    {
      level: opts.level,
      base: { service: 'concord' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.client_secret', '*.clientSecret', '*.apiKey', '*.password'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}
