export { appMigrations } from './migrations';
export { createAppRegistry } from './registry';
export type {
  AppRegistry,
  AppRegistryOptions,
  ApiKeyVerification,
  ClientSecretVerification,
  CreateAppInput,
  CreatePartnerInput,
  ListAppsQuery,
  RegistryWriter,
  VerifyFailure,
} from './registry';
export { RegistryError, isRegistryError } from './errors';
export type { RegistryErrorCode } from './errors';
export { DEFAULT_PLANS, getPlan, listPlans, resolvePlans, seedPlans } from './plans';
export type { PlanOverrides } from './plans';
export { INTERNAL_SCOPES } from './scopes';
export { DEFAULT_SCRYPT_PARAMS, createScryptHasher } from './secrets';
export type { ScryptParams, SecretHasher } from './secrets';
export { ADMIN_SCOPES, CREDENTIALS_FILE, SANDBOX_SCOPES, bootstrapRegistry } from './bootstrap';
export type { BootstrapResult, Credentials } from './bootstrap';
export type * from './types';
