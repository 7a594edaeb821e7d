/**
 * The outcome rules (outcomes.ts) against in-process fake gateways: a caller
 * is told "done" only for what committed, "failed" only for what can never
 * commit, and "unknown" (with the transaction ID) otherwise.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import { Deadline } from './deadlines';
import { TransactionOutcomeUnknownError } from './errors';
import type { AcquireOptions, ConnectionPool } from './pool/pool';
import { startHarness, type Harness } from './testing/harness';

jest.setTimeout(30_000);

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
});

export { grpcStatus };
