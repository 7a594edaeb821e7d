import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { IdentityStoreError, listIdentities, loadIdentity } from './identity-store';
import { TEST_CERT, TEST_KEY } from './testing/fixtures';

describe('identity store', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fabpay-ids-'));
  });
  afterEach(async () => {
    await fs.rm(dir, { recursive: true, force: true });
  });

  const write = async (label: string, body: unknown, mode = 0o600) => {
    const file = path.join(dir, `${label}.id`);
    await fs.writeFile(file, JSON.stringify(body), { mode });
    await fs.chmod(file, mode);
  };
  const valid = {
    version: 1,
    type: 'X.509',
    mspId: 'Org1MSP',
    credentials: { certificate: TEST_CERT, privateKey: TEST_KEY },
  };

  it('loads a wallet-format identity and lists labels', async () => {
    await write('user1', valid);
    await write('admin', valid);
    await fs.writeFile(path.join(dir, 'notes.txt'), 'x');
    expect(await listIdentities(dir)).toEqual(['admin', 'user1']);
    const id = await loadIdentity(dir, 'user1');
    expect(id).toMatchObject({ label: 'user1', mspId: 'Org1MSP', certificate: TEST_CERT });
  });

  it('refuses group/world-readable files unless allowed', async () => {
    await write('loose', valid, 0o644);
    await expect(loadIdentity(dir, 'loose')).rejects.toThrow(/mode 644/);
    await expect(loadIdentity(dir, 'loose', { allowInsecurePermissions: true })).resolves.toMatchObject({
      mspId: 'Org1MSP',
    });
  });

  it('rejects missing, malformed and mismatched identities with IdentityStoreError', async () => {
    await expect(loadIdentity(dir, 'nobody')).rejects.toThrow(/no such identity/);
    await write('bad', { ...valid, type: 'HSM-X.509' });
    await expect(loadIdentity(dir, 'bad')).rejects.toBeInstanceOf(IdentityStoreError);
    const other = generateKeyPairSync('ec', { namedCurve: 'P-256' })
      .privateKey.export({ type: 'pkcs8', format: 'pem' })
      .toString();
    await write('mismatch', { ...valid, credentials: { certificate: TEST_CERT, privateKey: other } });
    await expect(loadIdentity(dir, 'mismatch')).rejects.toThrow(/does not match/);
    await expect(loadIdentity(dir, '../etc/passwd')).rejects.toThrow(/invalid identity label/);
  });
});
