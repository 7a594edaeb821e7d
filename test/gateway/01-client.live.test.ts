/**
 * Issue 6, live: the gateway client against the shared native network.
 *
 * 1. The peers accept transactions signed by the client's default signer, node:crypto (OpenSSL)
 *    with low-S normalisation: the committed envelope's signature is one node:crypto made.
 * 2. 500 concurrent payments through the pool commit once each; balances add up exactly.
 * 3. A peer of the pool is SIGKILLed while payments run: every payment still commits exactly once
 *    (the client fails over); the peer is restarted and catches up.
 *
 * Every payment call is recorded in a history (support/history.ts) that is checked against the
 * ledger after each run: a payment the client misreported (committed but reported failed, reported
 * committed but lost, applied twice) fails the suite.
 *
 * Payments are conflict-free by construction: every payer has its own funded account (funded in
 * log2(n) rounds of fan-out payments, see fundAccounts) and credits to merchants are blind writes.
 */
import { X509Certificate, verify as verifySignature } from 'node:crypto';
import { common, msp, peer as peerProto } from '@hyperledger/fabric-protos';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { NodeSpec } from '@fabpay/network';
import { History, ledgerView, paymentKey } from '../support/history';
import { liveNetwork } from '../support/live-network';
import {
  balancesOf,
  closeParties,
  committedEverywhere,
  describeError,
  expectHistory,
  fundAccounts,
  healNetwork,
  holdings,
  holdingsOf,
  kill,
  lastOutcomeBlock,
  mapLimit,
  openAccounts,
  openParty,
  restart,
  runId,
  sameHeightEverywhere,
  startPayments,
  sum,
  type Party,
  type PaymentOutcome,
  type PaymentSpec,
} from '../support/payments-kit';

// node:crypto itself (not an import-star copy), so a spy sees the signer's calls.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const nodeCrypto = require('node:crypto') as typeof import('node:crypto');

const CURRENCY = 'USD';
const PAYERS = 500;
const MERCHANTS = 5;
const FUNDING = 1_000n;
/** Payment amounts differ per payer so that a payment applied to the wrong account would show. */
const firstAmount = (i: number): bigint => 100n + BigInt(i % 7);
const secondAmount = (i: number): bigint => 200n + BigInt(i % 11);
const KILL_RUN = 300;

/** Payments not reported committed, with what their callers were told (failed or unknown). */
const notCommitted = (outcomes: readonly PaymentOutcome[]): string[] =>
  outcomes.flatMap((o) =>
    o.status === 'committed' ? [] : [`${o.spec.paymentId}: ${o.status} ${describeError(o.error)}`],
  );

/** P-256 group order: a low-S signature has s <= n/2. */
const P256_N = BigInt('0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551');

/** r and s of a DER ECDSA signature. */
function derSignature(der: Uint8Array): { r: bigint; s: bigint } {
  const buf = Buffer.from(der);
  expect(buf[0]).toBe(0x30);
  let offset = 2;
  const int = (): bigint => {
    expect(buf[offset]).toBe(0x02);
    const len = buf[offset + 1]!;
    const v = BigInt('0x' + buf.subarray(offset + 2, offset + 2 + len).toString('hex'));
    offset += 2 + len;
    return v;
  };
  return { r: int(), s: int() };
}

