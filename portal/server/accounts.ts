import type { Database, Queryable } from '../../platform/db/database';
import { newId } from '../../platform/ids';
import type { AppRegistry, SecretHasher } from '../../gateway/apps';
import { createScryptHasher } from '../../gateway/apps';

export type Role = 'partner' | 'admin';

export interface PortalUser {
  id: string;
  email: string;
  role: Role;
  partner: { id: string; name: string };
}

/** Why sign-up or admin creation was refused; the service maps these to problems. */
export class AccountError extends Error {
  constructor(
    readonly code: 'email-taken',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Password-grade scrypt (N=2^15, 32 MB): unlike client secrets, passwords are chosen by people and guessable, so
 * each guess against a stolen table must be dear. Verification runs on libuv's pool, not the event loop.
 */
export const PASSWORD_SCRYPT = Object.freeze({ N: 32_768, r: 8, p: 1 });

/** The organisation internal admins belong to. It is a partner row only because every account needs one. */
export const INTERNAL_ORG = { id: 'prt_internal', name: 'Concord (internal)', contactEmail: 'platform@concord.dev' } as const;

export interface AccountStore {
  /** Creates the organisation (a partner) and its first account. */
  signUp(input: { email: string; password: string; organisation: string }): Promise<PortalUser>;
  /** Creates an internal admin account in the internal organisation. */
  createAdmin(input: { email: string; password: string }): Promise<PortalUser>;
  /** The user when the password matches; undefined for an unknown email or a wrong password alike. */
  authenticate(email: string, password: string): Promise<PortalUser | undefined>;
  get(userId: string): Promise<PortalUser | undefined>;
  hasAdmin(): Promise<boolean>;
}

/** Emails compare case-insensitively; the stored form is the trimmed, lower-cased one. */
export const normaliseEmail = (email: string): string => email.trim().toLowerCase();

// A real hash of a throwaway password: an unknown email still costs one scrypt verification, so response time does
// not tell which emails have accounts.
let decoyHash: Promise<string> | undefined;

interface UserRow {
  id: string;
  email: string;
  role: Role;
  password_hash: string;
  partner_id: string;
  partner_name: string;
}

const SELECT_USER = `SELECT u.id, u.email, u.role, u.password_hash, u.partner_id, p.name AS partner_name
                       FROM concord.portal_users u JOIN concord.partners p ON p.id = u.partner_id`;

const toUser = (r: UserRow): PortalUser => ({ id: r.id, email: r.email, role: r.role, partner: { id: r.partner_id, name: r.partner_name } });

export function createAccountStore({ db, registry, hasher = createScryptHasher(PASSWORD_SCRYPT) }: { db: Database; registry: AppRegistry; hasher?: SecretHasher }): AccountStore {
  const insertUser = async (tx: Queryable, email: string, passwordHash: string, role: Role, partnerId: string): Promise<string> => {
    const id = newId('usr');
    const inserted = await tx.query(
      `INSERT INTO concord.portal_users (id, email, password_hash, role, partner_id) VALUES ($1, $2, $3, $4, $5)
       ON CONFLICT (email) DO NOTHING RETURNING id`,
      [id, email, passwordHash, role, partnerId],
    );
    if (inserted.rows.length === 0) throw new AccountError('email-taken', 'An account with this email exists already.');
    return id;
  };
  const byEmail = async (email: string) => (await db.query<UserRow>(`${SELECT_USER} WHERE u.email = $1`, [email])).rows[0];
  const emailTaken = async (email: string) => {
    if (await byEmail(email)) throw new AccountError('email-taken', 'An account with this email exists already.');
  };

  const store: AccountStore = {
    async signUp({ email, password, organisation }) {
      const normalised = normaliseEmail(email);
      // Checked first so a taken email does not leave an organisation without accounts behind; the unique index
      // still decides a race, and then the organisation is the only thing left over.
      await emailTaken(normalised);
      const passwordHash = await hasher.hash(password);
      const partner = await registry.createPartner({ name: organisation.trim(), contactEmail: normalised });
      const id = await insertUser(db, normalised, passwordHash, 'partner', partner.id);
      return { id, email: normalised, role: 'partner', partner: { id: partner.id, name: partner.name } };
    },
    async createAdmin({ email, password }) {
      const normalised = normaliseEmail(email);
      await emailTaken(normalised);
      const passwordHash = await hasher.hash(password);
      if (!(await registry.getPartner(INTERNAL_ORG.id))) {
        await registry.createPartner({ id: INTERNAL_ORG.id, name: INTERNAL_ORG.name, contactEmail: INTERNAL_ORG.contactEmail }).catch(async (err) => {
          // Another instance created it in the meantime.
          if (!(await registry.getPartner(INTERNAL_ORG.id))) throw err;
        });
      }
      const id = await insertUser(db, normalised, passwordHash, 'admin', INTERNAL_ORG.id);
      return { id, email: normalised, role: 'admin', partner: { id: INTERNAL_ORG.id, name: INTERNAL_ORG.name } };
    },
    async authenticate(email, password) {
      const row = await byEmail(normaliseEmail(email));
      if (!row) {
        decoyHash ??= hasher.hash('decoy password that matches nothing');
        await hasher.verify(password, await decoyHash);
        return undefined;
      }
      return (await hasher.verify(password, row.password_hash)) ? toUser(row) : undefined;
    },
    async get(userId) {
      const row = (await db.query<UserRow>(`${SELECT_USER} WHERE u.id = $1`, [userId])).rows[0];
      return row && toUser(row);
    },
    async hasAdmin() {
      return (await db.query(`SELECT 1 FROM concord.portal_users WHERE role = 'admin' LIMIT 1`)).rows.length > 0;
    },
  };
  return store;
}
