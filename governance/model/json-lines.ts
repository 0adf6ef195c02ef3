/**
 * Pointer-to-line for JSON text without building a YAML document of it (which costs seconds and hundreds of MB on
 * a 10 MB description). A container's direct members are indexed the first time a pointer passes through it,
 * by scanning its text once; later lookups through it are map hits. Lines come from a table of newline offsets.
 */
export function jsonLineMapper(text: string): (pointer: string) => number {
  const newlines: number[] = [];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) newlines.push(i);
  const lineAt = (pos: number): number => {
    let [lo, hi] = [0, newlines.length];
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((newlines[mid] as number) < pos) lo = mid + 1;
      else hi = mid;
    }
    return lo + 1;
  };
  /** pointer -> [where its value starts, where it is named (its key, or the element itself)] */
  const places = new Map<string, [number, number]>();
  const indexed = new Set<string>();
  const start = skipSpace(text, 0);
  places.set('', [start, start]);

  const index = (pointer: string, pos: number): void => {
    indexed.add(pointer);
    const open = text[pos];
    if (open !== '{' && open !== '[') return;
    let i = skipSpace(text, pos + 1);
    for (let n = 0; i < text.length && text[i] !== '}' && text[i] !== ']'; n++) {
      let token = String(n);
      const named = i;
      if (open === '{') {
        const end = skipValue(text, i);
        token = (JSON.parse(text.slice(i, end)) as string).replace(/~/g, '~0').replace(/\//g, '~1');
        i = skipSpace(text, skipSpace(text, end) + 1); // past the colon
      }
      places.set(`${pointer}/${token}`, [i, named]);
      i = skipSpace(text, skipValue(text, i));
      if (text[i] === ',') i = skipSpace(text, i + 1);
    }
  };

  return (pointer) => {
    let current = '';
    let line = lineAt((places.get('') as [number, number])[1]);
    if (pointer === '') return line;
    for (const token of pointer.slice(1).split('/')) {
      const parent = places.get(current) as [number, number];
      if (!indexed.has(current)) index(current, parent[0]);
      const next = `${current}/${token}`;
      const place = places.get(next);
      // Past what this file holds (a $ref into another file): the deepest part that exists here.
      if (!place) return line;
      line = lineAt(place[1]);
      current = next;
    }
    return line;
  };
}

function skipSpace(text: string, i: number): number {
  while (i < text.length && (text[i] === ' ' || text[i] === '\n' || text[i] === '\r' || text[i] === '\t')) i++;
  return i;
}

/** The index just past the JSON value starting at `i`. */
function skipValue(text: string, i: number): number {
  const c = text[i];
  if (c === '"') {
    for (i++; i < text.length; i++) {
      if (text[i] === '\\') i++;
      else if (text[i] === '"') return i + 1;
    }
    return i;
  }
  if (c === '{' || c === '[') {
    let depth = 0;
    for (; i < text.length; i++) {
      const ch = text[i];
      if (ch === '"') i = skipValue(text, i) - 1;
      else if (ch === '{' || ch === '[') depth++;
      else if (ch === '}' || ch === ']') {
        depth--;
        if (depth === 0) return i + 1;
      }
    }
    return i;
  }
  while (i < text.length && !',}] \n\r\t'.includes(text[i] as string)) i++;
  return i;
}
