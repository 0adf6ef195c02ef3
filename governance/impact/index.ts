export type { ConsumerImpact, ImpactProblem, ImpactReport, InteractionImpact } from './types';
export { checkConsumerImpact, checkPacts } from './check';
export { MAX_PACT_BYTES, PactFileError, listPactFiles, parsePact, readPactFile } from './pact-file';
export type { PactModel } from './pact-file';
