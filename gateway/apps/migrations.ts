import type { Migration } from '../../platform/db/migrate';

/**
 * The app registry's tables. Timestamps are `timestamptz(3)`, the precision of a JavaScript Date, so the
 * `(created_at, id)` keyset cursors round-trip exactly whoever wrote the row. Ids use the "C" collation so the
 * tie-break order is byte order on PGlite and on every PostgreSQL, whatever its locale. Only hashes of secrets
 * and keys are stored, never the secrets themselves.
 */
export const appMigrations: readonly Migration[] = [
  {
    id: 'gateway-apps/0001_registry',
    sql: `
      CREATE TABLE concord.plans (
        name            text PRIMARY KEY,
        rate_per_second integer NOT NULL CHECK (rate_per_second >= 1),
        burst           integer NOT NULL CHECK (burst >= 1),
        description     text
      );

      CREATE TABLE concord.partners (
        id            text COLLATE "C" PRIMARY KEY,
        name          text NOT NULL,
        contact_email text NOT NULL,
        created_at    timestamptz(3) NOT NULL DEFAULT now()
      );
      CREATE INDEX partners_page ON concord.partners (created_at, id);

      CREATE TABLE concord.apps (
        client_id      text COLLATE "C" PRIMARY KEY,
        name           text NOT NULL,
        partner_id     text COLLATE "C" REFERENCES concord.partners (id),
        plan           text NOT NULL REFERENCES concord.plans (name),
        scopes         text[] NOT NULL,
        status         text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
        requested_plan text REFERENCES concord.plans (name),
        secret_hash    text NOT NULL,
        created_at     timestamptz(3) NOT NULL DEFAULT now()
      );
      CREATE INDEX apps_page ON concord.apps (created_at, client_id);
      CREATE INDEX apps_partner_page ON concord.apps (partner_id, created_at, client_id);

      CREATE TABLE concord.api_keys (
        key_id     text COLLATE "C" PRIMARY KEY,
        client_id  text COLLATE "C" NOT NULL REFERENCES concord.apps (client_id),
        prefix     text NOT NULL,
        hash       text NOT NULL,
        created_at timestamptz(3) NOT NULL DEFAULT now(),
        revoked_at timestamptz(3)
      );
      CREATE INDEX api_keys_by_app ON concord.api_keys (client_id, created_at);
    `,
  },
  {
    // Raised by a secret rotation that revokes tokens: tokens carry the generation they were issued under (ADR 0011).
    id: 'gateway-apps/0002_token_generation',
    sql: `ALTER TABLE concord.apps ADD COLUMN token_generation integer NOT NULL DEFAULT 0;`,
  },
];
