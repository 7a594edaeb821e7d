import { Metadata, status } from '@grpc/grpc-js';
import { GatewayError } from '@hyperledger/fabric-gateway';
import { classify, parseChaincodeError } from './classify';
import { decide, backoffMs, untilDeadline } from './policy';

const gwError = (code: status, message: string, details: string[] = []) =>
  new GatewayError({
    code,
    message,
    details: details.map((m) => ({ address: 'peer0:7051', mspId: 'Org1MSP', message: m })),
    cause: Object.assign(new Error(message), { code, details: message, metadata: new Metadata() }),
  });

describe('parseChaincodeError', () => {
  it('extracts the stable code from Fabric-wrapped chaincode messages', () => {
    expect(parseChaincodeError('chaincode response 500, INSUFFICIENT_FUNDS: need 10, have 5')).toEqual({
      code: 'INSUFFICIENT_FUNDS',
      message: 'need 10, have 5',
    });
    expect(
      parseChaincodeError('evaluate call to endorser returned error: chaincode response 500, FORBIDDEN: no'),
    ).toEqual({
      code: 'FORBIDDEN',
      message: 'no',
    });
    expect(
      parseChaincodeError('chaincode response 500, Expected 3 parameters, but 2 have been supplied'),
    ).toEqual({
      code: 'CHAINCODE_ERROR',
      message: 'Expected 3 parameters, but 2 have been supplied',
    });
    expect(parseChaincodeError('failed to connect')).toBeUndefined();
  });
});

