import type { components } from '../../../generated/types/system/erp.v1';

/** erp.v1's shapes, from the generated types: the adapter never hand-writes what the contract defines. */
export type Erp = components['schemas'];
export type Money = Erp['Money'];
export type Problem = Erp['Problem'];
