import { SESSION_COOKIE } from '../../gateway/policies/authentication';

/**
 * HttpOnly so page scripts never see it; SameSite=Strict so no other site's page can send it; Secure when the
 * portal is reached over TLS (a plain-HTTP browser would drop a Secure cookie, so it is only set then).
 */
export function sessionCookie(token: string, opts: { secure: boolean; maxAgeSeconds: number }): string {
  return [`${SESSION_COOKIE}=${token}`, 'Path=/', 'HttpOnly', 'SameSite=Strict', `Max-Age=${opts.maxAgeSeconds}`, ...(opts.secure ? ['Secure'] : [])].join('; ');
}

export const clearedSessionCookie = (secure: boolean): string => sessionCookie('', { secure, maxAgeSeconds: 0 });

/** Behind a TLS-terminating proxy the request arrives as HTTP with `X-Forwarded-Proto: https`. */
export const isTls = (headers: Record<string, unknown>, alwaysSecure: boolean): boolean =>
  alwaysSecure || headers['x-forwarded-proto'] === 'https';
