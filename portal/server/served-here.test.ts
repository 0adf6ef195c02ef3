import { servedHere } from '../web/src/lib/served-here';

// The reference docs show the instance's own base URL, not the contracts' default `http://127.0.0.1:8080`.
describe('the reference docs’ server', () => {
  it('is the origin the portal was loaded from, whatever the contract says', () => {
    const contract = { openapi: '3.1.0', info: { title: 'Orders', version: '2.0.0' }, servers: [{ url: 'http://127.0.0.1:8080' }], paths: {} };
    expect(servedHere(contract, 'https://api.example.com:9443')).toEqual({ ...contract, servers: [{ url: 'https://api.example.com:9443', description: 'This Concord' }] });
    expect(contract.servers).toEqual([{ url: 'http://127.0.0.1:8080' }]);
  });
});
