import type { ContractSet, OperationModel } from '../../codegen/contracts';
import type { FindingLocation } from '../types';
import { RouteTable } from './route-match';
import { SchemaView } from './schema-view';
import { Validators } from './validators';

/** What one run shares across interactions: the contracts, the routes, and every schema compiled so far. */
export interface CheckContext {
  set: ContractSet;
  view: SchemaView;
  validators: Validators;
  routes: RouteTable;
}

export function createCheckContext(set: ContractSet): CheckContext {
  return { set, view: new SchemaView(set), validators: new Validators(set), routes: new RouteTable(set.operations) };
}

/** `GET /v2/orders/{orderId} (getOrder)`. */
export const operationLabel = (op: OperationModel): string => `${op.method.toUpperCase()} ${op.path} (${op.operationId})`;

export const operationLocation = (op: OperationModel, pointer: string = op.pointer, file: string = op.file.rel): FindingLocation => ({
  file,
  pointer,
  operation: operationLabel(op),
});
