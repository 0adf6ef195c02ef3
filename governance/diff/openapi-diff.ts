import { isObject } from '../../codegen/contracts/types';
import type { Located } from '../model/document-set';
import { asObject, child, deref } from '../model/document-set';
import type { ChangeCollector } from './changes';
import type { DeprecationPolicy } from './deprecation';
import { isPast, judgeSunset, parseSunset } from './deprecation';
import type { OperationView } from './openapi-operations';
import { operationsOf } from './openapi-operations';
import type { SchemaContext } from './rules';
import { SCHEMA_CONTEXTS } from './rules';
import type { SchemaDiffOptions, SchemaPair } from './schema-diff';
import { diffSchemas } from './schema-diff';

interface Ctx {
  sets: SchemaPair;
  out: ChangeCollector;
  policy: DeprecationPolicy;
}

/** Compares two OpenAPI documents operation by operation. */
export function diffOpenApi(sets: SchemaPair, out: ChangeCollector, policy: DeprecationPolicy, ignoreVersionSegment: boolean): void {
  const ctx: Ctx = { sets, out, policy };
  const base = operationsOf(sets.base, ignoreVersionSegment);
  const revision = operationsOf(sets.revision, ignoreVersionSegment);
  const revisionPaths = new Set([...revision.values()].map((o) => o.pathKey));
  const basePaths = new Set([...base.values()].map((o) => o.pathKey));
  const reportedPaths = new Set<string>();

  for (const [key, b] of base) {
    const r = revision.get(key);
    if (r) {
      diffOperation(ctx, b, r);
      continue;
    }
    // Without a minimum notice (--min-sunset-days 0), a deprecated operation without a sunset may go at any time.
    const noticeDue = b.deprecation.sunset ? !isPast(b.deprecation.sunset, policy) : policy.minSunsetDays > 0;
    if (b.deprecation.deprecated && !noticeDue) {
      out.add('deprecated-operation-removed-after-sunset', `${b.label}: removed after its sunset on ${b.deprecation.sunset ?? '(none set)'}`, b.at, 'base', b.label);
    } else if (b.deprecation.deprecated) {
      const when = b.deprecation.sunset ? `before its sunset on ${b.deprecation.sunset}` : 'and it never had a sunset date';
      out.add('deprecated-operation-removed-before-sunset', `${b.label}: deprecated operation removed ${when}`, b.at, 'base', b.label);
    } else if (!revisionPaths.has(b.pathKey)) {
      if (reportedPaths.has(b.pathKey)) continue;
      reportedPaths.add(b.pathKey);
      out.add(`${b.kind}-removed`, `${b.kind} ${b.path} removed`, { ...b.at, pointer: b.at.pointer.replace(/\/[^/]+$/, '') }, 'base', b.label);
    } else {
      out.add('operation-removed', `${b.label}: operation removed`, b.at, 'base', b.label);
    }
  }
  const addedPaths = new Set<string>();
  for (const [key, r] of revision) {
    if (base.has(key)) continue;
    if (!basePaths.has(r.pathKey)) {
      if (!addedPaths.has(r.pathKey)) out.add(`${r.kind}-added`, `${r.kind} ${r.path} added`, { ...r.at, pointer: r.at.pointer.replace(/\/[^/]+$/, '') }, 'revision', r.label);
      addedPaths.add(r.pathKey);
    } else {
      out.add('operation-added', `${r.label}: operation added`, r.at, 'revision', r.label);
    }
    if (r.deprecation.deprecated) checkSunset(ctx, r, undefined);
  }
}

function diffOperation(ctx: Ctx, b: OperationView, r: OperationView): void {
  checkStability(ctx, b, r);
  checkDeprecation(ctx, b, r);
  diffSecurity(ctx, b, r);
  diffParameters(ctx, b, r);
  diffRequestBody(ctx, b, r);
  diffResponses(ctx, b, r);
}

/** oasdiff's x-stability-level: an operation may only move up, draft to alpha to beta to stable. */
const STABILITY = ['draft', 'alpha', 'beta', 'stable'];
function checkStability(ctx: Ctx, b: OperationView, r: OperationView): void {
  const [bs, rs] = [b.node['x-stability-level'], r.node['x-stability-level']];
  if (bs === undefined && rs === undefined) return;
  const bad = [bs, rs].find((s) => s !== undefined && !STABILITY.includes(s as string));
  if (bad !== undefined) {
    ctx.out.add('stability-level-invalid', `${r.label}: x-stability-level ${JSON.stringify(bad)} is not one of ${STABILITY.join(', ')}`, r.at, 'revision', r.label);
    return;
  }
  // No level means stable.
  const rank = (s: unknown) => STABILITY.indexOf((s as string | undefined) ?? 'stable');
  if (rank(rs) < rank(bs)) ctx.out.add('stability-decreased', `${r.label}: x-stability-level went down from ${String(bs ?? 'stable')} to ${String(rs)}`, r.at, 'revision', r.label);
}

