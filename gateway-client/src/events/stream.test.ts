import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import { eventually, startHarness, type Harness } from '../testing/harness';
import { EventHandlerError } from './stream';

jest.setTimeout(30_000);

describe('checkpointed chaincode event stream', () => {
  let h: Harness | undefined;
  let dir: string;
  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fabpay-events-'));
  });
  afterEach(async () => {
    await h?.close();
    h = undefined;
    await fs.rm(dir, { recursive: true, force: true });
  });

  it('delivers every event once, in order, across a peer dying and a process restart', async () => {
    h = await startHarness(2, {
      health: { probeIntervalMs: 50, probeTimeoutMs: 200, ejectBaseMs: 50, ejectMaxMs: 200 },
    });
    const checkpoint = path.join(dir, 'events.checkpoint');
    const seen: string[] = [];
    const handler = (e: { payload: Uint8Array }) => {
      seen.push(Buffer.from(e.payload).toString());
    };
    const options = {
      chaincode: 'payments',
      checkpoint,
      startBlock: 0n,
      handler,
      reconnectBackoffMs: { base: 10, max: 50 },
    };
    const first = h.client.chaincodeEvents(options);
    for (const p of ['e1', 'e2', 'e3']) h.ledger.emitEvent('PaymentSettled', p);
    await eventually(() => seen.length === 3, 10_000, 'first events');

    // Kill the peer the stream is on: it reconnects elsewhere and resumes after e3.
    const victim = h.peers.find((_, i) => first.stats.endpoint === `peer${i}`);
    expect(victim).toBeDefined();
    await victim!.stop();
    for (const p of ['e4', 'e5']) h.ledger.emitEvent('PaymentSettled', p);
    await eventually(() => seen.length === 5, 10_000, 'events after failover');
    expect(first.stats.reconnects).toBeGreaterThanOrEqual(1);
    await first.stop();

    // "Restart": a new stream from the same checkpoint file sees only new events.
    for (const p of ['e6', 'e7']) h.ledger.emitEvent('PaymentSettled', p);
    const second = h.client.chaincodeEvents(options);
    await eventually(() => seen.length === 7, 10_000, 'events after restart');
    await second.stop();
    expect(seen).toEqual(['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7']);
  });

  it('reconnects after the stream is refused, and surfaces handler failures without checkpointing', async () => {
    h = await startHarness(1);
    h.peers[0]!.inject('chaincodeEvents', { code: grpcStatus.UNAVAILABLE }, 2);
    const seen: string[] = [];
    const stream = h.client.chaincodeEvents({
      chaincode: 'payments',
      startBlock: 0n,
      reconnectBackoffMs: { base: 5, max: 20 },
      handler: (e) => {
        const p = Buffer.from(e.payload).toString();
        if (p === 'bad') throw new Error('cannot handle');
        seen.push(p);
      },
    });
    h.ledger.emitEvent('PaymentSettled', 'ok1');
    h.ledger.emitEvent('PaymentSettled', 'bad');
    await expect(stream.done).rejects.toBeInstanceOf(EventHandlerError);
    expect(seen).toEqual(['ok1']);
    expect(stream.stats.reconnects).toBeGreaterThanOrEqual(2);
    expect(stream.stats.handled).toBe(1);
  });
});
