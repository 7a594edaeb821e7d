import { blockHeaderBytes, blockHeaderHash, headerOfDecodedBlock } from './block-hash';

// Expected values from Go's encoding/asn1 + crypto/sha256 over Fabric's asn1Header struct.
const prev = Buffer.alloc(32, 1);
const data = Buffer.alloc(32, 2);

describe('blockHeaderHash', () => {
  it.each([
    [
      0n,
      Buffer.alloc(0),
      '30270201000400042002',
      '0a3e038c1e47233245443e7b5d6f0b9a22bbf19120874368460d2145368442e4',
    ],
    [5n, prev, '30470201050420010101', 'ec980839dd06b0659639a7aa0d03571b9a2decdaabdeb8c851cacdcf8699761c'],
    [200n, prev, '3048020200c804200101', 'bd15aedbdddae9a881433d485e99d4df8e0cebd38c042ac2d138af42f99d50cf'],
    [
      70000n,
      prev,
      '30490203011170042001',
      'f9e66b16aa76cafd9d750a1249f5c358e185f94b8c7521b1d493a0e89f0a7313',
    ],
  ])('block %s hashes as Fabric does', (number, previousHash, derStart, hash) => {
    const header = { number, previousHash, dataHash: data };
    expect(blockHeaderBytes(header).toString('hex').slice(0, 20)).toBe(derStart);
    expect(blockHeaderHash(header)).toBe(hash);
  });

  it('reads the header of a block configtxlator decoded', () => {
    const h = headerOfDecodedBlock({
      header: { number: '5', previous_hash: prev.toString('base64'), data_hash: data.toString('base64') },
      data: {},
    });
    expect(blockHeaderHash(h)).toBe('ec980839dd06b0659639a7aa0d03571b9a2decdaabdeb8c851cacdcf8699761c');
    expect(() => headerOfDecodedBlock({ data: {} })).toThrow(/no header/);
  });
});
