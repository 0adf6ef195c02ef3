import type { CallerContext } from '../../platform/http/handler-types';
import { docNo } from './document-ids';
import { conflict, notFound } from './problems';

/** A kind of document a system API serves by its id. */
export interface DocumentKind<T> {
  /** The id prefix, `SO` for `SO-000042`. */
  prefix: string;
  /** How problems name it: "sales order". */
  what: string;
  find(no: number): Promise<T | undefined>;
}

/** 200 with the document `id` names, 404 when it names none (an id not in canonical form names none). */
export async function getDocument<T>(caller: CallerContext, kind: DocumentKind<T>, id: string) {
  const no = docNo(kind.prefix, id);
  const doc = no === undefined ? undefined : await kind.find(no);
  return doc ? { status: 200 as const, body: doc } : notFound(caller, `no ${kind.what} ${id}`);
}

/**
 * A state change of the document `id` names, answered with the document as it then stands. The change only
 * applies from the states it allows, so a repeat is answered unchanged; `refusal` says why (409) when the
 * document ended in a state the change does not lead to.
 */
export async function changeDocument<T>(
  caller: CallerContext,
  kind: DocumentKind<T>,
  id: string,
  change: (no: number) => Promise<unknown>,
  refusal: (doc: T) => string | undefined,
) {
  const no = docNo(kind.prefix, id);
  if (no === undefined) return notFound(caller, `no ${kind.what} ${id}`);
  await change(no);
  const doc = await kind.find(no);
  if (!doc) return notFound(caller, `no ${kind.what} ${id}`);
  const why = refusal(doc);
  return why === undefined ? { status: 200 as const, body: doc } : conflict(caller, why);
}

/**
 * The answer to a create of a document with a natural key, read back after the insert: 201 when this request
 * inserted it, else 200 with the one a concurrent request inserted first.
 */
export async function answerCreate<T>(created: boolean, find: () => Promise<T | undefined>, what: string, location?: (doc: T) => string) {
  const doc = await find();
  if (!doc) throw new Error(`${what} vanished after its insert`);
  if (!created) return { status: 200 as const, body: doc };
  return location ? { status: 201 as const, body: doc, headers: { Location: location(doc) } } : { status: 201 as const, body: doc };
}
