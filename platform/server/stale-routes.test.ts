import { staleRoutesMessage } from './stale-routes';

describe('the message when contracts and generated routes differ', () => {
  it('advises regenerating for the package’s own contracts', () => {
    expect(staleRoutesMessage('/opt/concord/', '/opt/concord')).toBe('generated/ does not match contracts/: run `npm run generate` (the gateway would serve stale routes)');
  });

  it('says the served routes are the package’s own for contracts elsewhere (start --root)', () => {
    const msg = staleRoutesMessage('/tmp/mine', '/opt/concord');
    expect(msg).toContain('serves the routes generated in its own package (/opt/concord/generated)');
    expect(msg).not.toContain('npm run generate');
  });
});
