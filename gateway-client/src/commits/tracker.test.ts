/**
 * Commit tracking over the block-event stream, against fake peers that
 * serve filtered blocks: commits seen on the stream, reconnects that lose
 * nothing, and every way the stream falls back to CommitStatus, never to
 * "failed".
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { StatusCode } from '@hyperledger/fabric-gateway';
import { TransactionOutcomeUnknownError } from '../errors';
import type { FabpayClientOptions } from '../client';
import { eventually, startHarness, type Harness } from '../testing/harness';

jest.setTimeout(30_000);

const pay = (h: Harness, id = 'p') => h.client.submit({ chaincode: 'cc', transaction: 'Pay', args: [id] });
const total = (h: Harness, m: 'commitStatus' | 'deliverFiltered' | 'submit') =>
  h.peers.reduce((n, p) => n + p.calls[m], 0);
/** Reconnects that take ~400 ms, so a commit lands while the stream is away. */
const slowReconnect: Partial<FabpayClientOptions> = {
  commitStream: { reconnectBackoffMs: { base: 400, max: 400 } },
  random: () => 0.99,
};
const counter = async (h: Harness, name: 'commits' | 'commitFallbacks', label: string) => {
  const values = (await h.client.metrics[name].get()).values;
  return values.find((v) => Object.values(v.labels).includes(label))?.value ?? 0;
};

/** A harness whose stream is open: the first submit starts it (and itself asks CommitStatus). */
async function openHarness(peers: number, options: Partial<FabpayClientOptions> = {}): Promise<Harness> {
  const h = await startHarness(peers, options);
  try {
    await pay(h, 'warm-up');
    // The stream starts at the next block to commit; cut one if the warm-up's came first.
    for (let i = 0; i < 100 && h.client.status().commitStream?.state !== 'open'; i++) {
      if (i % 10 === 9) h.ledger.addBlock([]);
      await new Promise((r) => setTimeout(r, 20));
    }
    expect(h.client.status().commitStream?.state).toBe('open');
    return h;
  } catch (err) {
    await h.close();
    throw err;
  }
}