function checkDeprecation(ctx: Ctx, b: OperationView, r: OperationView): void {
  const { out } = ctx;
  if (!b.deprecation.deprecated && r.deprecation.deprecated) {
    out.add('operation-deprecated', `${r.label}: deprecated${r.deprecation.sunset ? `, sunset ${r.deprecation.sunset}` : ''}`, r.at, 'revision', r.label);
    checkSunset(ctx, r, undefined);
  } else if (b.deprecation.deprecated && !r.deprecation.deprecated) {
    out.add('operation-reactivated', `${r.label}: no longer deprecated`, r.at, 'revision', r.label);
  } else if (b.deprecation.deprecated && r.deprecation.deprecated) {
    if (b.deprecation.sunset && !r.deprecation.sunset) {
      out.add('sunset-removed', `${r.label}: still deprecated, but its sunset date (${b.deprecation.sunset}) was removed`, r.at, 'revision', r.label);
    } else if (r.deprecation.sunset !== b.deprecation.sunset) {
      checkSunset(ctx, r, b.deprecation.sunset);
    } else if (r.deprecation.sunset !== undefined && parseSunset(r.deprecation.sunset) === undefined) {
      checkSunset(ctx, r, undefined);
    }
  }
}

function checkSunset(ctx: Ctx, r: OperationView, previous: string | undefined): void {
  reportSunset(ctx, r.deprecation.sunset, previous, r.label, r.at, r.label);
}

/** The deprecation policy for an operation or a parameter (`what` names it). */
function reportSunset(ctx: Ctx, sunset: string | undefined, previous: string | undefined, what: string, at: Located, operation: string): void {
  const { out, policy } = ctx;
  const verdict = judgeSunset(sunset, previous, policy);
  if (verdict === 'missing') out.add('deprecated-without-sunset', `${what}: deprecated without an x-sunset date`, at, 'revision', operation);
  else if (verdict === 'unparsable') out.add('sunset-unparsable', `${what}: x-sunset ${JSON.stringify(sunset ?? previous)} is not a date (YYYY-MM-DD)`, at, 'revision', operation);
  else if (verdict === 'too-soon') out.add('sunset-too-soon', `${what}: sunset ${String(sunset)} gives less than ${policy.minSunsetDays} days' notice from ${policy.today}`, at, 'revision', operation);
}

function diffSecurity(ctx: Ctx, b: OperationView, r: OperationView): void {
  for (const [scheme, scopes] of r.scopes) {
    const before = b.scopes.get(scheme);
    const added = [...scopes].filter((s) => !before?.has(s));
    if (added.length > 0 || (!before && b.scopes.size === 0)) {
      const what = added.length > 0 ? `now requires scope ${added.join(', ')} (${scheme})` : `now requires ${scheme}`;
      ctx.out.add('security-scope-added', `${r.label}: ${what}`, child(r.at, 'security'), 'revision', r.label);
    }
  }
  for (const [scheme, scopes] of b.scopes) {
    const after = r.scopes.get(scheme);
    const removed = [...scopes].filter((s) => !after?.has(s));
    if (removed.length > 0) ctx.out.add('security-scope-removed', `${r.label}: no longer requires scope ${removed.join(', ')} (${scheme})`, r.at, 'revision', r.label);
  }
}

function diffParameters(ctx: Ctx, b: OperationView, r: OperationView): void {
  const { out } = ctx;
  for (const [key, bp] of b.parameters) {
    const rp = r.parameters.get(key);
    const bn = asObject(bp.node);
    const name = `${String(bn.in)} parameter ${String(bn.name)}`;
    if (!rp) {
      const sunset = typeof bn['x-sunset'] === 'string' ? bn['x-sunset'] : undefined;
      if (bn.deprecated !== true) out.add('request-parameter-removed', `${r.label}: ${name} removed`, r.at, 'revision', r.label);
      else if (sunset !== undefined && parseSunset(sunset) === undefined) reportSunset(ctx, sunset, undefined, `${r.label}: ${name}`, r.at, r.label);
      else if (sunset !== undefined ? isPast(parseSunset(sunset) as string, ctx.policy) : ctx.policy.minSunsetDays === 0) {
        out.add('deprecated-parameter-removed-after-sunset', `${r.label}: deprecated ${name} removed after its sunset on ${sunset ?? '(none set)'}`, r.at, 'revision', r.label);
      } else {
        const when = sunset ? `before its sunset on ${sunset}` : 'and it never had a sunset date';
        out.add('deprecated-parameter-removed-before-sunset', `${r.label}: deprecated ${name} removed ${when}`, r.at, 'revision', r.label);
      }
      continue;
    }
    const rn = asObject(rp.node);
    const rname = `${String(rn.in)} parameter ${String(rn.name)}`;
    diffParameterDeprecation(ctx, bn, rn, `${r.label}: ${rname}`, rp, r.label);
    if (bn.required !== true && rn.required === true) out.add('request-parameter-became-required', `${r.label}: ${rname} became required`, rp, 'revision', r.label);
    if (bn.required === true && rn.required !== true) out.add('request-parameter-became-optional', `${r.label}: ${rname} became optional`, rp, 'revision', r.label);
    const bs = parameterSchema(bp);
    const rs = parameterSchema(rp);
    if (bs && rs) schemaChanges(ctx, 'request-parameter', bs, rs, `${r.label}: ${rname}`, r.label);
  }
  for (const [key, rp] of r.parameters) {
    if (b.parameters.has(key)) continue;
    const rn = asObject(rp.node);
    const required = rn.required === true;
    out.add(
      required ? 'request-parameter-added-required' : 'request-parameter-added-optional',
      `${r.label}: new ${required ? 'required' : 'optional'} ${String(rn.in)} parameter ${String(rn.name)}`,
      rp,
      'revision',
      r.label,
    );
  }
}

