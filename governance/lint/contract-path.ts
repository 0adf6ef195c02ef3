/** What a contract's location says about it: contracts/openapi/<group>/<api>.v<major>.yaml (see contracts/README.md). */
export interface ContractPath {
  group: 'process' | 'system' | 'platform' | 'common';
  api?: string;
  major?: number;
}

// Anchored on the `contracts/openapi/<group>/` segments rather than the repo root, so fixtures laid out the same
// way anywhere (governance/fixtures/lint/…/contracts/openapi/process/orders.v1.yaml) are read the same way.
const LAYOUT = /(?:^|\/)contracts\/openapi\/(process|system|platform|common)\/([^/]+)$/;
const VERSIONED_NAME = /^([a-z][a-z0-9-]*)\.v(\d+)\.(?:ya?ml|json)$/;

export function contractPathOf(source: string | null | undefined): ContractPath | undefined {
  if (!source) return undefined;
  const m = LAYOUT.exec(source.replace(/\\/g, '/'));
  if (!m) return undefined;
  const group = m[1] as ContractPath['group'];
  const name = VERSIONED_NAME.exec(m[2] ?? '');
  return name ? { group, api: name[1], major: Number(name[2]) } : { group };
}
