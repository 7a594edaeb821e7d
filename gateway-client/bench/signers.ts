/**
 * Signer benchmark: node:crypto (OpenSSL) signer vs the upstream default
 * signer (`signers.newPrivateKeySigner`, @noble/curves). Prints one JSON
 * object. Both sides include hashing the message, as in real use (upstream
 * pairs its signer with hash.sha256; ours hashes inside sign()).
 *
 * Run: npx tsx gateway-client/bench/signers.ts [--seconds 2] [--size 2048]
 */
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { hash, signers, type Signer } from '@hyperledger/fabric-gateway';
import { newNodeSigner } from '../src/signing';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const v = i >= 0 ? Number(process.argv[i + 1]) : NaN;
  return Number.isFinite(v) && v > 0 ? v : fallback;
}

async function measure(
  sign: (m: Uint8Array) => Promise<Uint8Array>,
  messages: Uint8Array[],
  seconds: number,
) {
  // Warm up JIT and OpenSSL contexts before timing.
  for (let i = 0; i < 50; i++) await sign(messages[i % messages.length] as Uint8Array);
  const deadline = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  const start = process.hrtime.bigint();
  let count = 0;
  while (process.hrtime.bigint() < deadline) {
    await sign(messages[count % messages.length] as Uint8Array);
    count++;
  }
  const elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  return { signatures: count, seconds: Number(elapsed.toFixed(3)), perSecond: Math.round(count / elapsed) };
}

async function main(): Promise<void> {
  const seconds = arg('seconds', 2);
  const size = arg('size', 2048); // a typical proposal/envelope is a few KB
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const messages = Array.from({ length: 64 }, () => randomBytes(size));

  const node = newNodeSigner(privateKey);
  const upstreamSigner: Signer = signers.newPrivateKeySigner(privateKey);
  const upstream = (m: Uint8Array) => upstreamSigner(hash.sha256(m));

  const nodeResult = await measure(node.signer, messages, seconds);
  const upstreamResult = await measure(upstream, messages, seconds);
  const ratio = Number((nodeResult.perSecond / upstreamResult.perSecond).toFixed(2));
  process.stdout.write(
    JSON.stringify(
      {
        benchmark: 'signers',
        curve: 'P-256',
        messageBytes: size,
        node: process.version,
        nodeCryptoSigner: nodeResult,
        upstreamDefaultSigner: upstreamResult,
        ratio,
        target: 10,
        meetsTarget: ratio >= 10,
      },
      null,
      2,
    ) + '\n',
  );
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
