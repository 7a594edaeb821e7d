/**
 * Each stage raises its own error class (as fabric-gateway does), all of
 * them GatewayRequestErrors carrying the transaction ID, while the outcome
 * rules stay those of outcomes.ts.
 */
import { status as grpcStatus } from '@grpc/grpc-js';
import {
  CommitStatusError,
  EndorseError,
  GatewayRequestError,
  SubmitError,
  TransactionOutcomeUnknownError,
} from '../errors';
import { startHarness, type Harness } from '../testing/harness';

jest.setTimeout(30_000);

const BAD_REQUEST = {
  code: grpcStatus.ABORTED,
  message: 'received unsuccessful response from orderer: status=BAD_REQUEST, info=bad envelope',
};

describe('stage error classes', () => {
  let h: Harness | undefined;
  afterEach(async () => {
    await h?.close();
    h = undefined;
  });

  it('raises EndorseError for a refused endorsement, with the transaction ID', async () => {
    h = await startHarness(1);
    h.peers[0]!.inject('endorse', { code: grpcStatus.PERMISSION_DENIED });
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(EndorseError);
    expect(err).toBeInstanceOf(GatewayRequestError);
    expect(err).toMatchObject({ stage: 'endorse', grpcCode: 'PERMISSION_DENIED' });
    expect((err as EndorseError).transactionId).toMatch(/^[0-9a-f]{64}$/);
    expect(h.peers[0]!.calls.submit).toBe(0);
  });

  it('raises SubmitError for a send the orderer provably refused, with the transaction ID', async () => {
    h = await startHarness(1);
    h.peers[0]!.inject('submit', BAD_REQUEST);
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SubmitError);
    expect(err).toMatchObject({ stage: 'submit', grpcCode: 'ABORTED' });
    expect((err as SubmitError).transactionId).toMatch(/^[0-9a-f]{64}$/);
  });

  it('makes a refused CommitStatus after the send "unknown", with the CommitStatusError as its cause', async () => {
    h = await startHarness(1, { commitTracking: 'status' });
    h.peers[0]!.inject('commitStatus', { code: grpcStatus.PERMISSION_DENIED });
    const err = await h.client.submit({ chaincode: 'cc', transaction: 'Pay' }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(TransactionOutcomeUnknownError);
    const cause = (err as Error).cause;
    expect(cause).toBeInstanceOf(CommitStatusError);
    expect((cause as CommitStatusError).transactionId).toBe(
      (err as TransactionOutcomeUnknownError).transactionId,
    );
  });

  it('raises CommitStatusError from getTransactionStatus when the gateway refuses', async () => {
    h = await startHarness(1);
    h.peers[0]!.inject('commitStatus', { code: grpcStatus.PERMISSION_DENIED });
    await expect(h.client.getTransactionStatus('f'.repeat(64))).rejects.toBeInstanceOf(CommitStatusError);
  });
});
