import { readFileSync } from 'node:fs';
import type { UpstreamConfig } from '../../platform/catalogue/types';

/**
 * The undici `connect` options for an upstream's TLS: its CA, the client certificate for mTLS and the name its
 * certificate is checked against. The files are read once, when the upstream's pool is built at start.
 */
export function tlsConnectOptions(tls: UpstreamConfig['tls']) {
  if (!tls) return undefined;
  return {
    ...(tls.ca ? { ca: readFileSync(tls.ca) } : {}),
    ...(tls.cert ? { cert: readFileSync(tls.cert) } : {}),
    ...(tls.key ? { key: readFileSync(tls.key) } : {}),
    ...(tls.serverName ? { servername: tls.serverName } : {}),
    ...(tls.rejectUnauthorized === false ? { rejectUnauthorized: false } : {}),
  };
}