describe('commit tracking on the block-event stream', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('learns commits from one stream, with no CommitStatus call and no slot held while waiting', async () => {
    h = await openHarness(2);
    const statusCalls = total(h, 'commitStatus');
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => pay(h!, `p${i}`)));
    expect(total(h, 'commitStatus')).toBe(statusCalls);
    expect(await counter(h, 'commits', 'stream')).toBe(20);
    for (const r of results) expect(h.ledger.applied).toContain(r.transactionId);
    expect(results.map((r) => r.blockNumber).every((b) => b > 1n)).toBe(true);
    // One stream for the whole client, on one peer.
    expect(h.peers.reduce((n, p) => n + p.openDeliverStreams, 0)).toBe(1);
    expect(h.client.status().inFlight).toBe(0);
  });

  it('makes no stream at all with commitTracking "status"', async () => {
    h = await startHarness(1, { commitTracking: 'status' });
    await pay(h, 'a');
    await pay(h, 'b');
    expect(total(h, 'deliverFiltered')).toBe(0);
    expect(total(h, 'commitStatus')).toBe(2);
    expect(h.client.status().commitStream).toBeUndefined();
  });

  it('loses no transaction when the stream drops and reconnects', async () => {
    h = await openHarness(1, slowReconnect);
    const statusCalls = total(h, 'commitStatus');
    const delivers = total(h, 'deliverFiltered');
    h.peers[0]!.inject('submit', { commitDelayMs: 100 });
    const submitted = pay(h, 'late');
    await eventually(() => h!.ledger.envelopes.size >= 2, 5_000, 'the envelope at the orderer');
    h.peers[0]!.dropDeliverStreams();
    const result = await submitted;
    expect(h.ledger.applied).toContain(result.transactionId);
    expect(total(h, 'deliverFiltered')).toBeGreaterThan(delivers);
    expect(total(h, 'commitStatus')).toBe(statusCalls);
    expect(await counter(h, 'commits', 'stream')).toBe(1);
    // A dropped stream is not the peer's fault.
    expect(h.client.status().endpoints[0]).toMatchObject({ state: 'ready', stats: { failures: 0 } });
  });

  it('moves the stream to another peer when its peer dies, resuming where it stopped', async () => {
    h = await openHarness(2, slowReconnect);
    const streamPeer = h.client.status().commitStream!.endpoint === 'peer0' ? 0 : 1;
    const other = h.peers[1 - streamPeer]!;
    // The submit goes to the surviving peer; the commit happens while the stream moves.
    h.peers[streamPeer]!.always('submit', { code: grpcStatus.UNAVAILABLE });
    other.inject('submit', { commitDelayMs: 100 });
    const statusCalls = total(h, 'commitStatus');
    const submitted = pay(h, 'moved');
    await eventually(() => h!.ledger.envelopes.size >= 2, 5_000, 'the envelope at the orderer');
    await h.peers[streamPeer]!.stop();
    const result = await submitted;
    expect(h.ledger.applied).toContain(result.transactionId);
    expect(total(h, 'commitStatus')).toBe(statusCalls);
    expect(h.client.status().commitStream?.endpoint).toBe(`peer${1 - streamPeer}`);
    expect(other.openDeliverStreams).toBe(1);
  });

  it('falls back to CommitStatus when the stream resumes past a block it never delivered', async () => {
    h = await openHarness(1);
    const statusCalls = total(h, 'commitStatus');
    const before = h.ledger.blockHeight;
    h.peers[0]!.inject('submit', { commitDelayMs: 200 });
    // The reconnect starts one block late: the transaction's block is never delivered.
    h.peers[0]!.inject('deliverFiltered', { skipBlocks: 1 });
    const submitted = pay(h, 'gap');
    await eventually(() => h!.ledger.envelopes.size >= 2, 5_000, 'the envelope at the orderer');
    h.peers[0]!.dropDeliverStreams();
    await eventually(() => h!.ledger.blockHeight > before, 5_000, 'the commit');
    h.ledger.addBlock([]); // the first block the resumed stream delivers
    const result = await submitted;
    expect(result.blockNumber).toBe(BigInt(before)); // the height before it: its block number
    expect(h.ledger.applied).toContain(result.transactionId);
    expect(total(h, 'commitStatus')).toBe(statusCalls + 1);
    expect(await counter(h, 'commitFallbacks', 'gap')).toBe(1);
  });

  it('retries an MVCC conflict seen on the stream with a fresh proposal, as with CommitStatus', async () => {
    h = await openHarness(1);
    const statusCalls = total(h, 'commitStatus');
    h.ledger.nextValidationCodes.push(StatusCode.MVCC_READ_CONFLICT);
    const result = await pay(h, 'conflict');
    expect(result.retries.conflicts).toBe(1);
    expect(h.ledger.applied).toContain(result.transactionId);
    expect(h.ledger.envelopes.size).toBe(3); // warm-up, the conflicting one, the fresh one
    expect(total(h, 'commitStatus')).toBe(statusCalls);
    expect(await counter(h, 'commits', 'stream')).toBe(2);
  });

  it('reports unknown with the transaction ID when the overall deadline passes waiting on the stream', async () => {
    h = await openHarness(1);
    const statusCalls = total(h, 'commitStatus');
    h.peers[0]!.inject('submit', { lose: true });
    const err = await h.client
      .submit({ chaincode: 'cc', transaction: 'Pay', deadlines: { overallMs: 400, commitStatusMs: 10_000 } })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionOutcomeUnknownError);
    const txId = (err as TransactionOutcomeUnknownError).transactionId;
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
    expect(h.ledger.envelopes.has(txId)).toBe(true);
    expect(total(h, 'commitStatus')).toBe(statusCalls);
  });

  it('resends the same envelope and asks CommitStatus when the stream wait times out (a lost transaction)', async () => {
    h = await openHarness(1, { deadlines: { commitStatusMs: 300 } });
    h.peers[0]!.inject('submit', { lose: true });
    const result = await pay(h, 'lost');
    expect(result.retries.resubmits).toBe(1);
    const copies = h.ledger.envelopes.get(result.transactionId) ?? [];
    expect(copies).toHaveLength(2);
    expect(copies[1]!.equals(copies[0]!)).toBe(true);
    expect(h.ledger.applied).toContain(result.transactionId);
    expect(await counter(h, 'commitFallbacks', 'timeout')).toBe(1);
  });

  it('commits through CommitStatus while the stream is refused, never failing a submit or blaming a peer', async () => {
    h = await startHarness(2, { commitStream: { reconnectBackoffMs: { base: 5, max: 20 } } });
    for (const p of h.peers)
      p.always('deliverFiltered', { code: grpcStatus.PERMISSION_DENIED, message: 'access denied' });
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pay(h!, `d${i}`)));
    expect(results).toHaveLength(10);
    expect(total(h, 'commitStatus')).toBe(10);
    expect(total(h, 'deliverFiltered')).toBeGreaterThan(0);
    expect(h.client.status().commitStream?.state).not.toBe('open');
    for (const e of h.client.status().endpoints)
      expect(e).toMatchObject({ state: 'ready', stats: { failures: 0 } });
  });

  it('falls back when the stream goes down while a submit waits, and resumes when it returns', async () => {
    h = await openHarness(1, {
      commitStream: { reconnectBackoffMs: { base: 5, max: 20 }, maxReconnectFailures: 2 },
    });
    h.peers[0]!.inject('submit', { commitDelayMs: 300 });
    h.peers[0]!.inject('deliverFiltered', { code: grpcStatus.UNAVAILABLE }, 2);
    const submitted = pay(h, 'down');
    await eventually(() => h!.ledger.envelopes.size >= 2, 5_000, 'the envelope at the orderer');
    h.peers[0]!.dropDeliverStreams();
    const result = await submitted;
    expect(h.ledger.applied).toContain(result.transactionId);
    expect(await counter(h, 'commitFallbacks', 'down')).toBe(1);
    // The third reconnect works; the next commit delivers a block and the stream is open again.
    await pay(h, 'after');
    await eventually(() => h!.client.status().commitStream?.state === 'open', 5_000, 'stream open again');
  });
});