describe('gateway client on the live network', () => {
  const ctx = liveNetwork();
  const run = runId('g');
  const payers = Array.from({ length: PAYERS }, (_, i) => `${run}-p${i}`);
  const merchants = Array.from({ length: MERCHANTS }, (_, i) => `${run}-m${i}`);
  let alice: Party | undefined; // Org1, issuer
  let bob: Party | undefined; // Org1, owns the payer accounts and pays
  let dave: Party | undefined; // Org2, owns the merchant accounts
  let issued = 0n;
  let supplyBefore = 0n;
  const firstOutcomes: PaymentOutcome[] = [];
  /** Every payment call of the suite, as its caller saw it. */
  const history = new History();
  /** Holdings of every payer and merchant once funded, before the first payment of the history. */
  let holdingsBefore: Map<string, bigint> | undefined;
  const expectHistoryHolds = (reader: Party, label: string) => {
    if (!holdingsBefore) throw new Error('no balances before the run (the funding step failed)');
    return expectHistory(ctx, reader, history, holdingsBefore, `gateway history, ${label}`);
  };
  /** The ledger's record of each payment (undefined when absent), by payment key. */
  const onLedger = async (reader: Party, specs: readonly PaymentSpec[]) => {
    const view = ledgerView(reader.payments);
    const found = await mapLimit(specs, 200, (s) => view.getPayment(s.from, s.paymentId));
    return new Map(specs.map((s, i) => [paymentKey(s), found[i]]));
  };
  /** Later steps may be endorsed or evaluated on any peer: wait until all have the block. */
  const everywhere = (block: bigint) => committedEverywhere(ctx, block);
  const need = (p: Party | undefined): Party => {
    if (!p) throw new Error('client not opened (beforeAll failed)');
    return p;
  };

  beforeAll(async () => {
    alice = await openParty(ctx, 'Org1', 'alice');
    bob = await openParty(ctx, 'Org1', 'bob');
    dave = await openParty(ctx, 'Org2', 'dave');
    supplyBefore = BigInt((await alice.payments.getSupply(CURRENCY)).outstanding);
  }, 60_000);

  afterAll(async () => {
    await closeParties(alice, bob, dave);
    // Later suites share the network: whatever happened here, leave every node running and in step.
    await healNetwork(ctx);
  }, 180_000);

  it('has the peers accept transactions signed with node:crypto (low-S), the default signer', async () => {
    const p = need(bob);
    const sign = jest.spyOn(nodeCrypto, 'sign');
    let transactionId: string;
    let results: unknown[];
    try {
      const opened = await p.payments.openAccount(payers[0]!, CURRENCY);
      transactionId = opened.transactionId;
      await everywhere(opened.blockNumber);
      expect(opened.value).toMatchObject({ accountId: payers[0], currency: CURRENCY, status: 'active' });
    } finally {
      // mockRestore clears the recorded calls: keep them first.
      results = sign.mock.results.map((r) => r.value as unknown);
      sign.mockRestore();
    }
    // The proposal, the envelope and the commit-status request were each signed by node:crypto
    // (P-256 ieee-p1363 output: r || s, 64 bytes).
    const rawSignatures = results.filter((v): v is Buffer => Buffer.isBuffer(v) && v.length === 64);
    expect(rawSignatures.length).toBeGreaterThanOrEqual(3);

    // The committed transaction, as the peer stored it (qscc), is valid and carries one of them.
    const bytes = await p.client.evaluate({
      chaincode: 'qscc',
      transaction: 'GetTransactionByID',
      args: [ctx.topology.channel.name, transactionId],
    });
    const processed = peerProto.ProcessedTransaction.deserializeBinary(bytes);
    expect(processed.getValidationcode()).toBe(peerProto.TxValidationCode.VALID);
    const envelope = processed.getTransactionenvelope();
    if (!envelope) throw new Error(`transaction ${transactionId} has no envelope`);
    const payload = envelope.getPayload_asU8();
    const signature = envelope.getSignature_asU8();
    const header = common.Payload.deserializeBinary(payload).getHeader();
    if (!header) throw new Error('envelope payload without header');
    const channelHeader = common.ChannelHeader.deserializeBinary(header.getChannelHeader_asU8());
    expect(channelHeader.getTxId()).toBe(transactionId);
    const creator = msp.SerializedIdentity.deserializeBinary(
      common.SignatureHeader.deserializeBinary(header.getSignatureHeader_asU8()).getCreator_asU8(),
    );
    const wallet = JSON.parse(
      readFileSync(path.join(ctx.caPaths.org('Org1').walletDir, 'bob.id'), 'utf8'),
    ) as {
      credentials: { certificate: string };
    };
    expect(creator.getMspid()).toBe('Org1MSP');
    expect(Buffer.from(creator.getIdBytes_asU8()).toString('utf8')).toBe(wallet.credentials.certificate);

    const publicKey = new X509Certificate(wallet.credentials.certificate).publicKey;
    expect(verifySignature('sha256', payload, { key: publicKey, dsaEncoding: 'der' }, signature)).toBe(true);
    const { r, s } = derSignature(signature);
    expect(s <= P256_N >> 1n).toBe(true); // low-S, as Fabric requires
    // The same r as one node:crypto signature (low-S normalisation only ever changes s to n - s).
    const made = rawSignatures.map((raw) => ({
      r: BigInt('0x' + raw.subarray(0, 32).toString('hex')),
      s: BigInt('0x' + raw.subarray(32).toString('hex')),
    }));
    const source = made.find((m) => m.r === r);
    expect(source).toBeDefined();
    expect(source!.s === s || P256_N - source!.s === s).toBe(true);
    // And the peer reports it committed for this identity.
    const status = await p.client.getTransactionStatus(transactionId);
    expect(status?.successful).toBe(true);
  }, 60_000);

  it('commits 500 concurrent payments through the pool exactly once each, and balances add up', async () => {
    const payer = need(bob);
    const merchant = need(dave);
    await openAccounts(payer, payers.slice(1), CURRENCY, everywhere);
    await openAccounts(merchant, merchants, CURRENCY, everywhere);
    const funding = await fundAccounts(need(alice), payer, payers, FUNDING, CURRENCY, run, everywhere);
    issued = funding.issued;
    holdingsBefore = await holdingsOf(payer, [...payers, ...merchants]);

    const specs: PaymentSpec[] = payers.map((from, i) => ({
      paymentId: `${run}-a${i}`,
      from,
      to: merchants[i % MERCHANTS]!,
      amount: firstAmount(i),
      currency: CURRENCY,
    }));
    const started = Date.now();
    const paymentRun = startPayments(payer, specs, 150_000, history);
    // All 500 are in the client at once; its pool (250 calls per peer) lets them all run together.
    const concurrent = payer.client.status().activeRequests;
    const outcomes = await paymentRun.outcomes;
    expect(concurrent).toBeGreaterThanOrEqual(PAYERS);
    const seconds = (Date.now() - started) / 1000;
    firstOutcomes.push(...outcomes);
    // What every caller was told holds on the ledger: nothing lost, misreported or doubled.
    await expectHistoryHolds(payer, '500 concurrent payments');
    expect(notCommitted(outcomes)).toEqual([]);
    process.stderr.write(
      `[gateway] ${outcomes.length} payments (${concurrent} requests active at once) committed in ${seconds.toFixed(1)} s (funding: ${funding.transactions} transactions)\n`,
    );

    await everywhere(lastOutcomeBlock(outcomes));
    // Every payment is on the ledger once: the record under its ID is the one the caller was told about.
    const ledger = await onLedger(payer, specs);
    for (const o of outcomes) {
      if (o.status !== 'committed') continue;
      expect(ledger.get(paymentKey(o.spec))).toEqual({ ...o.committed.value, refunded: '0' });
      expect(o.committed.value.txId).toBe(o.committed.transactionId);
    }
    expect(
      new Set(outcomes.map((o) => (o.status === 'committed' ? o.committed.transactionId : ''))).size,
    ).toBe(PAYERS);

    // Balances, exactly: each payer paid once, each merchant got exactly its payments.
    const balances = await balancesOf(payer, [...payers, ...merchants]);
    payers.forEach((id, i) =>
      expect({ id, available: balances.get(id)!.available, held: balances.get(id)!.held }).toEqual({
        id,
        available: (FUNDING - firstAmount(i)).toString(),
        held: '0',
      }),
    );
    merchants.forEach((id) => {
      const expected = sum(specs.filter((s) => s.to === id).map((s) => s.amount));
      expect({
        id,
        available: balances.get(id)!.available,
        pendingCount: balances.get(id)!.pendingCount,
      }).toEqual({
        id,
        available: expected.toString(),
        pendingCount: specs.filter((s) => s.to === id).length,
      });
    });
    expect(sum([...balances.values()].map(holdings))).toBe(issued);
    const supply = await payer.payments.getSupply(CURRENCY);
    expect(BigInt(supply.outstanding) - supplyBefore).toBe(issued);
    const line = (await payer.payments.conservationReport()).find((l) => l.currency === CURRENCY);
    expect(line).toMatchObject({ balanced: true });
    expect(BigInt(line!.total)).toBe(BigInt(line!.outstanding));
  }, 170_000);

  it('fails over when a peer of the pool is SIGKILLed mid-run: every payment commits exactly once', async () => {
    const payer = need(bob);
    expect(firstOutcomes.filter((o) => o.status === 'committed')).toHaveLength(PAYERS);
    const victim: NodeSpec = ctx.peers.find((p) => p.host === 'peer0.org1.example.com')!;
    const endpoint = (name: string) => payer.client.status().endpoints.find((e) => e.name === name)!;
    const callsBefore = endpoint(victim.host).stats.calls;

    const specs: PaymentSpec[] = payers.slice(0, KILL_RUN).map((from, i) => ({
      paymentId: `${run}-b${i}`,
      from,
      to: merchants[i % MERCHANTS]!,
      amount: secondAmount(i),
      currency: CURRENCY,
    }));
    const paymentRun = startPayments(payer, specs, 150_000, history);
    // Kill while the run is under way: some payments done, most still in flight.
    await paymentRun.committedAtLeast(20, 60_000);
    const inFlightAtKill = payer.client.status().activeRequests;
    const callsOnVictim = endpoint(victim.host).stats.calls - callsBefore;
    await kill(victim);
    const outcomes = await paymentRun.outcomes;
    // Both runs' histories hold on the ledger (the killed peer's in-flight calls included).
    await expectHistoryHolds(payer, 'peer killed mid-run');

    const victimStatus = endpoint(victim.host);
    process.stderr.write(
      `[gateway] killed ${victim.host} with ${inFlightAtKill} payments in flight (${callsOnVictim} calls had gone to it); ` +
        `its state now ${victimStatus.state}, failures ${victimStatus.stats.failures}, ejections ${victimStatus.stats.ejections}; ` +
        `${outcomes.filter((o) => o.status === 'committed').length} of ${outcomes.length} committed\n`,
    );
    expect(inFlightAtKill).toBeGreaterThan(0);
    expect(callsOnVictim).toBeGreaterThan(0); // the victim was serving this run
    expect(victimStatus.state).not.toBe('ready'); // the pool noticed the dead peer
    expect(victimStatus.stats.failures + victimStatus.stats.ejections).toBeGreaterThan(0);
    expect(notCommitted(outcomes)).toEqual([]);

    await everywhere(lastOutcomeBlock(outcomes)); // on every running peer
    // Exactly once on the ledger, and the balances show one debit per payment.
    const ledger = await onLedger(payer, specs);
    for (const o of outcomes) {
      if (o.status === 'committed')
        expect(ledger.get(paymentKey(o.spec))?.txId).toBe(o.committed.transactionId);
    }
    const balances = await balancesOf(payer, [...payers, ...merchants]);
    payers.forEach((id, i) => {
      const spent = firstAmount(i) + (i < KILL_RUN ? secondAmount(i) : 0n);
      expect({ id, available: balances.get(id)!.available }).toEqual({
        id,
        available: (FUNDING - spent).toString(),
      });
    });
    expect(sum([...balances.values()].map(holdings))).toBe(issued);
    const line = (await payer.payments.conservationReport()).find((l) => l.currency === CURRENCY);
    expect(line).toMatchObject({ balanced: true });

    // Restart the peer; it becomes healthy and reaches the same height as the others.
    await restart(ctx, victim);
    const height = await sameHeightEverywhere(ctx);
    expect(height).toBeGreaterThan(0);
  }, 175_000);
});
