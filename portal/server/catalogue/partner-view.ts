type Json = Record<string, unknown>;

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * An OpenAPI document as a partner may see it: operations marked `x-concord-audience: internal` (on the operation,
 * or at the root with no override) are left out, and a path with none left goes too. contracts/README.md promises
 * internal operations never appear in the partner portal; the gateway already refuses them to partner apps.
 * The document is shared and frozen, so a filtered copy is made only when something is left out.
 */
export function partnerView(doc: Json): Json {
  const rootAudience = doc['x-concord-audience'];
  if (!isObject(doc.paths)) return doc;
  const internal = (op: Json) => (op['x-concord-audience'] ?? rootAudience) === 'internal';
  let changed = false;
  const paths: Json = {};
  for (const [path, item] of Object.entries(doc.paths)) {
    if (!isObject(item)) continue;
    const kept: Json = {};
    let operations = 0;
    for (const [key, value] of Object.entries(item)) {
      const isOperation = (METHODS as readonly string[]).includes(key) && isObject(value);
      if (isOperation && internal(value)) {
        changed = true;
        continue;
      }
      if (isOperation) operations++;
      kept[key] = value;
    }
    if (operations > 0) paths[path] = kept;
  }
  return changed ? { ...doc, paths } : doc;
}
