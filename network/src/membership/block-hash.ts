/**
 * The hash Fabric chains blocks with: SHA-256 of the block header's ASN.1 DER encoding
 * `SEQUENCE { INTEGER number, OCTET STRING previousHash, OCTET STRING dataHash }` (Fabric's
 * protoutil.BlockHeaderHash). A snapshot's metadata names the hash of its last block, so comparing
 * it with the channel's own block of that number tells whether the snapshot is of this chain.
 */
import { createHash } from 'node:crypto';

/** A block header as `configtxlator proto_decode --type common.Block` prints it (base64 hashes). */
export interface BlockHeader {
  number: bigint;
  previousHash: Buffer;
  dataHash: Buffer;
}

function derLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n]);
  const bytes: number[] = [];
  for (let v = n; v > 0; v = Math.floor(v / 256)) bytes.unshift(v % 256);
  return Buffer.from([0x80 | bytes.length, ...bytes]);
}

function derTlv(tag: number, value: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), derLength(value.length), value]);
}

/** A non-negative INTEGER: minimal big-endian bytes, with a 0x00 in front when the top bit is set. */
function derUnsigned(n: bigint): Buffer {
  if (n < 0n) throw new RangeError(`block number ${n} is negative`);
  const bytes: number[] = [];
  for (let v = n; v > 0n; v >>= 8n) bytes.unshift(Number(v & 0xffn));
  if (bytes.length === 0 || bytes[0]! & 0x80) bytes.unshift(0);
  return derTlv(0x02, Buffer.from(bytes));
}

/** The DER bytes Fabric hashes for a block header. */
export function blockHeaderBytes(h: BlockHeader): Buffer {
  return derTlv(
    0x30,
    Buffer.concat([derUnsigned(h.number), derTlv(0x04, h.previousHash), derTlv(0x04, h.dataHash)]),
  );
}

/** The block's hash (hex), as a snapshot's `last_block_hash` states it. */
export function blockHeaderHash(h: BlockHeader): string {
  return createHash('sha256').update(blockHeaderBytes(h)).digest('hex');
}

/**
 * The header of a block decoded by configtxlator (`{"header": {"number": "5", "previous_hash":
 * "<base64>", "data_hash": "<base64>"}, ...}`).
 * @throws Error when the document has no such header.
 */
export function headerOfDecodedBlock(decoded: unknown): BlockHeader {
  const header = (decoded as { header?: Record<string, unknown> } | null)?.header;
  const number = header?.number;
  if (!header || (typeof number !== 'string' && typeof number !== 'number')) {
    throw new Error('the decoded block has no header with a number');
  }
  const b64 = (v: unknown): Buffer => Buffer.from(typeof v === 'string' ? v : '', 'base64');
  return { number: BigInt(number), previousHash: b64(header.previous_hash), dataHash: b64(header.data_hash) };
}
