import type { Located } from '../model/document-set';
import type { SchemaPair } from './schema-diff';
import type { FindingLocation, Level } from '../types';
import { lineMapper } from '../model/line-of-pointer';
import { ruleLevel } from './rules';

export interface DiffChange {
  id: string;
  level: Level;
  message: string;
  location: FindingLocation;
  /** The contract file this change was found by comparing (the location may be a file it references). */
  contract: string;
}

/** Collects changes, locating each in the file it concerns: the revision's, or the base's for what was removed. */
export class ChangeCollector {
  readonly changes: DiffChange[] = [];

  constructor(
    private readonly sets: SchemaPair,
    private readonly contract: string,
  ) {}

  add(id: string, message: string, at: Located, side: 'base' | 'revision', operation?: string): void {
    const set = side === 'base' ? this.sets.base : this.sets.revision;
    const file = set.files.get(at.abs);
    const location: FindingLocation = { file: file?.name ?? at.abs, pointer: at.pointer, ...(operation ? { operation } : {}) };
    if (file && file.text !== '') {
      file.lines ??= lineMapper(file.text);
      location.line = file.lines(at.pointer);
    }
    this.changes.push({ id, level: ruleLevel(id), message, location, contract: this.contract });
  }
}
