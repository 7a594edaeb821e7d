import { isTransientCliFailure, retryTransient } from './transient';
import { CommandError } from './run';

const failed = (stderr: string): CommandError => new CommandError('peer x', { code: 1, stdout: '', stderr });

describe('isTransientCliFailure', () => {
  it('retries what a starting or electing node says', () => {
    for (const stderr of [
      'Error: failed to retrieve endorser client for install: endorser client failed to connect to 127.0.0.1:17051: failed to create new connection: connection error: desc = "transport: error while dialing: dial tcp 127.0.0.1:17051: connect: connection refused"',
      'Error: got unexpected status: SERVICE_UNAVAILABLE -- no Raft leader',
      'Error: failed to send transaction: rpc error: code = Unavailable desc = transport is closing',
      'Error: timed out waiting for txid on all peers',
      'Error: Post "https://127.0.0.1:17021/participation/v1/channels": dial tcp 127.0.0.1:17021: connect: connection refused',
      // An orderer that restarted has no view of the cluster's active nodes yet (etcdraft
      // ActiveNodes empty until the leader's metadata arrives): seen in the live Raft suite.
      "Error: got unexpected status: BAD_REQUEST -- error applying config update to existing channel 'payments': consensus metadata update for channel config update is invalid: 0 out of 3 nodes are alive, configuration will result in quorum loss",
    ]) {
      expect(isTransientCliFailure(failed(stderr))).toBe(true);
    }
  });

  it('reports at once what will fail again', () => {
    for (const stderr of [
      'Error: chaincode install failed with status: 500 - chaincode already successfully installed',
      "Error: proposal failed with status: 500 - failed to invoke backing implementation of 'ApproveChaincodeDefinitionForMyOrg': attempted to redefine uncommitted sequence (2) for namespace payments with unchanged content",
      'Error: proposal failed with status: 500 - access denied',
      'Error: endorsement failure during invoke. response: status:500 message:"make sure the chaincode payments has been successfully defined on channel payments"',
      // A real quorum loss: the orderer sees live nodes, and too few of them.
      "Error: got unexpected status: BAD_REQUEST -- error applying config update to existing channel 'payments': consensus metadata update for channel config update is invalid: 2 out of 3 nodes are alive, configuration will result in quorum loss",
    ]) {
      expect(isTransientCliFailure(failed(stderr))).toBe(false);
    }
  });
});

describe('retryTransient', () => {
  it('tries a transient failure again and throws any other at once', async () => {
    let calls = 0;
    const value = await retryTransient(
      'a step',
      async () => {
        calls += 1;
        if (calls < 3) throw failed('dial tcp 127.0.0.1:1: connect: connection refused');
        return 'done';
      },
      { intervalMs: 1 },
    );
    expect([value, calls]).toEqual(['done', 3]);

    // A step that returns nothing is done after one successful try.
    calls = 0;
    await retryTransient('a void step', async () => {
      calls += 1;
    });
    expect(calls).toBe(1);

    calls = 0;
    await expect(
      retryTransient(
        'a step',
        async () => {
          calls += 1;
          throw failed('Error: access denied');
        },
        { intervalMs: 1 },
      ),
    ).rejects.toThrow('access denied');
    expect(calls).toBe(1);
  });
});
