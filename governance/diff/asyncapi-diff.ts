import { isObject } from '../../codegen/contracts/types';
import type { DocumentSet, Located } from '../model/document-set';
import { asObject, child, deref, root } from '../model/document-set';
import type { ChangeCollector } from './changes';
import type { SchemaContext } from './rules';
import { schemaChangeLevel, stricter } from './rules';
import type { SchemaPair } from './schema-diff';
import { diffSchemas } from './schema-diff';

type Action = 'send' | 'receive';

/** A message the platform sends is read by consumers (judged like a response); one it receives, like a request. */
function messageDirections(set: DocumentSet): Map<string, Set<Action>> {
  const directions = new Map<string, Set<Action>>();
  const operations = asObject(set.entry.doc.operations);
  const channels = asObject(set.entry.doc.channels);
  for (const op of Object.values(operations)) {
    if (!isObject(op) || (op.action !== 'send' && op.action !== 'receive')) continue;
    const channelId = lastToken(asObject(op.channel).$ref);
    if (!channelId) continue;
    const messages = Array.isArray(op.messages)
      ? op.messages.map((m) => lastToken(asObject(m).$ref)).filter((m): m is string => m !== undefined)
      : Object.keys(asObject(asObject(channels[channelId]).messages));
    for (const m of messages) {
      const key = `${channelId}/${m}`;
      directions.set(key, (directions.get(key) ?? new Set()).add(op.action));
    }
  }
  return directions;
}

const lastToken = (ref: unknown): string | undefined => (typeof ref === 'string' ? decodeURIComponent(ref.split('/').pop() ?? '') : undefined);

export function diffAsyncApi(sets: SchemaPair, out: ChangeCollector): void {
  const bChannels = child(root(sets.base), 'channels');
  const rChannels = child(root(sets.revision), 'channels');
  const bIds = Object.keys(asObject(bChannels.node));
  const rIds = Object.keys(asObject(rChannels.node));
  const bDirections = messageDirections(sets.base);
  const rDirections = messageDirections(sets.revision);

  for (const id of bIds) {
    const bc = deref(sets.base, child(bChannels, id));
    const address = String(asObject(bc.node).address ?? id);
    if (!rIds.includes(id)) {
      out.add('channel-removed', `channel ${id} (${address}) removed`, bc, 'base', `channel ${address}`);
      continue;
    }
    const rc = deref(sets.revision, child(rChannels, id));
    const rAddress = String(asObject(rc.node).address ?? id);
    const label = `channel ${rAddress}`;
    if (address !== rAddress) out.add('channel-address-changed', `channel ${id}: address changed from ${address} to ${rAddress}`, child(rc, 'address'), 'revision', label);
    diffChannelMessages(sets, out, id, bc, rc, label, rDirections, bDirections);
  }
  for (const id of rIds) {
    if (bIds.includes(id)) continue;
    const rc = deref(sets.revision, child(rChannels, id));
    out.add('channel-added', `channel ${id} (${String(asObject(rc.node).address ?? id)}) added`, rc, 'revision');
  }
  diffOperations(sets, out, bIds.filter((id) => !rIds.includes(id)));
}

function diffChannelMessages(
  sets: SchemaPair,
  out: ChangeCollector,
  channelId: string,
  bc: Located,
  rc: Located,
  label: string,
  rDirections: Map<string, Set<Action>>,
  bDirections: Map<string, Set<Action>>,
): void {
  const bMessages = child(bc, 'messages');
  const rMessages = child(rc, 'messages');
  const bKeys = Object.keys(asObject(bMessages.node));
  const rKeys = Object.keys(asObject(rMessages.node));
  for (const key of bKeys) {
    if (!rKeys.includes(key)) out.add('message-removed', `${label}: message ${key} removed`, child(bMessages, key), 'base', label);
  }
  for (const key of rKeys) {
    if (!bKeys.includes(key)) {
      out.add('message-added', `${label}: message ${key} added`, child(rMessages, key), 'revision', label);
      continue;
    }
    const bm = deref(sets.base, child(bMessages, key));
    const rm = deref(sets.revision, child(rMessages, key));
    const dirs = rDirections.get(`${channelId}/${key}`) ?? bDirections.get(`${channelId}/${key}`) ?? new Set<Action>(['send', 'receive']);
    const what = `${label}: message ${key}`;
    const bType = contentType(sets.base, bm);
    const rType = contentType(sets.revision, rm);
    if (bType !== rType) out.add('message-content-type-changed', `${what}: content type changed from ${bType} to ${rType}`, rm, 'revision', label);
    for (const part of ['payload', 'headers'] as const) {
      const bs = schemaOf(child(bm, part));
      const rs = schemaOf(child(rm, part));
      if (!bs || !rs) continue;
      diffSchemas(sets, bs, rs, (c) => {
        const context = contextFor(part, c.kind, dirs);
        const field = c.field === '' ? '' : ` property ${c.field}:`;
        out.add(`${context}-${c.kind}`, `${what} ${part}:${field} ${c.detail}`, c.at, c.side, label);
      });
    }
  }
}

/** AsyncAPI 3 allows `payload: { schemaFormat, schema }`; the plain form is the schema itself. */
function schemaOf(at: Located): Located | undefined {
  if (at.node === undefined) return undefined;
  const node = asObject(at.node);
  return typeof node.schemaFormat === 'string' && node.schema !== undefined ? child(at, 'schema') : at;
}

function contentType(set: DocumentSet, message: Located): string {
  const own = asObject(message.node).contentType;
  return typeof own === 'string' ? own : String(set.entry.doc.defaultContentType ?? 'application/json');
}

/** For a message moving both ways, the stricter reading wins; on a tie it is reported as sent. */
function contextFor(part: 'payload' | 'headers', kind: Parameters<typeof schemaChangeLevel>[1], dirs: Set<Action>): SchemaContext {
  const suffix = part === 'payload' ? 'payload' : 'header';
  const sent = `sent-message-${suffix}` as const;
  const received = `received-message-${suffix}` as const;
  if (!dirs.has('receive')) return sent;
  if (!dirs.has('send')) return received;
  const s = schemaChangeLevel(sent, kind);
  const r = schemaChangeLevel(received, kind);
  return stricter(s, r) === s ? sent : received;
}

function diffOperations(sets: SchemaPair, out: ChangeCollector, removedChannels: string[]): void {
  const bOps = child(root(sets.base), 'operations');
  const rOps = child(root(sets.revision), 'operations');
  const rKeys = Object.keys(asObject(rOps.node));
  const bKeys = Object.keys(asObject(bOps.node));
  for (const key of bKeys) {
    if (rKeys.includes(key)) continue;
    const op = asObject(asObject(bOps.node)[key]);
    const channelId = lastToken(asObject(op.channel).$ref);
    // A removed channel was reported once; its operations went with it.
    if (channelId && removedChannels.includes(channelId)) continue;
    const id = op.action === 'receive' ? 'receive-operation-removed' : 'send-operation-removed';
    out.add(id, `operation ${key} (${String(op.action)} on ${channelId ?? '?'}) removed`, child(bOps, key), 'base', `${String(op.action)} ${channelId ?? ''}`.trim());
  }
  for (const key of rKeys) {
    if (bKeys.includes(key)) continue;
    const op = asObject(asObject(rOps.node)[key]);
    out.add('async-operation-added', `operation ${key} (${String(op.action)}) added`, child(rOps, key), 'revision');
  }
}
