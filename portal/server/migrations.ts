import type { Migration } from '../../platform/db/migrate';

/**
 * Developer accounts and their sessions. Passwords are stored as scrypt hashes; a session is stored as the SHA-256
 * of its cookie token, so a leaked table cannot be replayed as cookies.
 */
export const portalMigrations: readonly Migration[] = [
  {
    id: 'portal/0001_accounts',
    sql: `
      CREATE TABLE concord.portal_users (
        id            text COLLATE "C" PRIMARY KEY,
        email         text NOT NULL UNIQUE,
        password_hash text NOT NULL,
        role          text NOT NULL CHECK (role IN ('partner', 'admin')),
        partner_id    text NOT NULL REFERENCES concord.partners (id),
        created_at    timestamptz(3) NOT NULL DEFAULT now()
      );

      CREATE TABLE concord.portal_sessions (
        token_hash  text COLLATE "C" PRIMARY KEY,
        user_id     text NOT NULL REFERENCES concord.portal_users (id) ON DELETE CASCADE,
        csrf_token  text NOT NULL,
        created_at  timestamptz(3) NOT NULL DEFAULT now(),
        expires_at  timestamptz(3) NOT NULL
      );
      CREATE INDEX portal_sessions_expiry ON concord.portal_sessions (expires_at);
    `,
  },
];