function diffParameterDeprecation(ctx: Ctx, bn: Record<string, unknown>, rn: Record<string, unknown>, what: string, at: Located, operation: string): void {
  const sunsetOf = (n: Record<string, unknown>) => (typeof n['x-sunset'] === 'string' ? n['x-sunset'] : undefined);
  const [bs, rs] = [sunsetOf(bn), sunsetOf(rn)];
  if (bn.deprecated !== true && rn.deprecated === true) {
    ctx.out.add('request-parameter-deprecated', `${what}: deprecated${rs ? `, sunset ${rs}` : ''}`, at, 'revision', operation);
    reportSunset(ctx, rs, undefined, what, at, operation);
  } else if (bn.deprecated === true && rn.deprecated !== true) {
    ctx.out.add('request-parameter-reactivated', `${what}: no longer deprecated`, at, 'revision', operation);
  } else if (bn.deprecated === true && rn.deprecated === true && bs !== rs) {
    if (bs && !rs) ctx.out.add('sunset-removed', `${what}: still deprecated, but its sunset date (${bs}) was removed`, at, 'revision', operation);
    else reportSunset(ctx, rs, bs, what, at, operation);
  }
}

function parameterSchema(p: Located): Located | undefined {
  const node = asObject(p.node);
  if (node.schema !== undefined) return child(p, 'schema');
  if (isObject(node.content)) {
    const [mt] = Object.keys(node.content);
    if (mt) return child(p, 'content', mt, 'schema');
  }
  return undefined;
}

function diffRequestBody(ctx: Ctx, b: OperationView, r: OperationView): void {
  const { out, sets } = ctx;
  const bAt = child(b.at, 'requestBody');
  const rAt = child(r.at, 'requestBody');
  if (bAt.node === undefined && rAt.node === undefined) return;
  if (bAt.node === undefined) {
    const required = asObject(deref(sets.revision, rAt).node).required === true;
    out.add(required ? 'request-body-added-required' : 'request-body-added-optional', `${r.label}: ${required ? 'required ' : ''}request body added`, rAt, 'revision', r.label);
    return;
  }
  if (rAt.node === undefined) {
    out.add('request-body-removed', `${r.label}: request body removed`, r.at, 'revision', r.label);
    return;
  }
  const bb = deref(sets.base, bAt);
  const rb = deref(sets.revision, rAt);
  const [breq, rreq] = [asObject(bb.node).required === true, asObject(rb.node).required === true];
  if (!breq && rreq) out.add('request-body-became-required', `${r.label}: request body became required`, rb, 'revision', r.label);
  if (breq && !rreq) out.add('request-body-became-optional', `${r.label}: request body became optional`, rb, 'revision', r.label);
  diffContent(ctx, 'request', child(bb, 'content'), child(rb, 'content'), `${r.label}: request body`, r.label);
}

function diffContent(ctx: Ctx, side: 'request' | 'response', bContent: Located, rContent: Located, what: string, operation: string): void {
  const { out } = ctx;
  const bTypes = Object.keys(asObject(bContent.node));
  const rTypes = Object.keys(asObject(rContent.node));
  const prefix = side === 'request' ? 'request-body' : 'response';
  for (const mt of bTypes) {
    if (!rTypes.includes(mt)) out.add(`${prefix}-media-type-removed`, `${what}: media type ${mt} removed`, rContent, 'revision', operation);
  }
  for (const mt of rTypes) {
    if (!bTypes.includes(mt)) {
      out.add(`${prefix}-media-type-added`, `${what}: media type ${mt} added`, child(rContent, mt), 'revision', operation);
      continue;
    }
    const bs = child(bContent, mt, 'schema');
    const rs = child(rContent, mt, 'schema');
    if (bs.node !== undefined && rs.node !== undefined) {
      schemaChanges(ctx, side === 'request' ? 'request-body' : 'response-body', bs, rs, `${what} ${mt}`, operation, { looseScalars: isTextual(mt) });
    }
  }
}

