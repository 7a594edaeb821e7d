/**
 * The outcome rules (outcomes.ts) against in-process fake gateways: a caller
 * is told "done" only for what committed, "failed" only for what can never
 * commit, and "unknown" (with the transaction ID) otherwise.
 */
import { connectivityState, status as grpcStatus, type Client } from '@grpc/grpc-js';
import { Deadline } from './deadlines';
import {
  DeadlineExceededError,
  EndpointsUnavailableError,
  GatewayRequestError,
  TransactionInvalidError,
  TransactionOutcomeUnknownError,
} from './errors';
import { provesNotAccepted, toTypedError } from './outcomes';
import { classify } from './retry/classify';
import { GatewayError } from '@hyperledger/fabric-gateway';
import type { AcquireOptions, ConnectionPool } from './pool/pool';
import { FabpayClient } from './client';
import * as connections from './pool/connections';
import { TEST_CERT, TEST_KEY } from './testing/fixtures';
import { eventually, startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

/** How a Fabric v3.1.5 gateway reports an orderer's 4xx refusal (internal/pkg/gateway/submit.go). */
const BAD_REQUEST = {
  code: grpcStatus.ABORTED,
  message: 'received unsuccessful response from orderer: status=BAD_REQUEST, info=bad envelope',
};
const MVCC_READ_CONFLICT = 11;
const ENDORSEMENT_POLICY_FAILURE = 10;
const ordererDown = [
  { address: 'orderer0:7050', mspId: 'OrdererMSP', message: 'rpc error: code = Unavailable' },
];

/** The client's pool (private), for spying on acquire. */
const poolOf = (h: Harness) => (h.client as unknown as { pool: ConnectionPool }).pool;

describe('outcome rules', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    await h?.close();
    h = undefined;
  });

  it('reports unknown with the transaction ID when the deadline expires inside acquire after the first send', async () => {
    h = await startHarness(1);
    const pool = poolOf(h);
    const acquire = pool.acquire.bind(pool);
    jest.spyOn(pool, 'acquire').mockImplementation((options: AcquireOptions) => {
      if (options.stage !== 'commitStatus') return acquire(options);
      // After the send: the only peer is ejected and the overall deadline has
      // passed, so acquire must queue and finds the deadline gone.
      pool.reportFailure('peer0', new Error('connection reset'));
      pool.reportFailure('peer0', new Error('connection reset'));
      return acquire({ ...options, deadline: new Deadline(0) });
    });
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionOutcomeUnknownError);
    const txId = (err as TransactionOutcomeUnknownError).transactionId;
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
    expect(h.ledger.envelopes.has(txId)).toBe(true);
  });

  it.each([
    ['INTERNAL', grpcStatus.INTERNAL],
    ['UNKNOWN', grpcStatus.UNKNOWN],
  ])('reports %s on the first send as unknown with the transaction ID', async (_name, code) => {
    h = await startHarness(1);
    h.peers[0]!.inject('submit', { code, message: 'gateway failed after forwarding' });
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionOutcomeUnknownError);
    expect((err as TransactionOutcomeUnknownError).transactionId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('reports an orderer BAD_REQUEST on the first send as a definite failure with the transaction ID', async () => {
    h = await startHarness(1);
    h.peers[0]!.inject('submit', BAD_REQUEST);
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayRequestError);
    expect((err as GatewayRequestError).transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(h.ledger.applied).toEqual([]);
  });

  it('reports a BAD_REQUEST after a resend of the same envelope as unknown (the first copy may commit)', async () => {
    h = await startHarness(1);
    h.peers[0]!.inject('submit', { code: grpcStatus.UNAVAILABLE, details: ordererDown });
    h.peers[0]!.inject('submit', BAD_REQUEST);
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionOutcomeUnknownError);
  });

  it('reports a clear rejection of a fresh proposal as definite after an earlier proposal needed resends', async () => {
    h = await startHarness(1);
    // First proposal: one resend, then it commits as an MVCC conflict.
    h.peers[0]!.inject('submit', { code: grpcStatus.UNAVAILABLE, details: ordererDown });
    h.ledger.nextValidationCodes.push(MVCC_READ_CONFLICT);
    // The retry's first send, on the fresh proposal, is refused by the orderer.
    let sends = 0;
    h.peers[0]!.faultFor = (method) => (method === 'submit' && ++sends === 2 ? BAD_REQUEST : undefined);
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(GatewayRequestError);
    const txId = (err as GatewayRequestError).transactionId;
    expect(txId).toMatch(/^[0-9a-f]{64}$/);
    // The error names the fresh proposal, not the one that conflicted.
    expect([...h.ledger.envelopes.keys()]).toHaveLength(1);
    expect(h.ledger.envelopes.has(txId!)).toBe(false);
  });

  it('gives each proposal its own resend budget', async () => {
    h = await startHarness(1, { retry: { maxResubmits: 1 } });
    // First proposal: one resend (its whole budget), then an MVCC conflict.
    h.peers[0]!.inject('submit', { code: grpcStatus.UNAVAILABLE, details: ordererDown });
    h.ledger.nextValidationCodes.push(MVCC_READ_CONFLICT);
    // The fresh proposal needs one resend too.
    let sends = 0;
    h.peers[0]!.faultFor = (method) =>
      method === 'submit' && ++sends === 2
        ? { code: grpcStatus.UNAVAILABLE, details: ordererDown }
        : undefined;
    const result = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(h.ledger.applied).toEqual([result.transactionId]);
    expect(result.retries).toMatchObject({ conflicts: 1, resubmits: 2 });
  });

  it('gives every submit error the transaction ID once a proposal exists', async () => {
    h = await startHarness(1, { deadlines: { endorseMs: 100 }, retry: { maxEndpointAttempts: 2 } });
    h.peers[0]!.inject('endorse', { code: grpcStatus.PERMISSION_DENIED });
    const denied = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(denied).toBeInstanceOf(GatewayRequestError);
    expect((denied as GatewayRequestError).transactionId).toMatch(/^[0-9a-f]{64}$/);

    h.peers[0]!.inject('endorse', { code: grpcStatus.UNAVAILABLE, details: ordererDown }, 2);
    const down = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(down).toBeInstanceOf(EndpointsUnavailableError);
    expect((down as EndpointsUnavailableError).transactionId).toMatch(/^[0-9a-f]{64}$/);

    // Slow endorsements are retried until the overall deadline, which then fails it (nothing was sent).
    h.peers[0]!.always('endorse', { delayMs: 300 });
    const slow = await h.client
      .submit({ chaincode: 'cc', transaction: 'Pay', deadlines: { overallMs: 1_000 } })
      .catch((e: unknown) => e);
    h.peers[0]!.always('endorse', undefined);
    expect(slow).toBeInstanceOf(DeadlineExceededError);
    expect((slow as DeadlineExceededError).transactionId).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('provesNotAccepted (Fabric v3.1.5 internal/pkg/gateway/submit.go)', () => {
  it('accepts only answers given before broadcasting or the orderer 4xx refusals', async () => {
    const { GatewayError } = await import('@hyperledger/fabric-gateway');
    const e = (code: number, message: string) =>
      new GatewayError({ code, message, details: [], cause: new Error(message) as never });
    expect(provesNotAccepted(e(grpcStatus.ABORTED, BAD_REQUEST.message))).toBe(true);
    expect(provesNotAccepted(e(grpcStatus.UNAVAILABLE, 'no orderer nodes available'))).toBe(true);
    expect(provesNotAccepted(e(grpcStatus.INVALID_ARGUMENT, 'prepared transaction must be signed'))).toBe(
      true,
    );
    expect(provesNotAccepted(e(grpcStatus.INTERNAL, 'x'))).toBe(false);
    expect(provesNotAccepted(e(grpcStatus.UNKNOWN, 'x'))).toBe(false);
    expect(
      provesNotAccepted(e(grpcStatus.UNAVAILABLE, 'no orderers could successfully process transaction')),
    ).toBe(false);
    expect(
      provesNotAccepted(
        e(
          grpcStatus.ABORTED,
          'received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE, info=x',
        ),
      ),
    ).toBe(false);
    expect(provesNotAccepted(new Error('not a gateway error'))).toBe(false);
  });
});

describe('endorsement with the chaincode unavailable', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  const unreachable = {
    code: grpcStatus.ABORTED,
    message: 'failed to endorse transaction, see attached details for more info',
    details: [
      {
        address: 'peer0.org1:7051',
        mspId: 'Org1MSP',
        message:
          'error in simulation: failed to execute transaction 5a1e: could not launch chaincode payments_1.0:ab12: chaincode registration failed: connect: connection refused',
      },
    ],
  };

  it('endorses again on another peer, then after backoff, and commits once', async () => {
    h = await startHarness(2, { retry: { maxEndpointAttempts: 2 } });
    // The CCaaS server is down for longer than the endpoint attempts last.
    for (const p of h.peers) p.inject('endorse', unreachable, 3);
    const result = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(h.ledger.applied).toEqual([result.transactionId]);
    expect(h.peers[0]!.calls.endorse + h.peers[1]!.calls.endorse).toBe(7);
    for (const e of h.client.status().endpoints) expect(e.stats.ejections).toBe(0);
  });

  it('gives up at the deadline with a definite failure carrying the transaction ID', async () => {
    h = await startHarness(1, { deadlines: { overallMs: 500 } });
    h.peers[0]!.always('endorse', unreachable);
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(DeadlineExceededError);
    expect((err as DeadlineExceededError).transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(h.ledger.envelopes.size).toBe(0);
  });
});

describe('endpoint health under request-level failures', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('lets one request fail with a stream-level error without ejecting a peer or failing 100 others', async () => {
    h = await startHarness(2);
    for (const p of h.peers) {
      p.faultFor = (method, fn) =>
        fn === 'Poison' ? { code: grpcStatus.UNAVAILABLE, message: 'Stream refused by server' } : undefined;
    }
    const poison = h.client.evaluate({ chaincode: 'cc', transaction: 'Poison' }).then(
      () => 'ok',
      (e: unknown) => e,
    );
    const others = Array.from({ length: 100 }, (_, i) =>
      i % 2 === 0
        ? h!.client.evaluate({ chaincode: 'cc', transaction: 'Ping', args: [`${i}`] })
        : h!.client.submit({ chaincode: 'cc', transaction: 'Pay', args: [`p${i}`] }),
    );
    const results = await Promise.allSettled(others);
    expect(results.filter((r) => r.status === 'rejected')).toEqual([]);
    expect(await poison).toBeInstanceOf(EndpointsUnavailableError);
    for (const e of h.client.status().endpoints) {
      expect(e.stats.ejections).toBe(0);
      expect(e.state).toBe('ready');
    }
  });

  it('never counts a commit-status wait that timed out against the peer', async () => {
    h = await startHarness(1, { deadlines: { commitStatusMs: 200 } });
    // Two copies lost (as in a Raft election): two status waits time out.
    h.peers[0]!.inject('submit', { lose: true }, 2);
    const result = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    expect(h.ledger.applied).toEqual([result.transactionId]);
    const e = h.client.status().endpoints[0]!;
    expect(e.stats.ejections).toBe(0);
    expect(e.stats.failures).toBe(0);
  });
});

describe('closing', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    jest.restoreAllMocks();
    await h?.close();
    h = undefined;
  });

  it('returns from a second close() while a submit is in flight, bounded, with the same answer', async () => {
    h = await startHarness(1);
    // The envelope is lost: the submit waits for a commit status for 30 s.
    h.peers[0]!.inject('submit', { lose: true });
    const submit = h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    await eventually(() => h!.peers[0]!.calls.commitStatus > 0, 5_000, 'commit status wait');
    const started = Date.now();
    const [first, second] = await Promise.all([
      h.client.close({ drainTimeoutMs: 200 }),
      h.client.close({ drainTimeoutMs: 200 }),
    ]);
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(first).toBe(false);
    expect(second).toBe(false);
    await h.peers[0]!.stop();
    expect(await submit).toBeInstanceOf(Error);
  });

  it('validates every option before opening a connection', () => {
    const opened = jest.spyOn(connections, 'openConnections');
    const base = {
      endpoints: [{ name: 'peer0', address: '127.0.0.1:1', mspId: 'Org1MSP' }],
      identity: { mspId: 'Org1MSP', certificate: TEST_CERT, privateKey: TEST_KEY },
      channel: 'payments',
    };
    expect(() => new FabpayClient({ ...base, deadlines: { overallMs: -1 } })).toThrow(RangeError);
    expect(
      () =>
        new FabpayClient({
          ...base,
          endpoints: [...base.endpoints, { name: 'peer0', address: '127.0.0.1:2', mspId: 'Org1MSP' }],
        }),
    ).toThrow(RangeError);
    expect(opened).not.toHaveBeenCalled();
  });
});

