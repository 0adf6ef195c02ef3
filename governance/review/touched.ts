import { isDeepStrictEqual } from 'node:util';
import { joinPointer } from '../../codegen/contracts/json-pointer';
import { isObject } from '../../codegen/contracts/types';

/** The pointers where two versions of a document differ, as deep as the difference goes. */
export function changedPointers(base: unknown, head: unknown, pointer = ''): string[] {
  if (isDeepStrictEqual(base, head)) return [];
  if (isObject(base) && isObject(head)) {
    const keys = new Set([...Object.keys(base), ...Object.keys(head)]);
    return [...keys].flatMap((k) => changedPointers(base[k], head[k], joinPointer(pointer, k)));
  }
  if (Array.isArray(base) && Array.isArray(head) && base.length === head.length) {
    return base.flatMap((v, i) => changedPointers(v, head[i], joinPointer(pointer, i)));
  }
  return [pointer];
}

/**
 * A finding is on a part the change touched when it sits inside a changed value, or a changed value sits
 * inside it (a new property makes its schema's finding relevant). The document root only counts when the
 * root itself changed, or every file-level finding would always count.
 */
export function isTouched(pointer: string, changed: readonly string[]): boolean {
  return changed.some((c) => c === '' || c === pointer || (pointer !== '' && (c.startsWith(`${pointer}/`) || pointer.startsWith(`${c}/`))));
}
