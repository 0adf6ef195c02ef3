import { jsonLineMapper } from './json-lines';
import { looksLikeJson, parseJson } from './json-text';
import { LineCounter, isMap, isSeq, parseDocument } from 'yaml';
import type { Node } from 'yaml';

/**
 * Maps JSON pointers to 1-based lines of one YAML text. A pointer that runs past what the file holds
 * (it went through a `$ref` into another file) maps to the deepest part that exists here.
 */
export function lineMapper(text: string): (pointer: string) => number {
  // Files that parsed as JSON are mapped by the JSON scanner; YAML flow style starting with a brace falls through.
  if (looksLikeJson(text) && parseJson(text) !== undefined) return jsonLineMapper(text);
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, keepSourceTokens: false });
  const lineOf = (node: Node | null | undefined, fallback: number): number =>
    node?.range ? lineCounter.linePos(node.range[0]).line : fallback;
  return (pointer) => {
    let node: unknown = doc.contents;
    let line = lineOf(doc.contents, 1);
    if (pointer === '') return line;
    for (const raw of pointer.slice(1).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      if (isMap(node)) {
        const pair = node.items.find((p) => String((p.key as { value?: unknown } | null)?.value ?? p.key) === key);
        if (!pair) return line;
        line = lineOf(pair.key as Node, line);
        node = pair.value;
      } else if (isSeq(node)) {
        const item = node.items[Number(key)];
        if (item === undefined) return line;
        line = lineOf(item as Node, line);
        node = item;
      } else {
        return line;
      }
    }
    return line;
  };
}
