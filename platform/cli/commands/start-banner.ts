import type { BootstrapResult } from '../../../gateway/apps';
import type { PortalAdminCredentials } from '../../../portal/server/bootstrap-admin';

/**
 * The first start's one-time secrets as a framed block of their own, or undefined on later starts. Printed
 * last, to stderr, so that neither log lines nor the summary bury it.
 */
export function firstStartBanner(url: string, creds: BootstrapResult | undefined, portalAdmin: PortalAdminCredentials | undefined): string | undefined {
  if (!creds && !portalAdmin) return undefined;
  const lines: string[] = ['FIRST START: these secrets are shown once. Keep them.'];
  if (creds) {
    lines.push(
      '',
      `Gateway apps (also in ${creds.file}, mode 0600):`,
      `  admin    client_id ${creds.admin.client_id}  client_secret ${creds.admin.client_secret}  api_key ${creds.admin.api_key}`,
      `  sandbox  client_id ${creds.sandbox.client_id}  client_secret ${creds.sandbox.client_secret}  api_key ${creds.sandbox.api_key}  partner ${creds.sandbox.partner_id}`,
      `  token:   curl -s ${url}/oauth/token -d grant_type=client_credentials -d client_id=${creds.sandbox.client_id} -d client_secret=…`,
    );
  }
  if (portalAdmin) {
    lines.push('', `Developer portal admin (also in ${portalAdmin.file}, mode 0600):`, `  email ${portalAdmin.email}  password ${portalAdmin.password}`);
  }
  const rule = '='.repeat(78);
  return `\n${rule}\n${lines.join('\n')}\n${rule}\n\n`;
}
