import type { CallerContext } from '../../platform/http/handler-types';

/** Who is calling, as the authentication policy established it. Read by later policies and the upstream call. */
export interface AuthenticatedCaller extends CallerContext {
  clientId: string;
  /** The app's plan, for rate limiting. */
  plan: string;
  /** How the caller proved who it is. */
  method: 'bearer' | 'api-key' | 'session';
}

declare module 'fastify' {
  interface FastifyRequest {
    caller?: AuthenticatedCaller;
  }
}
