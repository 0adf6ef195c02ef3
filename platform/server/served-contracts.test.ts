import { loadContracts } from '../../codegen/contracts';
import { contractsFingerprint } from '../../codegen/contracts/fingerprint';
import { eventCatalogue } from '../../generated/events';
import { contractsDigest, routes } from '../../generated/routes';
import { REPO_ROOT } from '../testing/temp-dir';
import { loadServedContracts } from './served-contracts';

describe('the contracts concord start serves', () => {
  it("are fingerprinted from their bytes to the digest loadContracts computes, which is generated/'s", async () => {
    const full = await loadContracts(REPO_ROOT, { validate: false });
    expect(await contractsFingerprint(REPO_ROOT)).toBe(full.digest);
    expect(full.digest).toBe(contractsDigest);
  });

  it("when they match generated/, are generated/'s operations and events with the catalogue's scopes", async () => {
    const full = await loadContracts(REPO_ROOT, { validate: false });
    const served = await loadServedContracts(REPO_ROOT);
    expect(served.digest).toBe(contractsDigest);
    expect(served.operations).toHaveLength(full.operations.length);
    expect(served.operations).toBe(routes);
    expect(served.events).toHaveLength(Object.keys(eventCatalogue).length);
    expect([...served.scopes].sort()).toEqual([...full.scopes].sort());
  });
});
