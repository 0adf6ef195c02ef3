import { mkdir, open, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { CLIENT_ID_PATTERN, PARTNER_ID_PATTERN } from './ids';
import type { AppRegistry } from './registry';
import type { AppCredentials } from './types';

/** As `concord apps create --json` prints them. */
export interface Credentials {
  client_id: string;
  client_secret: string;
  api_key: string;
}

export interface BootstrapResult {
  /** Where they were written (mode 0600). */
  file: string;
  admin: Credentials;
  sandbox: Credentials & { partner_id: string };
}

export const CREDENTIALS_FILE = 'credentials.json';

export const ADMIN_SCOPES = ['admin', 'sandbox:admin', 'system:read', 'system:write'];
export const SANDBOX_SCOPES = ['orders:read', 'orders:write', 'returns:read', 'returns:write', 'availability:read', 'availability:write'];

// Well-known ids make the first-start apps easy to find; used only while the contract's id patterns allow them.
const fixed = (id: string, pattern: RegExp): string | undefined => (pattern.test(id) ? id : undefined);
const ADMIN_CLIENT_ID = fixed('app_admin', CLIENT_ID_PATTERN);
const SANDBOX_CLIENT_ID = fixed('app_sandbox', CLIENT_ID_PATTERN);
const SANDBOX_PARTNER_ID = fixed('prt_sandbox', PARTNER_ID_PATTERN);

const credentials = (c: AppCredentials): Credentials => ({ client_id: c.clientId, client_secret: c.clientSecret, api_key: c.apiKey });

/**
 * First start: on a registry with no apps, creates the admin app and the sandbox partner with its app, and writes
 * their credentials to `<dataDir>/credentials.json` (mode 0600) for the CLI and the start-up banner. Afterwards,
 * and whenever any app exists, it does nothing and returns undefined: the secrets cannot be shown again.
 *
 * The apps and the file succeed or fail together. The file is written inside the registry transaction, so a
 * failed write leaves the registry empty for the next start; a failed commit removes the file again. An
 * existing credentials.json is never overwritten: with an empty registry it is stale (from another database)
 * and the start fails, naming it, so that the operator decides.
 */
export async function bootstrapRegistry({ registry, dataDir }: { registry: AppRegistry; dataDir: string }): Promise<BootstrapResult | undefined> {
  const file = join(dataDir, CREDENTIALS_FILE);
  let written = false;
  try {
    return await registry.initializeIfEmpty(async (w) => {
      const admin = await w.createApp({
        name: 'Concord admin',
        plan: 'internal',
        scopes: ADMIN_SCOPES,
        ...(ADMIN_CLIENT_ID ? { clientId: ADMIN_CLIENT_ID } : {}),
      });
      const partner = await w.createPartner({
        name: 'Sandbox Partner',
        contactEmail: 'partners@example.com',
        ...(SANDBOX_PARTNER_ID ? { id: SANDBOX_PARTNER_ID } : {}),
      });
      const sandbox = await w.createApp({
        name: 'Sandbox app',
        plan: 'sandbox',
        scopes: SANDBOX_SCOPES,
        partnerId: partner.id,
        ...(SANDBOX_CLIENT_ID ? { clientId: SANDBOX_CLIENT_ID } : {}),
      });
      const result = { file, admin: credentials(admin), sandbox: { ...credentials(sandbox), partner_id: partner.id } };
      await writeSecretFile(file, `${JSON.stringify({ admin: result.admin, sandbox: result.sandbox }, null, 2)}\n`);
      written = true;
      return result;
    });
  } catch (err) {
    if (written) await rm(file, { force: true }).catch(() => {});
    throw err;
  }
}

/** Creates `file` readable by its owner only; fails rather than replace an existing one. */
export async function writeSecretFile(file: string, content: string): Promise<void> {
  await mkdir(dirname(file), { recursive: true });
  const fh = await open(file, 'wx', 0o600).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'EEXIST') throw err;
    throw new Error(`${file} exists but this database has no record of it: it belongs to another database. Move it away and start again.`);
  });
  try {
    // The creation mode is filtered by the umask; set it exactly. Synced so a crash cannot leave it empty.
    await fh.chmod(0o600);
    await fh.writeFile(content, 'utf8');
    await fh.sync();
  } finally {
    await fh.close();
  }
}
