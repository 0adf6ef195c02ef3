import type { RouteManifestEntry } from '../../../codegen/manifest-types';
import type { VersionStatusConfig } from './config';
import { VersionStatusConfigError } from './config';
import { formatDeprecation, formatSunset, parseContractDate } from './dates';
import type { LinkBuilder, SuccessorLookup } from './successor';
import { successorLink } from './successor';

/** Everything a deprecated route's requests need, computed once at start-up. */
export interface VersionLifecycle {
  /** The `Deprecation` value, `@<unix seconds>`. */
  deprecation: string;
  /** When the route stops answering (epoch ms) and the `Sunset` value; absent when no sunset is announced. */
  sunset?: { at: number; header: string; date: string };
  /** The `Link: <…>; rel="successor-version"` value for a request, when the route has a successor. */
  link?: LinkBuilder;
}

/**
 * A route's deprecation, sunset and successor, or undefined for a route that is not deprecated. Throws
 * VersionStatusConfigError when a deprecated route has no deprecation date (the header cannot be sent honestly
 * without one) or its dates contradict each other: start-up should fail rather than advertise a wrong date.
 */
export function lifecycleOf(route: RouteManifestEntry, config: VersionStatusConfig, successorFor: SuccessorLookup): VersionLifecycle | undefined {
  if (!route.deprecated) return undefined;
  const where = `${route.method} ${route.path} (${route.contract})`;
  const deprecatedAtText = config.deprecatedAt[route.contract] ?? route.deprecatedAt;
  if (deprecatedAtText === undefined) {
    throw new VersionStatusConfigError(
      `version-status: ${where} is deprecated but has no deprecation date; add deprecatedAt["${route.contract}"] to the version-status config, or x-concord-deprecated-at to the contract`,
    );
  }
  const deprecatedAt = parseContractDate(deprecatedAtText);
  if (!deprecatedAt) throw new VersionStatusConfigError(`version-status: deprecatedAt["${route.contract}"] (${deprecatedAtText}) is not a valid date`);

  const lifecycle: VersionLifecycle = { deprecation: formatDeprecation(deprecatedAt) };
  if (route.sunset !== undefined) {
    const sunsetAt = parseContractDate(route.sunset);
    // codegen checks the format; an impossible calendar date such as 2027-02-30 still gets through it.
    if (!sunsetAt) throw new VersionStatusConfigError(`version-status: ${where} has x-sunset ${route.sunset}, which is not a valid date`);
    if (sunsetAt.getTime() < deprecatedAt.getTime()) {
      throw new VersionStatusConfigError(`version-status: ${where} sunsets (${route.sunset}) before it was deprecated (${deprecatedAtText})`);
    }
    lifecycle.sunset = { at: sunsetAt.getTime(), header: formatSunset(sunsetAt), date: route.sunset };
  }
  const successor = successorFor(route);
  if (successor !== undefined) lifecycle.link = successorLink(route.path, successor);
  return lifecycle;
}
