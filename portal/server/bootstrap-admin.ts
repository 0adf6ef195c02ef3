import { randomBytes } from 'node:crypto';
import { rm } from 'node:fs/promises';
import { join } from 'node:path';
import { writeSecretFile } from '../../gateway/apps/bootstrap';
import type { AccountStore } from './accounts';

export const PORTAL_ADMIN_FILE = 'portal-admin.json';
export const DEFAULT_ADMIN_EMAIL = 'admin@concord.local';

export interface PortalAdminCredentials {
  email: string;
  password: string;
  /** Where they were written (mode 0600). */
  file: string;
}

/**
 * First start: when no internal admin account exists, creates one with a random password and writes it to
 * `<dataDir>/portal-admin.json` (mode 0600) for the start-up banner, as the sandbox credentials are. Afterwards it
 * does nothing: the password is stored only as a hash.
 */
export async function ensurePortalAdmin({ accounts, dataDir, email = DEFAULT_ADMIN_EMAIL }: { accounts: AccountStore; dataDir: string; email?: string }): Promise<PortalAdminCredentials | undefined> {
  if (await accounts.hasAdmin()) return undefined;
  const file = join(dataDir, PORTAL_ADMIN_FILE);
  const password = randomBytes(18).toString('base64url');
  // The file first: if it cannot be written, no account exists whose password nobody knows.
  await writeSecretFile(file, `${JSON.stringify({ email, password, portal: '/portal/' }, null, 2)}\n`);
  try {
    await accounts.createAdmin({ email, password });
  } catch (err) {
    await rm(file, { force: true }).catch(() => {});
    // Another instance created the admin meanwhile: its banner shows the password.
    if (await accounts.hasAdmin()) return undefined;
    throw err;
  }
  return { email, password, file };
}
