/**
 * An OpenAPI contract as this Concord serves it: the contracts name `http://127.0.0.1:8080` (where `npm start`
 * listens by default), but the reference docs must show where this instance really answers, the origin the portal
 * was loaded from, as the getting-started guide does.
 */
export function servedHere(doc: Record<string, unknown>, origin: string): Record<string, unknown> {
  return { ...doc, servers: [{ url: origin, description: 'This Concord' }] };
}