/** XML and form bodies carry every scalar as text, so their schema types are not compared as JSON's. */
const isTextual = (mediaType: string): boolean => /[/+]xml\b|^application\/x-www-form-urlencoded\b|^multipart\/form-data\b/i.test(mediaType);

function diffResponses(ctx: Ctx, b: OperationView, r: OperationView): void {
  const { out, sets } = ctx;
  const bResponses = child(b.at, 'responses');
  const rResponses = child(r.at, 'responses');
  const bCodes = Object.keys(asObject(bResponses.node));
  const rCodes = Object.keys(asObject(rResponses.node));
  const success = (code: string) => /^[23]/.test(code);
  for (const code of bCodes) {
    if (rCodes.includes(code)) continue;
    out.add(success(code) ? 'response-success-status-removed' : 'response-error-status-removed', `${r.label}: response ${code} removed`, rResponses, 'revision', r.label);
  }
  for (const code of rCodes) {
    const rr = deref(sets.revision, child(rResponses, code));
    if (!bCodes.includes(code)) {
      out.add(success(code) ? 'response-success-status-added' : 'response-error-status-added', `${r.label}: response ${code} added`, rr, 'revision', r.label);
      continue;
    }
    const br = deref(sets.base, child(bResponses, code));
    diffContent(ctx, 'response', child(br, 'content'), child(rr, 'content'), `${r.label}: response ${code}`, r.label);
    diffHeaders(ctx, child(br, 'headers'), child(rr, 'headers'), `${r.label}: response ${code}`, r.label);
    diffLinks(ctx, child(br, 'links'), child(rr, 'links'), `${r.label}: response ${code}`, r.label);
  }
}

function diffLinks(ctx: Ctx, bLinks: Located, rLinks: Located, what: string, operation: string): void {
  const bNames = Object.keys(asObject(bLinks.node));
  const rNames = Object.keys(asObject(rLinks.node));
  for (const name of bNames) if (!rNames.includes(name)) ctx.out.add('response-link-removed', `${what}: link ${name} removed`, rLinks, 'revision', operation);
  for (const name of rNames) if (!bNames.includes(name)) ctx.out.add('response-link-added', `${what}: link ${name} added`, child(rLinks, name), 'revision', operation);
}

function diffHeaders(ctx: Ctx, bHeaders: Located, rHeaders: Located, what: string, operation: string): void {
  const { out, sets } = ctx;
  const byName = (at: Located) => new Map(Object.keys(asObject(at.node)).map((name) => [name.toLowerCase(), name]));
  const bNames = byName(bHeaders);
  const rNames = byName(rHeaders);
  for (const [lower, name] of bNames) {
    const rName = rNames.get(lower);
    if (!rName) {
      out.add('response-header-removed', `${what}: header ${name} removed`, rHeaders, 'revision', operation);
      continue;
    }
    const bh = deref(sets.base, child(bHeaders, name));
    const rh = deref(sets.revision, child(rHeaders, rName));
    if (asObject(bh.node).required === true && asObject(rh.node).required !== true) {
      out.add('response-header-became-optional', `${what}: header ${rName} is no longer required`, rh, 'revision', operation);
    }
    if (asObject(bh.node).schema !== undefined && asObject(rh.node).schema !== undefined) {
      schemaChanges(ctx, 'response-header', child(bh, 'schema'), child(rh, 'schema'), `${what}: header ${rName}`, operation);
    }
  }
  for (const [lower, name] of rNames) {
    if (!bNames.has(lower)) out.add('response-header-added', `${what}: header ${name} added`, child(rHeaders, name), 'revision', operation);
  }
}

/** Runs the schema diff in a context and reports each change under that context's rule id. */
export function schemaChanges(
  ctx: Pick<Ctx, 'sets' | 'out'> & { policy?: DeprecationPolicy },
  context: SchemaContext,
  b: Located,
  r: Located,
  what: string,
  operation: string,
  opts: Pick<SchemaDiffOptions, 'looseScalars'> = {},
): void {
  const direction = SCHEMA_CONTEXTS[context];
  diffSchemas(
    ctx.sets,
    b,
    r,
    (c) => {
      const field = c.field === '' ? '' : ` property ${c.field}:`;
      ctx.out.add(`${context}-${c.kind}`, `${what}:${field} ${c.detail}`, c.at, c.side, operation);
    },
    { direction, ...opts, ...(ctx.policy ? { policy: ctx.policy } : {}) },
  );
}
