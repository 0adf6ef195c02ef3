import type { components } from '../../generated/types/platform/admin.v1';

// API-visible shapes come from the admin contract, so the registry cannot drift from what the admin API serves.
type Schemas = components['schemas'];
export type App = Schemas['App'];
export type AppStatus = Schemas['AppStatus'];
export type ApiKeySummary = Schemas['ApiKeySummary'];
export type AppCredentials = Schemas['AppCredentials'];
export type AppPage = Schemas['AppPage'];
export type CreatedApiKey = Schemas['CreatedApiKey'];
export type RotatedSecret = Schemas['RotatedSecret'];
export type Partner = Schemas['Partner'];
export type PartnerPage = Schemas['PartnerPage'];
export type Plan = Schemas['Plan'];
export type CreateAppRequest = Schemas['CreateAppRequest'];
export type CreatePartnerRequest = Schemas['CreatePartnerRequest'];
