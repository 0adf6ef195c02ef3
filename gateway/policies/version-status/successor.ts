import type { RouteManifestEntry } from '../../../codegen/manifest-types';

/** The path template of a route's successor (`/v2/orders/{orderId}`), or undefined when it has none. */
export type SuccessorLookup = (route: RouteManifestEntry) => string | undefined;

/** The major-version segment of a path: `v1` in `/v1/orders`, `/system/erp/v1/…` and `/admin/v1/…`. */
const VERSION_SEGMENT = /^v(\d+)$/;
const PARAM = /\{([^}/]+)\}/g;

/** Two templates that differ only in parameter names are the same path (as the route table treats them). */
const shapeOf = (template: string): string => template.replace(PARAM, '{}');

/**
 * The default successor rule: the same path with the next major version, if the manifest serves that path.
 * `/v1/orders/{orderId}` → `/v2/orders/{orderId}` when orders.v2 has it; otherwise no successor, because a Link
 * to a path that answers 404 would be worse than none.
 */
export function successorsFromManifest(routes: readonly RouteManifestEntry[]): SuccessorLookup {
  const templates = new Map<string, string>();
  for (const route of routes) if (!templates.has(shapeOf(route.path))) templates.set(shapeOf(route.path), route.path);
  return (route) => {
    const segments = route.path.split('/');
    const at = segments.findIndex((s) => VERSION_SEGMENT.test(s));
    if (at < 0) return undefined;
    const major = Number(VERSION_SEGMENT.exec(segments[at] ?? '')?.[1]);
    return templates.get(shapeOf(segments.with(at, `v${major + 1}`).join('/')));
  };
}

/** Builds one request's `Link` value from its path parameters. */
export type LinkBuilder = (params: unknown) => string;

const linkValue = (target: string): string => `<${target}>; rel="successor-version"`;

/**
 * Precomputes the `Link` to the successor for one route. A path without parameters is one constant string. With
 * parameters the link names the same resource in the successor (`</v2/orders/ord_…>`); the successor's parameters
 * are filled by position from the route's own, since the two versions may name them differently. Values are
 * percent-encoded: this runs before request validation, so a parameter may hold anything the router matched.
 */
export function successorLink(routeTemplate: string, successorTemplate: string): LinkBuilder {
  const ownNames = [...routeTemplate.matchAll(PARAM)].map((m) => m[1] ?? '');
  const literals = successorTemplate.split(PARAM).filter((_, i) => i % 2 === 0);
  const slots = [...successorTemplate.matchAll(PARAM)].map((_, i) => ownNames[i]);
  if (slots.length === 0) {
    const constant = linkValue(successorTemplate);
    return () => constant;
  }
  if (slots.some((name) => name === undefined)) {
    // A custom successor with more parameters than this route has: link its fixed part, `/v2/orders`.
    const constant = linkValue((literals[0] ?? '').replace(/\/+$/, '') || '/');
    return () => constant;
  }
  return (params) => {
    const values = (typeof params === 'object' && params !== null ? params : {}) as Record<string, unknown>;
    let target = literals[0] ?? '';
    slots.forEach((name, i) => {
      target += encodeURIComponent(String(values[name as string] ?? '')) + (literals[i + 1] ?? '');
    });
    return linkValue(target);
  };
}
