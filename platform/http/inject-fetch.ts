import type { FastifyInstance } from 'fastify';

/**
 * A `fetch` that answers from a Fastify instance in the same process (`app.inject`): the transport seam that lets
 * the generated clients call the system APIs in process on the embedded default, through the same gateway
 * pipeline (auth, validation, metrics) an HTTP call would take, without a socket. `headers()` adds per-call
 * headers such as the service token.
 */
export function injectFetch(app: () => FastifyInstance, headers: () => Promise<Record<string, string>> = async () => ({})): typeof fetch {
  return async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const request = input instanceof Request ? input : new Request(input, init);
    const url = new URL(request.url);
    const body = request.body ? Buffer.from(await request.arrayBuffer()) : undefined;
    const requestHeaders: Record<string, string> = {};
    request.headers.forEach((value, name) => {
      requestHeaders[name] = value;
    });
    const res = await app().inject({
      method: request.method as 'GET',
      url: url.pathname + url.search,
      headers: { ...requestHeaders, ...(await headers()) },
      ...(body ? { payload: body } : {}),
    });
    const responseHeaders = new Headers();
    for (const [name, value] of Object.entries(res.headers)) {
      if (value === undefined) continue;
      for (const v of Array.isArray(value) ? value : [String(value)]) responseHeaders.append(name, v);
    }
    const nullBody = res.statusCode === 204 || res.statusCode === 304 || request.method === 'HEAD';
    return new Response(nullBody ? null : res.rawPayload, { status: res.statusCode, headers: responseHeaders });
  };
}
