import pino from 'pino';
import type { Logger } from 'pino';

export type { Logger };

/** Structured JSON logs. Request logs carry `correlationId`; secrets are redacted wherever they appear. */
export function createLogger(opts: { level: string; destination?: pino.DestinationStream }): Logger {
  return pino(
    {
      level: opts.level,
      base: { service: 'concord' },
      redact: {
        paths: ['req.headers.authorization', 'req.headers["x-api-key"]', '*.client_secret', '*.clientSecret', '*.apiKey', '*.password'],
        censor: '[redacted]',
      },
    },
    opts.destination,
  );
}
