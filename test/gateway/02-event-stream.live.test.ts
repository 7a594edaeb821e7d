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
 * Two streams: A delivered events before the kill (resume after the last one); B started just
 * before the kill and had delivered nothing (resume from the block it started at: the gap the
 * old "next commit" reconnect left).
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
  const streams: ChaincodeEventStream[] = [];
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
    await Promise.all(streams.map((s) => s.stop()));
    await closeParties(alice, bob, watcher);
    // Later suites share the network: whatever happened here, leave every node running and in step.
    await healNetwork(ctx);
  }, 180_000);

  /** Opens a stream on the watcher's client (no checkpoint, no start block) and waits for its pin. */
  const watch = async (): Promise<{ stream: ChaincodeEventStream; seen: Seen[] }> => {
    const seen: Seen[] = [];
    const opened = need(watcher).client.chaincodeEvents({
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
    streams.push(opened);
    // Once the start block is pinned, every later commit reaches the handler: no need to wait
    // for the stream's gRPC call itself.
    await eventually('the stream to pin its start block', () => opened.stats.startBlock, {
      timeoutMs: 30_000,
      intervalMs: 50,
    });
    return { stream: opened, seen };
  };

  /** Exactly the expected payments' PaymentSettled events, each once, in ledger order. */
  const expectExactly = (
    label: string,
    watched: { stream: ChaincodeEventStream; seen: readonly Seen[] },
    expected: ReadonlyMap<string, string>,
  ) => {
    const { stream, seen } = watched;
    const counts = new Map<string, number>();
    for (const s of seen) counts.set(s.transactionId, (counts.get(s.transactionId) ?? 0) + 1);
    expect({ label, duplicates: [...counts].filter(([, n]) => n > 1) }).toEqual({ label, duplicates: [] });
    expect({ label, transactions: seen.map((s) => s.transactionId).sort() }).toEqual({
      label,
      transactions: [...expected.values()].sort(),
    });
    for (const s of seen) {
      expect(s.eventName).toBe('PaymentSettled');
      expect(expected.get(s.paymentId ?? '')).toBe(s.transactionId);
    }
    const blocks = seen.map((s) => s.blockNumber);
    expect(blocks).toEqual([...blocks].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(blocks[0]! >= stream.stats.startBlock!).toBe(true);
    expect(stream.stats.handled).toBe(seen.length);
    expect(stream.stats.reconnects).toBeGreaterThanOrEqual(1);
  };

  it('delivers every committed payment’s event exactly once, and nothing else', async () => {
    const payer = need(bob);
    const everywhere = (block: bigint) => committedEverywhere(ctx, block);
    await openAccounts(payer, [...payers, merchant], CURRENCY, everywhere);
    await fundAccounts(need(alice), payer, payers, FUNDING, CURRENCY, run, everywhere);

    /** Committed payments of each round: payment ID → transaction ID. */
    const rounds: Map<string, string>[] = [];
    /** One payment from every payer at once (distinct payers: no conflicts; credits are blind writes). */
    const payRound = async (): Promise<bigint> => {
      const r = rounds.length;
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
      rounds.push(new Map(results.map((c) => [c.value.paymentId, c.transactionId])));
      return results.reduce((max, c) => (c.blockNumber > max ? c.blockNumber : max), 0n);
    };
    const union = (from: number) => new Map(rounds.slice(from).flatMap((m) => [...m]));
    const seenAll = (what: string, seen: readonly Seen[], expected: ReadonlyMap<string, string>) =>
      eventually(
        what,
        () => {
          const ids = new Set(seen.map((s) => s.transactionId));
          return [...expected.values()].every((tx) => ids.has(tx)) ? true : undefined;
        },
        { timeoutMs: 120_000, intervalMs: 100 },
      );

    // Stream A is live before the kill: it delivered round 0, and round 1 may be in flight.
    const a = await watch();
    await payRound();
    await seenAll('stream A to see round 0', a.seen, union(0));
    const handledBeforeKill = a.stream.stats.handled;
    // Stream B starts after round 1 is on the stream's peer and has delivered nothing when the
    // peer dies: the case where a stream without a checkpoint used to reconnect at "next commit".
    await committedEverywhere(ctx, await payRound());
    const b = await watch();
    const victim = peer(STREAM_PEER);
    await kill(victim);
    expect(b.stream.stats.handled).toBe(0);

    // While the stream's only peer is down.
    for (let i = 0; i < 3; i++) await payRound();
    await eventually(
      'both streams to try to reconnect',
      () => (a.stream.stats.reconnects > 0 && b.stream.stats.reconnects > 0 ? true : undefined),
      { timeoutMs: 30_000, intervalMs: 100 },
    );

    // Back up; payments after the restart too.
    await restart(ctx, victim);
    for (let i = 0; i < 2; i++) await payRound();
    await seenAll('stream A to see every payment', a.seen, union(0));
    await seenAll('stream B to see every payment from round 2 on', b.seen, union(2));
    await Promise.all([a.stream.stop(), b.stream.stop()]);

    expect(rounds.length).toBe(7);
    expect(handledBeforeKill).toBeGreaterThanOrEqual(PAYERS);
    expectExactly('stream A', a, union(0));
    expectExactly('stream B', b, union(2));
    for (const [label, s] of [
      ['A', a.stream],
      ['B', b.stream],
    ] as const) {
      process.stderr.write(
        `[events] stream ${label}: ${s.stats.handled} events from block ${s.stats.startBlock}; ` +
          `${s.stats.reconnects} reconnect attempts, ${s.stats.replaysDropped} replays dropped\n`,
      );
    }
  }, 420_000);
});
