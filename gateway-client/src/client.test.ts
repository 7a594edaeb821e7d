/**
 * The client against in-process fake peer gateways: the real fabric-gateway
 * client code path over real gRPC, with injected failures.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { StatusCode } from '@hyperledger/fabric-gateway';
import {
  ChaincodeError,
  ClientClosedError,
  DeadlineExceededError,
  QueueFullError,
  TransactionInvalidError,
} from './errors';
import { FakeLedger } from './testing/fake-gateway';
import { eventually, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

const text = (bytes: Uint8Array) => Buffer.from(bytes).toString();
const ordererDown = [
  { address: 'orderer0:7050', mspId: 'OrdererMSP', message: 'rpc error: code = Unavailable' },
];

describe('FabpayClient against fake gateways', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('evaluates and submits through the real fabric-gateway code path', async () => {
    h = await startHarness(1);
    const result = await h.client.evaluate({
      chaincode: 'payments',
      transaction: 'Balance',
      args: ['acct-1'],
    });
    expect(JSON.parse(text(result))).toEqual({ fn: 'Balance', args: ['acct-1'] });
    const submitted = await h.client.submit({
      chaincode: 'payments',
      transaction: 'Pay',
      args: ['p1', 'a', 'b', '10'],
    });
    expect(JSON.parse(text(submitted.result))).toEqual({ fn: 'Pay', args: ['p1', 'a', 'b', '10'] });
    expect(h.ledger.applied).toEqual([submitted.transactionId]);
    expect(submitted.blockNumber).toBe(1n);
    const status = await h.client.getTransactionStatus(submitted.transactionId);
    expect(status?.code).toBe(StatusCode.VALID);
  });

  it('spreads requests over endpoints', async () => {
    h = await startHarness(3);
    await Promise.all(
      Array.from({ length: 30 }, () => h!.client.evaluate({ chaincode: 'cc', transaction: 'Ping' })),
    );
    for (const peer of h.peers) expect(peer.calls.evaluate).toBeGreaterThan(0);
    expect(
      h.client
        .status()
        .endpoints.map((e) => e.stats.calls)
        .reduce((a, b) => a + b),
    ).toBe(30);
  });

  it('opens truly separate HTTP/2 connections per endpoint', async () => {
    h = await startHarness(1, { connectionsPerEndpoint: 3 });
    await Promise.all(
      Array.from({ length: 12 }, () => h!.client.evaluate({ chaincode: 'cc', transaction: 'Ping' })),
    );
    expect(h.peers[0]!.connections.size).toBe(3);
    expect(h.client.status().endpoints[0]!.connections).toBe(3);
  });

  it('moves off a peer at its gateway concurrency limit ("too many requests") without blaming it', async () => {
    h = await startHarness(2);
    h.peers[0]!.always('endorse', {
      code: grpcStatus.UNKNOWN,
      message: 'too many requests for /gateway.Gateway, exceeding concurrency limit (500)',
    });
    h.peers[0]!.always('evaluate', {
      code: grpcStatus.UNKNOWN,
      message: 'too many requests for /gateway.Gateway, exceeding concurrency limit (500)',
    });
    for (let i = 0; i < 4; i++) {
      await h.client.submit({ chaincode: 'cc', transaction: 'Pay', args: [`p${i}`] });
      await h.client.evaluate({ chaincode: 'cc', transaction: 'Ping' });
    }
    expect(h.ledger.applied.length).toBe(4);
    expect(h.client.status().endpoints[0]!.state).toBe('ready');
  });

  it('reports an uncommitted transaction ID as not committed within the wait', async () => {
    h = await startHarness(1);
    await expect(h.client.getTransactionStatus('f'.repeat(64), 300)).resolves.toBeUndefined();
  });

  it('retries an UNAVAILABLE evaluate on another endpoint without the caller seeing it', async () => {
    h = await startHarness(2);
    h.peers[0]!.always('evaluate', { code: grpcStatus.UNAVAILABLE });
    h.peers[1]!.always('evaluate', undefined);
    for (let i = 0; i < 5; i++) await h.client.evaluate({ chaincode: 'cc', transaction: 'Ping' });
    expect(h.peers[1]!.calls.evaluate).toBe(5);
    const metrics = await h.client.metrics.retries.get();
    expect(metrics.values.find((v) => v.labels.stage === 'evaluate')?.value).toBeGreaterThan(0);
  });

  it('returns chaincode errors as typed errors with their code, never retried', async () => {
    const ledger = new FakeLedger(() => {
      throw new Error('INSUFFICIENT_FUNDS: balance 5 < 10');
    });
    h = await startHarness(2, {}, ledger);
    const err = await h.client.evaluate({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ChaincodeError);
    expect(err).toMatchObject({ chaincodeCode: 'INSUFFICIENT_FUNDS', chaincodeMessage: 'balance 5 < 10' });
    const err2 = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err2).toMatchObject({ code: 'CHAINCODE_ERROR', chaincodeCode: 'INSUFFICIENT_FUNDS' });
    const total = (m: 'evaluate' | 'endorse') => h!.peers.reduce((n, p) => n + p.calls[m], 0);
    expect(total('evaluate')).toBe(1);
    expect(total('endorse')).toBe(1);
    expect(h.peers.every((p) => p.calls.submit === 0)).toBe(true);
  });

  it('retries MVCC and phantom read conflicts with fresh proposals', async () => {
    h = await startHarness(1);
    h.ledger.nextValidationCodes.push(StatusCode.MVCC_READ_CONFLICT, StatusCode.PHANTOM_READ_CONFLICT);
    const res = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(res.retries.conflicts).toBe(2);
    expect(h.peers[0]!.calls.endorse).toBe(3);
    // Three different transaction IDs were ordered; only the last was applied.
    expect(h.ledger.envelopes.size).toBe(3);
    expect(h.ledger.applied).toEqual([res.transactionId]);
  });

  it('gives up on conflicts after the retry bound with a typed error', async () => {
    h = await startHarness(1, { retry: { maxConflictRetries: 2, conflictBackoffMs: { base: 1, max: 5 } } });
    h.ledger.nextValidationCodes.push(...Array(5).fill(StatusCode.MVCC_READ_CONFLICT));
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionInvalidError);
    expect(err).toMatchObject({ validationCode: 'MVCC_READ_CONFLICT' });
    expect(h.peers[0]!.calls.endorse).toBe(3);
  });

  it('resends the same signed envelope when the orderer is unavailable, applied once', async () => {
    h = await startHarness(2);
    for (const p of h.peers) p.inject('submit', { code: grpcStatus.UNAVAILABLE, details: ordererDown }, 1);
    const res = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(res.retries.resubmits).toBeGreaterThanOrEqual(1);
    const copies = h.ledger.envelopes.get(res.transactionId) ?? [];
    expect(copies.length).toBe(1); // the UNAVAILABLE answers never reached the fake orderer
    expect(h.ledger.applied).toEqual([res.transactionId]);
    // The orderer being down is not the gateway peers' fault: none was ejected.
    expect(h.client.status().endpoints.every((e) => e.state !== 'ejected')).toBe(true);
  });

  it('rides out a Raft leader election (orderer SERVICE_UNAVAILABLE) by resending the same envelope', async () => {
    h = await startHarness(1);
    h.peers[0]!.inject(
      'submit',
      {
        code: grpcStatus.ABORTED,
        message:
          'received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=no Raft leader',
      },
      4,
    );
    const res = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(res.retries.resubmits).toBe(4);
    expect(h.peers[0]!.calls.submit).toBe(5);
    expect(h.peers[0]!.calls.endorse).toBe(1); // never re-endorsed: same transaction throughout
    expect(h.ledger.applied).toEqual([res.transactionId]);
  });

  it('after a submit timeout resends only the same envelope; the duplicate is never applied', async () => {
    h = await startHarness(1, { deadlines: { submitMs: 200 } });
    // The first Submit is processed late: the client times out, yet the orderer got it.
    h.peers[0]!.inject('submit', { delayMs: 600 });
    const res = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    await eventually(
      () => (h!.ledger.envelopes.get(res.transactionId)?.length ?? 0) >= 2,
      5_000,
      'late copy',
    );
    const copies = h.ledger.envelopes.get(res.transactionId) ?? [];
    expect(copies.every((c) => c.equals(copies[0]!))).toBe(true);
    await eventually(() => h!.ledger.duplicates >= 1, 5_000, 'duplicate detection');
    expect(h.ledger.applied).toEqual([res.transactionId]);
  });

  it('when a transaction is lost after Submit (Raft election), waits for status then resends the same envelope', async () => {
    h = await startHarness(1, { deadlines: { commitStatusMs: 300 } });
    h.peers[0]!.inject('submit', { lose: true });
    const res = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(res.retries.resubmits).toBe(1);
    const copies = h.ledger.envelopes.get(res.transactionId) ?? [];
    expect(copies.length).toBe(2);
    expect(copies[1]!.equals(copies[0]!)).toBe(true);
    expect(h.ledger.applied).toEqual([res.transactionId]);
  });

  it('enforces stage deadlines and the overall deadline', async () => {
    h = await startHarness(2, { deadlines: { evaluateMs: 100 }, retry: { maxEndpointAttempts: 2 } });
    for (const p of h.peers) p.always('evaluate', { delayMs: 1_000 });
    const err = await h.client.evaluate({ chaincode: 'cc', transaction: 'Slow' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect(h.peers[0]!.calls.evaluate + h.peers[1]!.calls.evaluate).toBe(2);
    const overall = await h.client
      .evaluate({ chaincode: 'cc', transaction: 'Slow', deadlines: { evaluateMs: 5_000, overallMs: 150 } })
      .catch((e: unknown) => e);
    expect(overall).toBeInstanceOf(DeadlineExceededError);
  });

  it('keeps endorsing past maxEndpointAttempts while endorsements time out and the overall deadline allows', async () => {
    // A busy endorser (or one waiting for its chaincode to be relaunched) answers after the
    // endorse stage deadline; nothing was ordered, so giving up early would fail a payment the
    // caller's deadline still had room for.
    h = await startHarness(2, { deadlines: { endorseMs: 100 }, retry: { maxEndpointAttempts: 2 } });
    for (const p of h.peers) p.inject('endorse', { delayMs: 300 }, 3);
    const res = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(h.ledger.applied).toEqual([res.transactionId]);
    expect(h.peers[0]!.calls.endorse + h.peers[1]!.calls.endorse).toBe(7);
  });

  it('keeps endorsing while the gateway cannot plan endorsers yet (a restarted peer before gossip converged)', async () => {
    // Fabric answers FAILED_PRECONDITION "no combination of peers can be derived" until the
    // gateway peer's discovery knows enough peers again; nothing was endorsed, so this is
    // transient and retried until the overall deadline, not counted against maxEndpointAttempts.
    h = await startHarness(1, { retry: { maxEndpointAttempts: 2 } });
    h.peers[0]!.inject(
      'endorse',
      {
        code: grpcStatus.FAILED_PRECONDITION,
        message:
          'no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy',
      },
      4,
    );
    const res = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(h.ledger.applied).toEqual([res.transactionId]);
    expect(h.peers[0]!.calls.endorse).toBe(5);
  });

  it('bounds in-flight calls per endpoint, queues behind, and fails fast past the queue limit', async () => {
    h = await startHarness(1, { maxInFlightPerEndpoint: 2, maxQueueLength: 3 });
    h.peers[0]!.always('evaluate', { delayMs: 200 });
    const accepted = Array.from({ length: 5 }, () =>
      h!.client.evaluate({ chaincode: 'cc', transaction: 'Ping' }),
    );
    expect(h.client.status().queueLength).toBe(3);
    await expect(h.client.evaluate({ chaincode: 'cc', transaction: 'Ping' })).rejects.toBeInstanceOf(
      QueueFullError,
    );
    await Promise.all(accepted);
    expect(h.peers[0]!.maxConcurrent).toBe(2);
    expect(h.peers[0]!.calls.evaluate).toBe(5);
  });

  it('takes a dead peer out, moves requests elsewhere, and brings it back when it recovers', async () => {
    h = await startHarness(2);
    await h.client.evaluate({ chaincode: 'cc', transaction: 'Warm' });
    await h.peers[0]!.stop();
    for (let i = 0; i < 10; i++) {
      await h.client.submit({ chaincode: 'cc', transaction: 'Pay', args: [`p${i}`] });
      await h.client.evaluate({ chaincode: 'cc', transaction: 'Ping' });
    }
    expect(h.ledger.applied.length).toBe(10);
    const dead = () => h!.client.status().endpoints[0]!;
    // The failed call marks it failing; the connection probe then ejects it.
    await eventually(() => dead().state === 'ejected', 10_000, 'peer0 ejected');
    expect(dead().stats.ejections).toBeGreaterThanOrEqual(1);
    await h.peers[0]!.restart();
    await eventually(() => dead().state !== 'ejected', 10_000, 'peer0 readmitted');
    // Real traffic confirms it: keep sending until peer0 serves some.
    await eventually(() => h!.peers[0]!.calls.evaluate > 0, 10_000, 'peer0 taking traffic');
    for (let i = 0; i < 20 && dead().state !== 'ready'; i++)
      await h.client.evaluate({ chaincode: 'cc', transaction: 'Ping' });
    expect(dead().state).toBe('ready');
  });

  it('holds requests while every peer is down and completes them when one comes back', async () => {
    h = await startHarness(1);
    await h.client.evaluate({ chaincode: 'cc', transaction: 'Warm' });
    await h.peers[0]!.stop();
    const pending = h.client.evaluate({ chaincode: 'cc', transaction: 'Ping' });
    await eventually(() => h!.client.status().endpoints[0]!.state === 'ejected', 10_000, 'peer0 ejected');
    await h.peers[0]!.restart();
    await expect(pending).resolves.toBeInstanceOf(Uint8Array);
    expect(h.client.status().endpoints[0]!.state).toBe('ready');
  });

  it('shuts down gracefully: refuses new work, drains in-flight requests, closes', async () => {
    h = await startHarness(1);
    h.peers[0]!.always('evaluate', { delayMs: 300 });
    const inFlight = h.client.evaluate({ chaincode: 'cc', transaction: 'Ping' });
    const closed = h.client.close();
    await expect(h.client.evaluate({ chaincode: 'cc', transaction: 'Ping' })).rejects.toBeInstanceOf(
      ClientClosedError,
    );
    await expect(inFlight).resolves.toBeInstanceOf(Uint8Array);
    await expect(closed).resolves.toBe(true);
    expect(h.client.status().closed).toBe(true);
  });

  it('exports request, stage, queue and endpoint metrics', async () => {
    h = await startHarness(1);
    await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    const exposition = await h.client.metrics.registry.metrics();
    expect(exposition).toMatch(/fabpay_gateway_requests_total\{type="submit",outcome="ok"\} 1/);
    expect(exposition).toMatch(
      /fabpay_gateway_stage_duration_seconds_count\{stage="endorse",outcome="ok"\} 1/,
    );
    expect(exposition).toMatch(/fabpay_gateway_endpoint_state\{endpoint="peer0",state="ready"\} 1/);
    expect(exposition).toMatch(/fabpay_gateway_queue_length 0/);
  });
});
