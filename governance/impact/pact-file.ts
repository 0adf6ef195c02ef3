import { readFile, readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { BodyRules } from './matching-rules';
import { parseBodyRules } from './matching-rules';

/** Pact files larger than this are refused before they are read. */
export const MAX_PACT_BYTES = 5 * 1024 * 1024;

export class PactFileError extends Error {
  constructor(
    readonly file: string,
    reason: string,
  ) {
    super(`${file}: ${reason}`);
    this.name = 'PactFileError';
  }
}

/** A body as the pact states it: parsed JSON when its content type is JSON, else the raw text. */
export interface PactBody {
  content: unknown;
  contentType?: string;
  json: boolean;
}

export interface PactHttpInteraction {
  kind: 'http';
  description: string;
  request: {
    method: string;
    path: string;
    query: Record<string, string[]>;
    /** Lower-cased names. */
    headers: Record<string, string[]>;
    body?: PactBody;
  };
  response: {
    status: number;
    /** Header names as the pact writes them. */
    headers: Record<string, string[]>;
    body?: PactBody;
    rules: BodyRules;
  };
}

export interface PactMessageInteraction {
  kind: 'message';
  description: string;
  contents?: PactBody;
  metadata: Record<string, unknown>;
  rules: BodyRules;
}

/** An interaction of a kind this check cannot judge offline (V4 synchronous messages, plugins…). */
export interface PactOtherInteraction {
  kind: 'other';
  description: string;
  type: string;
}

export type PactInteraction = PactHttpInteraction | PactMessageInteraction | PactOtherInteraction;

export interface PactModel {
  /** As given to the check (repo-relative when possible); used in error messages. */
  name: string;
  consumer: string;
  provider: string;
  interactions: PactInteraction[];
}

const isRecord = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** `application/json; charset=utf-8` -> `application/json`. */
export const bareMediaType = (value: string | undefined): string | undefined => value?.split(';', 1)[0]?.trim().toLowerCase() || undefined;

export const isJsonMediaType = (type: string | undefined): boolean => !!type && /^application\/(?:[\w.-]+\+)?json$/.test(type);

function stringList(v: unknown): string[] {
  if (Array.isArray(v)) return v.map((x) => String(x));
  if (v === undefined || v === null) return [];
  return [String(v)];
}

function headerMap(raw: unknown, lower: boolean): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  if (!isRecord(raw)) return out;
  for (const [name, value] of Object.entries(raw)) out[lower ? name.toLowerCase() : name] = stringList(value);
  return out;
}

function queryMap(raw: unknown): Record<string, string[]> {
  if (typeof raw === 'string') {
    const out: Record<string, string[]> = {};
    for (const [k, v] of new URLSearchParams(raw)) (out[k] ??= []).push(v);
    return out;
  }
  return headerMap(raw, false);
}

const headerValue = (headers: Record<string, string[]>, name: string): string | undefined =>
  Object.entries(headers).find(([k]) => k.toLowerCase() === name)?.[1][0];

/**
 * A pact body: V4 writes `{ content, contentType, encoded }`, V2/V3 the value itself with the type in the
 * Content-Type header (or the message metadata).
 */
function parseBody(raw: unknown, v4: boolean, headerType: string | undefined, where: string, file: string): PactBody | undefined {
  if (raw === undefined || raw === null) return undefined;
  if (!v4 || !isRecord(raw) || !('content' in raw)) {
    const contentType = bareMediaType(headerType);
    const json = contentType === undefined ? typeof raw !== 'string' : isJsonMediaType(contentType);
    return { content: raw, ...(contentType ? { contentType } : {}), json };
  }
  // What goes over the wire is the Content-Type header (Pact compares that); V4's `contentType` says how the body
  // is written in the file, e.g. `application/json` for an `application/problem+json` response.
  const bodyType = bareMediaType(typeof raw.contentType === 'string' ? raw.contentType : undefined);
  const contentType = bareMediaType(headerType) ?? bodyType;
  let content = raw.content;
  const encoded = raw.encoded;
  if (encoded === undefined || encoded === false) {
    // not encoded: JSON content is the value itself
  } else if (typeof encoded === 'string' && /^base64$/i.test(encoded) && typeof content === 'string') {
    content = Buffer.from(content, 'base64').toString('utf8');
    if (isJsonMediaType(contentType) || isJsonMediaType(bodyType)) content = parseJsonText(content as string, `${where} (base64 JSON)`, file);
  } else if (typeof encoded === 'string' && /^json$/i.test(encoded) && typeof content === 'string') {
    content = parseJsonText(content, `${where} (encoded JSON)`, file);
  } else if (encoded !== true) {
    throw new PactFileError(file, `${where}: unsupported body encoding '${String(encoded)}'`);
  }
  if (content === undefined || content === null || content === '') return undefined;
  const json = contentType === undefined ? typeof content !== 'string' : isJsonMediaType(contentType) || isJsonMediaType(bodyType);
  return { content, ...(contentType ? { contentType } : {}), json };
}

function parseJsonText(text: string, where: string, file: string): unknown {
  try {
    return JSON.parse(text);
  } catch (err) {
    throw new PactFileError(file, `${where} is not valid JSON: ${(err as Error).message}`);
  }
}

