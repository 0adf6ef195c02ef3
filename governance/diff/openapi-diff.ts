import { isObject } from '../../codegen/contracts/types';
import type { Located } from '../model/document-set';
import { asObject, child, deref } from '../model/document-set';
import type { ChangeCollector } from './changes';
import type { DeprecationPolicy } from './deprecation';
import { isPast, isTooSoon } from './deprecation';
import type { OperationView } from './openapi-operations';
import { operationsOf } from './openapi-operations';
import type { SchemaContext } from './rules';
import type { SchemaPair } from './schema-diff';
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
    if (b.deprecation.deprecated && b.deprecation.sunset && isPast(b.deprecation.sunset, policy)) {
      out.add('deprecated-operation-removed-after-sunset', `${b.label}: removed after its sunset on ${b.deprecation.sunset}`, b.at, 'base', b.label);
    } else if (b.deprecation.deprecated) {
      const when = b.deprecation.sunset ? `before its sunset on ${b.deprecation.sunset}` : 'and it never had a sunset date';
      out.add('deprecated-operation-removed-before-sunset', `${b.label}: deprecated operation removed ${when}`, b.at, 'base', b.label);
    } else if (!revisionPaths.has(b.pathKey)) {
      if (reportedPaths.has(b.pathKey)) continue;
      reportedPaths.add(b.pathKey);
      out.add('path-removed', `path ${b.path} removed`, { ...b.at, pointer: b.at.pointer.replace(/\/[^/]+$/, '') }, 'base', b.label);
    } else {
      out.add('operation-removed', `${b.label}: operation removed`, b.at, 'base', b.label);
    }
  }
  const addedPaths = new Set<string>();
  for (const [key, r] of revision) {
    if (base.has(key)) continue;
    if (!basePaths.has(r.pathKey)) {
      if (!addedPaths.has(r.pathKey)) out.add('path-added', `path ${r.path} added`, { ...r.at, pointer: r.at.pointer.replace(/\/[^/]+$/, '') }, 'revision', r.label);
      addedPaths.add(r.pathKey);
    } else {
      out.add('operation-added', `${r.label}: operation added`, r.at, 'revision', r.label);
    }
    if (r.deprecation.deprecated) checkSunset(ctx, r, undefined);
  }
}

function diffOperation(ctx: Ctx, b: OperationView, r: OperationView): void {
  checkDeprecation(ctx, b, r);
  diffSecurity(ctx, b, r);
  diffParameters(ctx, b, r);
  diffRequestBody(ctx, b, r);
  diffResponses(ctx, b, r);
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
    }
  }
}

function checkSunset(ctx: Ctx, r: OperationView, previous: string | undefined): void {
  const { out, policy } = ctx;
  const sunset = r.deprecation.sunset;
  if (!sunset) {
    out.add('deprecated-without-sunset', `${r.label}: deprecated without an x-sunset date`, r.at, 'revision', r.label);
    return;
  }
  // Moving a sunset later never shortens notice; only a new or earlier date is checked against the minimum.
  if ((previous === undefined || sunset < previous) && isTooSoon(sunset, policy)) {
    out.add('sunset-too-soon', `${r.label}: sunset ${sunset} gives less than ${policy.minSunsetDays} days' notice from ${policy.today}`, r.at, 'revision', r.label);
  }
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
      out.add('request-parameter-removed', `${r.label}: ${name} removed`, r.at, 'revision', r.label);
      continue;
    }
    const rn = asObject(rp.node);
    const rname = `${String(rn.in)} parameter ${String(rn.name)}`;
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
      schemaChanges(ctx, side === 'request' ? 'request-body' : 'response-body', bs, rs, `${what} ${mt}`, operation);
    }
  }
}

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
  }
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
export function schemaChanges(ctx: Pick<Ctx, 'sets' | 'out'>, context: SchemaContext, b: Located, r: Located, what: string, operation: string): void {
  diffSchemas(ctx.sets, b, r, (c) => {
    const field = c.field === '' ? '' : ` property ${c.field}:`;
    ctx.out.add(`${context}-${c.kind}`, `${what}:${field} ${c.detail}`, c.at, c.side, operation);
  });
}
