import { useEffect, useState } from 'react';

/**
 * Hash routing (`/portal/#/apps`): the SPA's routes never reach the server, so they can never collide with the
 * portal API under `/portal/v1/…`, and the gateway serves one index.html.
 */
export interface Route {
  /** The path segments after `#/`, e.g. `['apis', 'orders.v2']`. */
  parts: string[];
  query: URLSearchParams;
}

export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const [path = '', search = ''] = raw.split('?', 2);
  return { parts: path.split('/').filter(Boolean).map(decodeURIComponent), query: new URLSearchParams(search) };
}

export function useRoute(): Route {
  const [route, setRoute] = useState(() => parseHash(window.location.hash));
  useEffect(() => {
    const update = () => setRoute(parseHash(window.location.hash));
    window.addEventListener('hashchange', update);
    return () => window.removeEventListener('hashchange', update);
  }, []);
  return route;
}

/** `href` for a route: `link('apis', 'orders.v2')` is `#/apis/orders.v2`. */
export function link(...parts: string[]): string {
  return '#/' + parts.map(encodeURIComponent).join('/');
}

export function navigate(href: string): void {
  window.location.hash = href.replace(/^#/, '');
}
