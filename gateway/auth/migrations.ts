import type { Migration } from '../../platform/db/migrate';

/**
 * The signing keys of the token issuer. The private JWK is only ever stored sealed (AES-256-GCM, see
 * key-encryption.ts); `not_after` is when a retiring key stops being published and accepted.
 */
export const authMigrations: readonly Migration[] = [
  {
    id: 'gateway-auth/0001_signing_keys',
    sql: `CREATE TABLE concord.signing_keys (
            kid text PRIMARY KEY,
            alg text NOT NULL CHECK (alg = 'ES256'),
            public_jwk jsonb NOT NULL,
            private_jwk_encrypted text NOT NULL,
            status text NOT NULL CHECK (status IN ('active', 'retiring')),
            created_at timestamptz NOT NULL,
            retiring_since timestamptz,
            not_after timestamptz,
            -- An active key has no end; a retiring one always has one, or it would be published forever.
            CHECK ((status = 'active') = (retiring_since IS NULL AND not_after IS NULL))
          );
          -- At most one active key, even when two instances race to create or rotate one.
          CREATE UNIQUE INDEX signing_keys_one_active ON concord.signing_keys (status) WHERE status = 'active';`,
  },
];
