import { generateKeyPairSync, sign as rawSign, verify } from 'node:crypto';
import { hash } from '@hyperledger/fabric-gateway';
import { decodeDerSignature, newNodeSigner, P256_HALF_ORDER } from './signing';

describe('newNodeSigner', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });

  it('produces DER signatures over the full message that node:crypto verifies, all low-S', async () => {
    const { signer, hash: signerHash } = newNodeSigner(privateKey);
    expect(signerHash).toBe(hash.none);
    let rawHighS = 0;
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`message ${i}`);
      const signature = await signer(message);
      expect(verify('sha256', message, publicKey, signature)).toBe(true);
      expect(decodeDerSignature(signature).s <= P256_HALF_ORDER).toBe(true);
      // Raw OpenSSL output is high-S about half the time: proves the normalisation is exercised.
      const raw = rawSign('sha256', message, privateKey);
      if (decodeDerSignature(raw).s > P256_HALF_ORDER) rawHighS++;
    }
    expect(rawHighS).toBeGreaterThan(0);
  });

  it('accepts a PEM private key', async () => {
    const pem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    const { signer } = newNodeSigner(pem);
    const message = Buffer.from('pem');
    expect(verify('sha256', message, publicKey, await signer(message))).toBe(true);
  });

  it('signs with P-384 keys using SHA-384', async () => {
    const pair = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    const { signer } = newNodeSigner(pair.privateKey);
    const message = Buffer.from('p384');
    expect(verify('sha384', message, pair.publicKey, await signer(message))).toBe(true);
  });

  it('rejects non-EC keys', () => {
    const ed = generateKeyPairSync('ed25519');
    expect(() => newNodeSigner(ed.privateKey)).toThrow(/EC private key/);
  });
});
