export type { DiffChange } from './changes';
export { diffFiles, policyOf } from './diff-files';
export type { DiffOptions, DiffResult } from './diff-files';
export { isBreaking } from './diff-documents';
export { RULES } from './rules';
export type { RuleDefinition } from './rules';
export { diffTrees } from './diff-trees';
export type { TreeDiff } from './diff-trees';
