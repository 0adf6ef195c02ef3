export { loadContracts } from './load';
export type { ContractSet, LoadOptions } from './load';
export type { OperationModel, ParameterModel, ResponseModel, SchemaSource } from './operations';
export type { EventModel } from './events';
export type { ContractFile, ContractProblem } from './types';
export { ContractLoadError } from './types';
