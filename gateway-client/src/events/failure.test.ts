import { Metadata, status } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { classifyStreamFailure } from './failure';

/** A raw grpc-js ServiceError, as fabric-gateway passes stream errors through (see failure.ts). */
const serviceError = (code: status, details: string) =>
  Object.assign(new Error(`${code} ${status[code]}: ${details}`), {
    code,
    details,
    metadata: new Metadata(),
  });
const gatewayError = (code: status, message: string) =>
  new GatewayError({ code, details: [], cause: serviceError(code, message), message });

describe('classifyStreamFailure', () => {
  it.each([
    [status.PERMISSION_DENIED, 'access denied'],
    [status.UNAUTHENTICATED, 'no identity'],
    [status.NOT_FOUND, 'channel does not exist'],
    [status.INVALID_ARGUMENT, 'a chaincode events request is required'],
    [status.UNIMPLEMENTED, 'unknown method'],
    [status.FAILED_PRECONDITION, 'not ready'],
    [
      status.ABORTED,
      'cannot serve block [3]. The ledger is bootstrapped from a snapshot. First available block = [9]',
    ],
  ])('ends the stream on %s', (code, message) => {
    for (const err of [serviceError(code, message), gatewayError(code, message)]) {
      expect(classifyStreamFailure(err)).toMatchObject({ fatal: true, grpcCode: status[code] });
    }
  });

  it.each([
    [status.UNAVAILABLE, 'Connection dropped', true],
    [status.CANCELLED, 'Call cancelled', true],
    [status.DEADLINE_EXCEEDED, 'Deadline exceeded', false],
    [status.INTERNAL, 'Received RST_STREAM with code 2', false],
    [status.UNKNOWN, 'peer stopped', false],
    [status.ABORTED, 'iterator closed', false],
    [status.RESOURCE_EXHAUSTED, 'too many requests', false],
  ])('reconnects on %s (%s)', (code, message, endpointFault) => {
    for (const err of [serviceError(code, message), gatewayError(code, message)]) {
      expect(classifyStreamFailure(err)).toEqual(
        expect.objectContaining({ fatal: false, endpointFault, grpcCode: status[code] }),
      );
    }
  });

  it('ends the stream on errors that are not the peer’s (e.g. the checkpoint file)', () => {
    expect(classifyStreamFailure(new Error('EACCES: permission denied'))).toMatchObject({
      fatal: true,
      reason: 'client_error',
    });
  });
});
