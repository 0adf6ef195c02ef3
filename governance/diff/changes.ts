import type { Located } from '../model/document-set';
import type { SchemaPair } from './schema-diff';
import type { FindingLocation, Level } from '../types';
import { lineMapper } from '../model/line-of-pointer';
import { ruleLevel } from './rules';
import type { SeverityConfig } from './severity';

export interface DiffChange {
  id: string;
  level: Level;
  message: string;
  location: FindingLocation;
  /** The contract file this change was found by comparing (the location may be a file it references). */
  contract: string;
  /** Set when the level comes from the repository's severity file rather than the rule table: that file. */
  levelFrom?: string;
}

/** Collects changes, locating each in the file it concerns: the revision's, or the base's for what was removed. */
export class ChangeCollector {
  readonly changes: DiffChange[] = [];

  constructor(
    private readonly sets: SchemaPair,
    private readonly contract: string,
    private readonly severity?: SeverityConfig,
  ) {}

  add(id: string, message: string, at: Located, side: 'base' | 'revision', operation?: string): void {
    const set = side === 'base' ? this.sets.base : this.sets.revision;
    const file = set.files.get(at.abs);
    const location: FindingLocation = { file: file?.name ?? at.abs, pointer: at.pointer, ...(operation ? { operation } : {}) };
    if (file && file.text !== '') {
      file.lines ??= lineMapper(file.text);
      location.line = file.lines(at.pointer);
    }
    const configured = this.severity?.levels.get(id);
    this.changes.push({
      id,
      level: configured ?? ruleLevel(id),
      message,
      location,
      contract: this.contract,
      ...(configured && this.severity ? { levelFrom: this.severity.file } : {}),
    });
  }
}
