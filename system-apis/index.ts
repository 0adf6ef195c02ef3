/**
 * The sandbox system APIs: ERP, WMS and POS with their own schemas, demo data and fault injection. The gateway
 * serves them in process; process APIs reach them only through the generated clients.
 */
export { systemMigrations } from './migrations';
export { seedSandbox } from './seed';
export { createSandboxSystems, createSystemServices, serveSystems } from './services';
export type { SandboxSystems, SystemServiceOptions, SystemServices } from './services';
export type { FaultConfig, FaultController, FaultMode } from './sandbox/faults';
export type { ForwardInStoreReturn, ForwardingOutcome, InStoreReturnForward } from './pos/return-forwarding';
export { SYSTEMS } from './common/deps';
export type { SystemName } from './common/deps';