describe('a client that cannot be built', () => {
  afterEach(() => jest.restoreAllMocks());

  it('closes the connections already opened when opening another fails', () => {
    const real = connections.openConnections;
    const made: Client[] = [];
    jest.spyOn(connections, 'openConnections').mockImplementation((config, options, count) => {
      if (config.name === 'peer1') throw new Error('bad TLS certificate');
      const clients = real(config, options, count);
      made.push(...clients);
      return clients;
    });
    expect(
      () =>
        new FabpayClient({
          endpoints: [
            { name: 'peer0', address: '127.0.0.1:1', mspId: 'Org1MSP' },
            { name: 'peer1', address: '127.0.0.1:2', mspId: 'Org1MSP' },
          ],
          identity: { mspId: 'Org1MSP', certificate: TEST_CERT, privateKey: TEST_KEY },
          channel: 'payments',
        }),
    ).toThrow('bad TLS certificate');
    expect(made.length).toBeGreaterThan(0);
    for (const c of made) {
      expect(c.getChannel().getConnectivityState(false)).toBe(connectivityState.SHUTDOWN);
    }
  });
});

describe('resolve(transactionId)', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('answers committed (with block), invalid (with validation code) or not-found', async () => {
    h = await startHarness(1);
    const ok = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' });
    await expect(h.client.resolve(ok.transactionId)).resolves.toEqual({
      state: 'committed',
      transactionId: ok.transactionId,
      validationCode: 'VALID',
      blockNumber: ok.blockNumber,
    });
    h.peers[0]!.inject('submit', { validationCode: ENDORSEMENT_POLICY_FAILURE });
    const invalid = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(invalid).toBeInstanceOf(TransactionInvalidError);
    const txId = (invalid as TransactionInvalidError).transactionId;
    await expect(h.client.resolve(txId)).resolves.toMatchObject({
      state: 'invalid',
      validationCode: 'ENDORSEMENT_POLICY_FAILURE',
      blockNumber: 2n,
    });
    await expect(h.client.resolve('f'.repeat(64), 200)).resolves.toEqual({
      state: 'not-found',
      transactionId: 'f'.repeat(64),
    });
  });

  it('resolves an unknown outcome whose transaction did commit', async () => {
    h = await startHarness(1);
    // The envelope is ordered, but the commit status cannot be read.
    h.peers[0]!.inject('commitStatus', { code: grpcStatus.INTERNAL, message: 'status lookup broke' });
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionOutcomeUnknownError);
    const txId = (err as TransactionOutcomeUnknownError).transactionId;
    await expect(h.client.resolve(txId)).resolves.toMatchObject({ state: 'committed', transactionId: txId });
    expect(h.ledger.applied).toEqual([txId]);
  });
});

describe('toTypedError', () => {
  it('names each endorser’s own failure, which Fabric only "attaches" to its message', () => {
    const message = 'failed to collect enough transaction endorsements, see attached details for more info';
    const cause = Object.assign(new Error(message), { code: grpcStatus.ABORTED }) as never;
    const error = new GatewayError({
      code: grpcStatus.ABORTED,
      message,
      details: [{ address: 'peer1.org2.example.com:7051', mspId: 'Org2MSP', message: 'access denied' }],
      cause,
    });
    const typed = toTypedError('endorse', error, classify(error), 'tx1');
    expect(typed.message).toContain('peer1.org2.example.com:7051 (Org2MSP): access denied');
    expect((typed as { transactionId?: string }).transactionId).toBe('tx1');
  });
});
