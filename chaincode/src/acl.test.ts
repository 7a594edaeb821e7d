import './testing/quiet';
import { ClientIdentity } from 'fabric-shim';
import { isAdminFor, resolveCaller, ownerOf } from './acl';
import { identity } from './testing/identities';

async function callerFor(spec: Parameters<typeof identity>[0]) {
  const who = await identity(spec);
  // fabric-shim's own ClientIdentity over a real certificate, as in a peer.
  const ci = new ClientIdentity({
    getChannelID: () => 'ch',
    getTxID: () => 'tx',
    getCreator: () => ({ mspid: who.mspid, idBytes: who.idBytes }),
  } as never);
  return { who, caller: resolveCaller(ci) };
}

describe('caller resolution', () => {
  test('owner is MSP ID + getID(); role from payments.role; not an admin', async () => {
    const { who, caller } = await callerFor({
      mspId: 'Org1MSP',
      cn: 'acl-issuer',
      attrs: { 'payments.role': 'issuer' },
    });
    expect(caller.owner).toBe(who.owner);
    expect(caller.owner).toBe(ownerOf('Org1MSP', caller.id));
    expect(caller.role).toBe('issuer');
    expect(caller.admin).toBe(false);
  });

  test('NodeOU admin in the subject makes an org admin, for its own MSP only', async () => {
    const { caller } = await callerFor({ mspId: 'Org1MSP', cn: 'acl-admin', ou: 'admin' });
    expect(caller.admin).toBe(true);
    expect(isAdminFor(caller, 'Org1MSP::x509::/CN=u')).toBe(true);
    expect(isAdminFor(caller, 'Org2MSP::x509::/CN=u')).toBe(false);
  });

  test('a CN that imitates an OU in the ID string is not an admin', async () => {
    const { caller } = await callerFor({ mspId: 'Org1MSP', cn: 'x/y/OU=admin' });
    expect(caller.id).toContain('OU=admin');
    expect(caller.admin).toBe(false);
  });

  test('unknown role values give no role', async () => {
    const { caller } = await callerFor({
      mspId: 'Org1MSP',
      cn: 'acl-other',
      attrs: { 'payments.role': 'superuser' },
    });
    expect(caller.role).toBe('');
  });
});