describe('classify + decide', () => {
  it('connection-level UNAVAILABLE is the endpoint’s fault; retried elsewhere or resent', () => {
    const c = classify(gwError(status.UNAVAILABLE, 'No connection established'));
    expect(c).toMatchObject({ kind: 'transport', endpointFault: true });
    expect(decide('evaluate', c)).toBe('retry-elsewhere');
    expect(decide('endorse', c)).toBe('retry-elsewhere');
    expect(decide('submit', c)).toBe('resend-envelope');
    expect(decide('commitStatus', c)).toBe('retry-elsewhere');
  });

  it('UNAVAILABLE with peer details (orderer down) is not the gateway peer’s fault', () => {
    const c = classify(
      gwError(status.UNAVAILABLE, 'no orderers could successfully process transaction', [
        'SERVICE_UNAVAILABLE',
      ]),
    );
    expect(c).toMatchObject({ kind: 'transport', endpointFault: false });
    expect(decide('submit', c)).toBe('resend-envelope');
  });

  it('orderer SERVICE_UNAVAILABLE reported as ABORTED is resendable', () => {
    const c = classify(
      gwError(status.ABORTED, 'received unsuccessful response from orderer: status=SERVICE_UNAVAILABLE'),
    );
    expect(decide('submit', c)).toBe('resend-envelope');
  });

  it('endorsers not yet discoverable (gossip still spreading) is retried, not blamed on the peer', () => {
    const c = classify(
      gwError(
        status.FAILED_PRECONDITION,
        'no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy',
      ),
    );
    expect(c).toMatchObject({ kind: 'transport', endpointFault: false, reason: 'no_endorsers' });
    expect(decide('endorse', c)).toBe('retry-elsewhere');
    expect(decide('evaluate', classify(gwError(status.FAILED_PRECONDITION, 'some other precondition')))).toBe(
      'fail',
    );
  });

  it('endorsements that differ between lagging peers are endorsed again', () => {
    const c = classify(
      gwError(
        status.ABORTED,
        'failed to collect enough transaction endorsements, see attached details for more info',
        ['ProposalResponsePayloads do not match'],
      ),
    );
    expect(c).toMatchObject({ kind: 'transport', endpointFault: false, reason: 'endorsement_mismatch' });
    expect(decide('endorse', c)).toBe('retry-elsewhere');
  });

  it('chaincode errors are never retried, at any stage', () => {
    const c = classify(
      gwError(status.ABORTED, 'failed to endorse transaction', [
        'chaincode response 500, ACCOUNT_FROZEN: frozen',
      ]),
    );
    expect(c).toMatchObject({ kind: 'chaincode', chaincodeCode: 'ACCOUNT_FROZEN', endpointFault: false });
    for (const stage of ['evaluate', 'endorse', 'submit', 'commitStatus'] as const)
      expect(decide(stage, c)).toBe('fail');
  });

  it('overload (concurrency limit) is retried, and not blamed on the endpoint', () => {
    const c = classify(
      gwError(status.UNKNOWN, 'too many requests for /gateway.Gateway, exceeding concurrency limit (500)'),
    );
    expect(c).toMatchObject({ kind: 'overloaded', endpointFault: false });
    expect(decide('endorse', c)).toBe('retry-elsewhere');
    expect(classify(gwError(status.RESOURCE_EXHAUSTED, 'x')).kind).toBe('overloaded');
  });

  it('an endorsement that failed because the chaincode was unavailable is transient; chaincode rejections never are', () => {
    const unreachable = [
      'error in simulation: failed to execute transaction 5a1e: could not launch chaincode payments_1.0:ab12: chaincode registration failed: connection error: desc = "transport: error while dialing: dial tcp 127.0.0.1:9999: connect: connection refused"',
      'error in simulation: failed to execute transaction 5a1e: chaincode stream terminated',
      'error in simulation: failed to execute transaction 5a1e: timeout expired while executing transaction',
    ];
    for (const detail of unreachable) {
      const c = classify(
        gwError(status.ABORTED, 'failed to endorse transaction, see attached details for more info', [
          detail,
        ]),
      );
      expect(c).toMatchObject({ kind: 'transport', endpointFault: false, reason: 'chaincode_unavailable' });
      expect(decide('endorse', c)).toBe('retry-elsewhere');
    }
    const rejected = classify(
      gwError(status.ABORTED, 'failed to endorse transaction, see attached details for more info', [
        'chaincode response 500, FORBIDDEN: caller may not pay from this account',
      ]),
    );
    expect(rejected).toMatchObject({ kind: 'chaincode', chaincodeCode: 'FORBIDDEN' });
    expect(decide('endorse', rejected)).toBe('fail');
  });

  it('an endorsement the gateway could not collect because its link to an endorser failed is transient', () => {
    // Seen live: the gateway removes an endorser whose chaincode stream terminated and closes its
    // connection, so the other proposals in flight on that connection fail with "client connection
    // is closing". Nothing was endorsed or ordered; endorsing again after a backoff is safe.
    const collect = 'failed to collect enough transaction endorsements, see attached details for more info';
    const transient = [
      ['rpc error: code = Canceled desc = grpc: the client connection is closing'],
      [
        'rpc error: code = Unavailable desc = connection error: desc = "transport: Error while dialing: dial tcp 127.0.0.1:7051: connect: connection refused"',
        'error in simulation: failed to execute transaction 5a1e: chaincode stream terminated',
      ],
      ['rpc error: code = DeadlineExceeded desc = context deadline exceeded'],
      [],
    ];
    for (const details of transient) {
      const c = classify(gwError(status.ABORTED, collect, details));
      const mentionsChaincode = details.some((d) => d.includes('chaincode stream terminated'));
      expect(c).toMatchObject({
        kind: 'transport',
        endpointFault: false,
        reason: mentionsChaincode ? 'chaincode_unavailable' : 'endorser_unreachable',
      });
      expect(decide('endorse', c)).toBe('retry-elsewhere');
      expect(untilDeadline('endorse', c)).toBe(true);
    }
    // One endorser refusing the caller outright makes the whole endorsement final.
    const denied = classify(
      gwError(status.ABORTED, collect, [
        'rpc error: code = Canceled desc = grpc: the client connection is closing',
        'access denied: channel [payments] creator org unknown, creator is malformed',
      ]),
    );
    expect(decide('endorse', denied)).toBe('fail');
  });

  it('a stream-level failure or a timeout is never the endpoint’s fault', () => {
    for (const c of [
      classify(gwError(status.UNAVAILABLE, 'Stream refused by server')),
      classify(
        gwError(status.INTERNAL, 'Received RST_STREAM with code 2 triggered by internal client error'),
      ),
      classify(gwError(status.RESOURCE_EXHAUSTED, 'Received message larger than max (5000000 vs 4194304)')),
      classify(gwError(status.DEADLINE_EXCEEDED, 'Deadline exceeded')),
    ]) {
      expect(c.endpointFault).toBe(false);
    }
  });

  it('a commit-status timeout means resend the same envelope', () => {
    const c = classify(gwError(status.DEADLINE_EXCEEDED, 'Deadline exceeded'));
    expect(decide('commitStatus', c)).toBe('resend-envelope');
    expect(decide('evaluate', c)).toBe('retry-elsewhere');
  });

  it('permission, bad requests, other aborts and plain errors fail', () => {
    expect(decide('endorse', classify(gwError(status.PERMISSION_DENIED, 'access denied')))).toBe('fail');
    expect(decide('endorse', classify(gwError(status.ABORTED, 'some other abort')))).toBe('fail');
    expect(decide('evaluate', classify(gwError(status.UNKNOWN, 'something')))).toBe('fail');
    expect(decide('evaluate', classify(new Error('bug')))).toBe('fail');
  });
});

describe('backoffMs', () => {
  it('is full jitter under an exponentially growing cap', () => {
    const limits = { base: 10, max: 100 };
    expect(backoffMs(0, limits, () => 0.999)).toBe(9);
    expect(backoffMs(2, limits, () => 0.5)).toBe(20);
    expect(backoffMs(10, limits, () => 0.999)).toBe(99);
    expect(backoffMs(3, limits, () => 0)).toBe(0);
  });
});