function httpInteraction(raw: Record<string, unknown>, v4: boolean, where: string, file: string): PactHttpInteraction {
  const description = String(raw.description);
  const req = raw.request;
  const res = raw.response;
  if (!isRecord(req) || typeof req.method !== 'string' || typeof req.path !== 'string') {
    throw new PactFileError(file, `${where}: an HTTP interaction needs request.method and request.path`);
  }
  if (!isRecord(res) || !Number.isInteger(res.status)) throw new PactFileError(file, `${where}: an HTTP interaction needs an integer response.status`);
  const reqHeaders = headerMap(req.headers, true);
  const resHeaders = headerMap(res.headers, false);
  const reqBody = parseBody(req.body, v4, reqHeaders['content-type']?.[0], `${where} request body`, file);
  const resBody = parseBody(res.body, v4, headerValue(resHeaders, 'content-type'), `${where} response body`, file);
  return {
    kind: 'http',
    description,
    request: {
      method: req.method.toUpperCase(),
      path: req.path,
      query: queryMap(req.query),
      headers: reqHeaders,
      ...(reqBody ? { body: reqBody } : {}),
    },
    response: {
      status: res.status as number,
      headers: resHeaders,
      ...(resBody ? { body: resBody } : {}),
      rules: parseBodyRules(res.matchingRules),
    },
  };
}

function messageInteraction(raw: Record<string, unknown>, v4: boolean, where: string, file: string): PactMessageInteraction {
  const contentsRaw = isRecord(raw.contents) ? raw.contents : undefined;
  const metadata = { ...(isRecord(raw.metadata) ? raw.metadata : {}), ...(v4 && contentsRaw && isRecord(contentsRaw.metadata) ? contentsRaw.metadata : {}) };
  const metaType = [metadata.contentType, metadata['content-type'], metadata.contentype].find((v): v is string => typeof v === 'string');
  const contents = parseBody(raw.contents, v4, metaType, `${where} contents`, file);
  const rules = raw.matchingRules ?? (v4 && contentsRaw ? contentsRaw.matchingRules : undefined);
  return { kind: 'message', description: String(raw.description), ...(contents ? { contents } : {}), metadata, rules: parseBodyRules(rules) };
}

/** Validates and normalizes one parsed pact document (Pact spec V2, V3 or V4). */
export function parsePact(doc: unknown, file: string): PactModel {
  if (!isRecord(doc)) throw new PactFileError(file, 'not a pact: the document is not a JSON object');
  const consumer = isRecord(doc.consumer) ? doc.consumer.name : undefined;
  const provider = isRecord(doc.provider) ? doc.provider.name : undefined;
  if (typeof consumer !== 'string' || !consumer) throw new PactFileError(file, 'not a pact: consumer.name is missing');
  if (typeof provider !== 'string' || !provider) throw new PactFileError(file, 'not a pact: provider.name is missing');
  const hasInteractions = Array.isArray(doc.interactions);
  const hasMessages = Array.isArray(doc.messages);
  if (!hasInteractions && !hasMessages) throw new PactFileError(file, 'not a pact: it has neither an interactions nor a messages array');

  const meta = isRecord(doc.metadata) ? doc.metadata : {};
  const specOf = (k: string) => (isRecord(meta[k]) ? (meta[k] as Record<string, unknown>).version : undefined);
  const spec = String(specOf('pactSpecification') ?? specOf('pact-specification') ?? (hasMessages ? '3' : '2'));
  const v4 = spec.startsWith('4');

  const interactions: PactInteraction[] = [];
  const list = [...(hasInteractions ? (doc.interactions as unknown[]) : []).map((i) => ['interactions', i] as const), ...(hasMessages ? (doc.messages as unknown[]) : []).map((m) => ['messages', m] as const)];
  list.forEach(([array, raw], i) => {
    const where = `${array}[${array === 'messages' && hasInteractions ? i - (doc.interactions as unknown[]).length : i}]`;
    if (!isRecord(raw) || typeof raw.description !== 'string') throw new PactFileError(file, `${where}: an interaction needs a description`);
    const type = typeof raw.type === 'string' ? raw.type : array === 'messages' ? 'Asynchronous/Messages' : 'Synchronous/HTTP';
    const at = `${where} ("${raw.description}")`;
    if (type === 'Synchronous/HTTP') interactions.push(httpInteraction(raw, v4, at, file));
    else if (type === 'Asynchronous/Messages') interactions.push(messageInteraction(raw, v4, at, file));
    else interactions.push({ kind: 'other', description: raw.description, type });
  });
  return { name: file, consumer, provider, interactions };
}

/** Reads one pact file; `name` (repo-relative, usually) is what errors call it. */
export async function readPactFile(abs: string, name: string = abs): Promise<PactModel> {
  let size: number;
  try {
    size = (await stat(abs)).size;
  } catch (err) {
    throw new PactFileError(name, `cannot read the pact file: ${(err as Error).message}`);
  }
  if (size > MAX_PACT_BYTES) {
    throw new PactFileError(name, `the pact file is ${(size / 1024 / 1024).toFixed(1)} MB; pact files over ${MAX_PACT_BYTES / 1024 / 1024} MB are refused`);
  }
  const text = await readFile(abs, 'utf8');
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw new PactFileError(name, `not JSON: ${(err as Error).message}`);
  }
  return parsePact(doc, name);
}

/** Every `*.json` file under `dir` (recursively), sorted, as absolute paths. */
export async function listPactFiles(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true, recursive: true });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith('.json'))
    .map((e) => join(e.parentPath, e.name))
    .sort();
}
