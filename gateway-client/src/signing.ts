/**
 * Transaction signing with node:crypto (OpenSSL).
 *
 * Why not the upstream default signer: `signers.newPrivateKeySigner` signs
 * with @noble/curves, pure JavaScript, roughly an order of magnitude slower
 * than OpenSSL (see bench/signers.ts). At hundreds of transactions per second
 * every transaction signs a proposal, an envelope and a commit-status
 * request, so the signer sits on the hot path.
 *
 * node:crypto cannot sign a pre-computed digest for ECDSA, so the signer is
 * paired with `hash.none` and hashes the message itself (`sign('sha256', …)`).
 * Use {@link newNodeSigner}'s `hash` together with its `signer`.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { hash as fabricHash, type Hash, type Signer } from '@hyperledger/fabric-gateway';

/** Order n of the NIST P-256 group. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');
const P256_HALF_N = P256_N >> 1n;
/** Order n of the NIST P-384 group. */
const P384_N = BigInt(
  '0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973',
);

/** A signer plus the hash it must be combined with in `connect()`. */
export interface NodeSigner {
  /** Signs a full message (not a digest), returning a DER, low-S signature. */
  readonly signer: Signer;
  /** Always `hash.none`: the signer hashes the message itself. */
  readonly hash: Hash;
}

/**
 * Creates a node:crypto ECDSA signer with low-S normalisation.
 *
 * Fabric rejects ECDSA signatures whose s is above n/2 (malleability
 * protection), and OpenSSL does not normalise, so about half of raw OpenSSL
 * signatures would be refused without the fix-up.
 *
 * @param privateKey - PEM string or KeyObject holding a P-256 or P-384 key.
 */
export function newNodeSigner(privateKey: string | KeyObject): NodeSigner {
  const key = typeof privateKey === 'string' ? createPrivateKey(privateKey) : privateKey;
  if (key.type !== 'private' || key.asymmetricKeyType !== 'ec') {
    throw new Error(
      `unsupported key: expected an EC private key, got ${key.type} ${String(key.asymmetricKeyType)}`,
    );
  }
  const curve = key.asymmetricKeyDetails?.namedCurve;
  const { digest, n, size } =
    curve === 'prime256v1' || curve === 'P-256'
      ? { digest: 'sha256', n: P256_N, size: 32 }
      : curve === 'secp384r1' || curve === 'P-384'
        ? { digest: 'sha384', n: P384_N, size: 48 }
        : (() => {
            throw new Error(`unsupported curve ${String(curve)}: expected P-256 or P-384`);
          })();
  const halfN = bigIntToBytes(n >> 1n, size);
  const signer: Signer = (message: Uint8Array) => {
    // ieee-p1363 gives fixed-width r||s: cheap to normalise and re-encode
    // without parsing DER. Comparing bytes avoids bigint work for the half
    // of signatures that are already low-S.
    const raw = sign(digest, message, { key, dsaEncoding: 'ieee-p1363' });
    const r: Buffer = raw.subarray(0, size);
    let sBytes: Buffer = raw.subarray(size);
    if (Buffer.compare(sBytes, halfN) > 0) sBytes = bigIntToBytes(n - bytesToBigInt(sBytes), size);
    return Promise.resolve(encodeDer(r, sBytes));
  };
  return { signer, hash: fabricHash.none };
}

function bigIntToBytes(value: bigint, size: number): Buffer {
  return Buffer.from(value.toString(16).padStart(size * 2, '0'), 'hex');
}

/** DER INTEGER from unsigned big-endian bytes: minimal length, positive. */
function derIntegerBytes(bytes: Buffer): Buffer {
  let i = 0;
  while (i < bytes.length - 1 && bytes[i] === 0) i++;
  const body = bytes.subarray(i);
  const pad = (body[0] ?? 0) & 0x80 ? 1 : 0;
  const out = Buffer.allocUnsafe(2 + pad + body.length);
  out[0] = 0x02;
  out[1] = pad + body.length;
  if (pad) out[2] = 0;
  body.copy(out, 2 + pad);
  return out;
}

function encodeDer(r: Buffer, s: Buffer): Uint8Array {
  const ri = derIntegerBytes(r);
  const si = derIntegerBytes(s);
  // P-256 and P-384 signature bodies are under 128 bytes: short-form length.
  return Buffer.concat([Buffer.from([0x30, ri.length + si.length]), ri, si]);
}

function bytesToBigInt(bytes: Uint8Array): bigint {
  return BigInt('0x' + (Buffer.from(bytes).toString('hex') || '0'));
}

/** Parses a DER ECDSA signature into r and s (used by tests and callers verifying low-S). */
export function decodeDerSignature(der: Uint8Array): { r: bigint; s: bigint } {
  const buf = Buffer.from(der);
  if (buf[0] !== 0x30) throw new Error('not a DER sequence');
  let offset = 2;
  const read = (): bigint => {
    if (buf[offset] !== 0x02) throw new Error('not a DER integer');
    const len = buf[offset + 1] ?? 0;
    const value = bytesToBigInt(buf.subarray(offset + 2, offset + 2 + len));
    offset += 2 + len;
    return value;
  };
  const r = read();
  const s = read();
  return { r, s };
}

/** Half the P-256 group order: a low-S signature has s <= this. */
export const P256_HALF_ORDER = P256_HALF_N;
