export { authMigrations } from './migrations';
export { loadOrCreateMasterKey, MASTER_KEY_BYTES, MASTER_KEY_FILE } from './master-key';
export { createSigningKeyStore, SIGNING_ALG } from './signing-keys';
export type {
  ActiveSigningKey,
  PublicJwk,
  SigningKeyInfo,
  SigningKeySource,
  SigningKeyStore,
  SigningKeyStoreOptions,
  VerificationKeySource,
} from './signing-keys';
export { createTokenIssuer } from './tokens';
export type { IssuedToken, IssueRequest, TokenIssuer, TokenIssuerOptions } from './tokens';
export { createTokenVerifier } from './verify';
export type { TokenVerifier, TokenVerifierOptions, TrustedIssuer, VerifiedToken, VerifierStats } from './verify';
export { IssuerKeysUnavailable, TokenRejected } from './token-rejected';
export type { RejectionReason } from './token-rejected';
