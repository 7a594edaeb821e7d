/**
 * Issue 11 item 6, live: a chaincode event stream without a checkpoint keeps no gap and no
 * duplicate when its only peer is SIGKILLed and restarted.
 *
 * The stream's client has one peer in its pool (peer1 of Org1); payments go through another
 * client on another peer (peer0 of Org1). Payments are submitted before the kill, while the
 * stream's peer is down, and after it is back; every committed payment's PaymentSettled event
 * must reach the handler exactly once, and nothing else may (the stream starts at the ledger
 * height after the accounts were funded, and only these payments commit after that).
 *
 * Bounded: 5 payers, 7 rounds of one payment each (35 payments); every wait has a timeout.
 */
import type { ChaincodeEvent, ChaincodeEventStream } from '@fabpay/gateway-client';
import type { NodeSpec } from '@fabpay/network';
import { liveNetwork } from '../support/live-network';
import {
  closeParties,
  committedEverywhere,
  eventually,
  fundAccounts,
  healNetwork,
  kill,
  openAccounts,
  openParty,
  restart,
  runId,
  within,
  type Party,
} from '../support/payments-kit';

const CURRENCY = 'USD';
const PAYERS = 5;
const FUNDING = 1_000n;
const STREAM_PEER = 'peer1.org1.example.com';
const SUBMIT_PEER = 'peer0.org1.example.com';

interface Seen {
  readonly transactionId: string;
  readonly blockNumber: bigint;
  readonly eventName: string;
  readonly paymentId?: string;
}

describe('chaincode event stream across a SIGKILL of its peer', () => {
  const ctx = liveNetwork();
  const run = runId('ev');
  const payers = Array.from({ length: PAYERS }, (_, i) => `${run}-p${i}`);
  const merchant = `${run}-m`;
  let alice: Party | undefined; // Org1 issuer, funds the payers
  let bob: Party | undefined; // Org1, owns the accounts, pays through SUBMIT_PEER only
  let watcher: Party | undefined; // Org1, streams through STREAM_PEER only
  let stream: ChaincodeEventStream | undefined;
  const need = (p: Party | undefined): Party => {
    if (!p) throw new Error('client not opened (beforeAll failed)');
    return p;
  };
  const peer = (host: string): NodeSpec => {
    const node = ctx.peers.find((p) => p.host === host);
    if (!node) throw new Error(`no peer ${host} in the topology`);
    return node;
  };

  beforeAll(async () => {
    const own = { peers: [SUBMIT_PEER], includeOtherOrgs: false };
    alice = await openParty(ctx, 'Org1', 'alice', own);
    bob = await openParty(ctx, 'Org1', 'bob', own);
    watcher = await openParty(ctx, 'Org1', 'bob', {
      peers: [STREAM_PEER],
      includeOtherOrgs: false,
      health: { probeIntervalMs: 250, ejectBaseMs: 250, ejectMaxMs: 1_000 },
    });
  }, 60_000);

  afterAll(async () => {
    await stream?.stop();
    await closeParties(alice, bob, watcher);
    // Later suites share the network: whatever happened here, leave every node running and in step.
    await healNetwork(ctx);
  }, 180_000);

  it('delivers every committed payment’s event exactly once, and nothing else', async () => {
    const payer = need(bob);
    const everywhere = (block: bigint) => committedEverywhere(ctx, block);
    await openAccounts(payer, [...payers, merchant], CURRENCY, everywhere);
    await fundAccounts(need(alice), payer, payers, FUNDING, CURRENCY, run, everywhere);

    const seen: Seen[] = [];
    stream = need(watcher).client.chaincodeEvents({
      chaincode: ctx.topology.chaincode.name,
      reconnectBackoffMs: { base: 100, max: 1_000 },
      handler: (e: ChaincodeEvent) => {
        const payload = JSON.parse(Buffer.from(e.payload).toString('utf8')) as { paymentId?: unknown };
        seen.push({
          transactionId: e.transactionId,
          blockNumber: e.blockNumber,
          eventName: e.eventName,
          ...(typeof payload.paymentId === 'string' ? { paymentId: payload.paymentId } : {}),
        });
      },
    });
    const started = stream;
    // Once the start block is pinned, every later commit reaches the handler: no need to wait
    // for the stream's gRPC call itself.
    await eventually('the stream to pin its start block', () => started.stats.startBlock, {
      timeoutMs: 30_000,
      intervalMs: 50,
    });

    /** Committed payments: payment ID → transaction ID. */
    const committed = new Map<string, string>();
    let round = 0;
    /** One payment from every payer at once (distinct payers: no conflicts; credits are blind writes). */
    const payRound = async (): Promise<void> => {
      const r = round++;
      const results = await within(
        `payment round ${r}`,
        90_000,
        Promise.all(
          payers.map((from, i) =>
            payer.payments.pay({
              paymentId: `${run}-r${r}-${i}`,
              from,
              to: merchant,
              amount: BigInt(10 + i),
              currency: CURRENCY,
              reference: 'event stream live test',
            }),
          ),
        ),
      );
      for (const c of results) committed.set(c.value.paymentId, c.transactionId);
    };
    const seenAll = (what: string, timeoutMs: number) =>
      eventually(
        what,
        () => {
          const ids = new Set(seen.map((s) => s.transactionId));
          return [...committed.values()].every((tx) => ids.has(tx)) ? true : undefined;
        },
        { timeoutMs, intervalMs: 100 },
      );

    // Before the kill: the stream is live (it delivered round 0), and round 1 may be in flight.
    await payRound();
    await seenAll('the events of round 0', 60_000);
    const handledBeforeKill = started.stats.handled;
    await payRound();
    const victim = peer(STREAM_PEER);
    await kill(victim);

    // While the stream's only peer is down.
    for (let i = 0; i < 3; i++) await payRound();
    await eventually(
      'the stream to try to reconnect',
      () => (started.stats.reconnects > 0 ? true : undefined),
      {
        timeoutMs: 30_000,
        intervalMs: 100,
      },
    );

    // Back up; payments after the restart too.
    await restart(ctx, victim);
    for (let i = 0; i < 2; i++) await payRound();
    await seenAll('every committed payment’s event after the restart', 120_000);
    await started.stop();

    expect(committed.size).toBe(PAYERS * 7);
    const counts = new Map<string, number>();
    for (const s of seen) counts.set(s.transactionId, (counts.get(s.transactionId) ?? 0) + 1);
    const duplicates = [...counts].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    // Exactly the committed payments, as PaymentSettled events carrying their payment IDs.
    expect(seen.map((s) => s.transactionId).sort()).toEqual([...committed.values()].sort());
    for (const s of seen) {
      expect(s.eventName).toBe('PaymentSettled');
      expect(committed.get(s.paymentId ?? '')).toBe(s.transactionId);
    }
    // In ledger order, from the pinned start on.
    const blocks = seen.map((s) => s.blockNumber);
    expect(blocks).toEqual([...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(blocks[0]! >= started.stats.startBlock!).toBe(true);
    expect(handledBeforeKill).toBeGreaterThanOrEqual(PAYERS);
    expect(started.stats.reconnects).toBeGreaterThanOrEqual(1);
    expect(started.stats.handled).toBe(seen.length);
    process.stderr.write(
      `[events] ${seen.length} events for ${committed.size} payments; ${handledBeforeKill} before the kill; ` +
        `${started.stats.reconnects} reconnect attempts, ${started.stats.replaysDropped} replays dropped; ` +
        `start block ${started.stats.startBlock}\n`,
    );
  }, 420_000);
});
