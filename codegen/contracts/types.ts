import type { ContractProfile } from './profile';

export type ContractKind = 'openapi' | 'asyncapi';
export type ContractGroup = 'common' | 'process' | 'system' | 'platform' | 'events';

export interface ContractFile {
  /** Repo-relative POSIX path, e.g. `contracts/openapi/process/orders.v1.yaml`. */
  rel: string;
  abs: string;
  kind: ContractKind;
  group: ContractGroup;
  /** `orders` for `orders.v1.yaml`; undefined for common files and the event catalogue. */
  api?: string;
  version?: number;
  doc: Record<string, unknown>;
  /** SHA-256 of the file's text, for the contracts digest. */
  sha256: string;
  /** Set on the documents of a catalogue contract directory (outside the package): the rules they are held to. */
  profile?: ContractProfile;
}

/** One thing wrong with a contract, located by file and JSON pointer. */
export interface ContractProblem {
  file: string;
  pointer: string;
  message: string;
}

export class ContractLoadError extends Error {
  constructor(readonly problems: ContractProblem[]) {
    super(
      `${problems.length} contract problem${problems.length === 1 ? '' : 's'}:\n` +
        problems.map((p) => `  ${p.file}#${p.pointer}: ${p.message}`).join('\n'),
    );
    this.name = 'ContractLoadError';
  }
}

export type JsonObject = Record<string, unknown>;

export const isObject = (v: unknown): v is JsonObject => v !== null && typeof v === 'object' && !Array.isArray(v);
