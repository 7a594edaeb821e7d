import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { status as grpcStatus } from '@grpc/grpc-js';
import { eventually, startHarness, type Harness } from '../testing/harness';
import { EventHandlerError, EventStreamFatalError, type ChaincodeEventStream } from './stream';

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

  describe('without a checkpoint or start block', () => {
    const payloadOf = (e: { payload: Uint8Array }) => Buffer.from(e.payload).toString();
    const open = (harness: Harness, seen: string[], onEvent?: (p: string) => Promise<void>) =>
      harness.client.chaincodeEvents({
        chaincode: 'payments',
        reconnectBackoffMs: { base: 5, max: 20 },
        handler: async (e) => {
          const p = payloadOf(e);
          seen.push(p);
          await onEvent?.(p);
        },
      });
    /** Waits until the stream is subscribed on the fake peer (its start position is then fixed). */
    const subscribed = (harness: Harness, calls = 1) =>
      eventually(() => harness.peers[0]!.calls.chaincodeEvents >= calls, 10_000, 'event stream subscribed');

    it('delivers events committed while it was disconnected before its first event (no gap)', async () => {
      h = await startHarness(1);
      h.ledger.emitEvent('PaymentSettled', 'before-start');
      const seen: string[] = [];
      const stream = open(h, seen);
      await subscribed(h);
      await h.peers[0]!.stop();
      h.ledger.emitEvent('PaymentSettled', 'e1');
      h.ledger.emitEvent('PaymentSettled', 'e2');
      await h.peers[0]!.restart();
      h.ledger.emitEvent('PaymentSettled', 'e3');
      await eventually(() => seen.includes('e3'), 10_000, 'e3 after the reconnect');
      await stream.stop();
      // Not the event from before the stream started; every one since, once, in order.
      expect(seen).toEqual(['e1', 'e2', 'e3']);
      expect(stream.stats.reconnects).toBeGreaterThanOrEqual(1);
    });

    it('pins the start at the ledger height when it subscribes and reports it', async () => {
      h = await startHarness(1);
      h.ledger.emitEvent('PaymentSettled', 'old1');
      h.ledger.emitEvent('PaymentSettled', 'old2');
      const seen: string[] = [];
      const stream = open(h, seen);
      await eventually(() => stream.stats.startBlock !== undefined, 10_000, 'start block pinned');
      expect(stream.stats.startBlock).toBe(BigInt(h.ledger.blockHeight));
      h.ledger.emitEvent('PaymentSettled', 'new');
      await eventually(() => seen.includes('new'), 10_000, 'the new event');
      await stream.stop();
      expect(seen).toEqual(['new']);
    });

    it('records the pinned start in a file checkpoint: a restart before the first event has no gap', async () => {
      h = await startHarness(1);
      const checkpoint = path.join(dir, 'pinned.checkpoint');
      const seen: string[] = [];
      const options = {
        chaincode: 'payments',
        checkpoint,
        reconnectBackoffMs: { base: 5, max: 20 },
        handler: (e: { payload: Uint8Array }) => {
          seen.push(payloadOf(e));
        },
      };
      h.ledger.emitEvent('PaymentSettled', 'before-start');
      const first = h.client.chaincodeEvents(options);
      await eventually(() => first.stats.startBlock !== undefined, 10_000, 'start block pinned');
      await first.stop();
      h.ledger.emitEvent('PaymentSettled', 'while-stopped');
      const second = h.client.chaincodeEvents(options);
      h.ledger.emitEvent('PaymentSettled', 'after-restart');
      await eventually(() => seen.includes('after-restart'), 10_000, 'the event after the restart');
      await second.stop();
      expect(seen).toEqual(['while-stopped', 'after-restart']);
      expect(second.stats.startBlock).toBe(first.stats.startBlock);
    });

    it('resumes after the Nth event exactly, also when the disconnect falls inside a block', async () => {
      h = await startHarness(1);
      const seen: string[] = [];
      let release: (() => void) | undefined;
      const held = new Promise<void>((r) => (release = r));
      const stream = open(h, seen, (p) => (p === 'b2' ? held : Promise.resolve()));
      await subscribed(h);
      h.ledger.emitEvent('PaymentSettled', 'a');
      h.ledger.emitBlock('PaymentSettled', ['b1', 'b2', 'b3']);
      await eventually(() => seen.includes('b2'), 10_000, 'b2 in the handler');
      // The peer dies while the handler is busy with the 2nd event of the block.
      await h.peers[0]!.stop();
      h.ledger.emitEvent('PaymentSettled', 'c');
      release!();
      await h.peers[0]!.restart();
      h.ledger.emitEvent('PaymentSettled', 'd');
      await eventually(() => seen.includes('d'), 10_000, 'd after the reconnect');
      await stream.stop();
      expect(seen).toEqual(['a', 'b1', 'b2', 'b3', 'c', 'd']);
    });

    it('never delivers an event twice when a peer replays a block on reconnect', async () => {
      h = await startHarness(1);
      h.peers[0]!.replayStartBlock = true;
      const seen: string[] = [];
      const stream = open(h, seen);
      await subscribed(h);
      h.ledger.emitBlock('PaymentSettled', ['a1', 'a2']);
      await eventually(() => seen.length === 2, 10_000, 'the first block');
      await h.peers[0]!.stop();
      h.ledger.emitEvent('PaymentSettled', 'b');
      await h.peers[0]!.restart();
      h.ledger.emitEvent('PaymentSettled', 'c');
      await eventually(() => seen.includes('c'), 10_000, 'c after the reconnect');
      await stream.stop();
      expect(seen).toEqual(['a1', 'a2', 'b', 'c']);
    });
  });

  describe('failures', () => {
    /** Settles `p` or fails after `ms` (so a stream that never ends fails the test, not jest's timeout). */
    const within = <T>(p: Promise<T>, ms: number, what: string): Promise<T> =>
      Promise.race([
        p,
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error(`${what}: still pending after ${ms} ms`)), ms),
        ),
      ]);
    const openStream = (harness: Harness): ChaincodeEventStream =>
      harness.client.chaincodeEvents({
        chaincode: 'payments',
        reconnectBackoffMs: { base: 5, max: 20 },
        handler: () => undefined,
      });

    it.each([
      [
        'PERMISSION_DENIED',
        grpcStatus.PERMISSION_DENIED,
        'access denied: channel [payments] creator org unknown',
      ],
      ['UNAUTHENTICATED', grpcStatus.UNAUTHENTICATED, 'unauthenticated'],
      ['NOT_FOUND', grpcStatus.NOT_FOUND, 'channel does not exist: nochannel'],
      ['INVALID_ARGUMENT', grpcStatus.INVALID_ARGUMENT, 'a chaincode events request is required'],
      ['UNIMPLEMENTED', grpcStatus.UNIMPLEMENTED, 'unknown service gateway.Gateway'],
      ['FAILED_PRECONDITION', grpcStatus.FAILED_PRECONDITION, 'start block unavailable'],
      [
        'ABORTED',
        grpcStatus.ABORTED,
        'cannot serve block [3]. The ledger is bootstrapped from a snapshot. First available block = [10]',
      ],
    ])('ends the stream and rejects done on %s, on every endpoint', async (name, code, message) => {
      h = await startHarness(2);
      for (const p of h.peers) p.always('chaincodeEvents', { code, message });
      const stream = openStream(h);
      const err = await within(
        stream.done.then(
          () => undefined,
          (e: unknown) => e,
        ),
        5_000,
        'done',
      );
      expect(err).toBeInstanceOf(EventStreamFatalError);
      expect(err).toMatchObject({ grpcCode: name, code: 'EVENT_STREAM_FATAL' });
      // Not retried: one subscription attempt in all.
      expect(h.peers[0]!.calls.chaincodeEvents + h.peers[1]!.calls.chaincodeEvents).toBe(1);
    });

    it('ends the stream when the start position cannot be read (qscc refused)', async () => {
      h = await startHarness(1);
      h.peers[0]!.always('evaluate', { code: grpcStatus.PERMISSION_DENIED, message: 'access denied' });
      const stream = openStream(h);
      await expect(within(stream.done, 5_000, 'done')).rejects.toMatchObject({
        name: 'EventStreamFatalError',
        grpcCode: 'PERMISSION_DENIED',
      });
      expect(h.peers[0]!.calls.chaincodeEvents).toBe(0);
    });

    it.each([
      ['UNAVAILABLE', grpcStatus.UNAVAILABLE],
      ['CANCELLED', grpcStatus.CANCELLED],
      ['DEADLINE_EXCEEDED', grpcStatus.DEADLINE_EXCEEDED],
      ['INTERNAL', grpcStatus.INTERNAL],
      ['UNKNOWN', grpcStatus.UNKNOWN],
      ['ABORTED (other)', grpcStatus.ABORTED],
      ['RESOURCE_EXHAUSTED', grpcStatus.RESOURCE_EXHAUSTED],
    ])('reconnects after %s and delivers what was committed meanwhile', async (_name, code) => {
      h = await startHarness(1);
      h.peers[0]!.inject('chaincodeEvents', { code, message: 'transient' }, 2);
      const seen: string[] = [];
      const stream = h.client.chaincodeEvents({
        chaincode: 'payments',
        reconnectBackoffMs: { base: 5, max: 20 },
        handler: (e) => {
          seen.push(Buffer.from(e.payload).toString());
        },
      });
      // The third subscription is the first that stays open.
      await eventually(() => h!.peers[0]!.calls.chaincodeEvents >= 3, 10_000, 'three subscriptions');
      h.ledger.emitEvent('PaymentSettled', 'x');
      await eventually(() => seen.includes('x'), 10_000, 'x');
      expect(h.peers[0]!.calls.chaincodeEvents).toBe(3);
      await stream.stop();
      await expect(stream.done).resolves.toBeUndefined();
      expect(seen).toEqual(['x']);
    });

    it('resolves done on stop(), also while waiting to reconnect to a dead peer', async () => {
      h = await startHarness(1);
      const stream = openStream(h);
      await eventually(() => h!.peers[0]!.calls.chaincodeEvents >= 1, 10_000, 'subscribed');
      await h.peers[0]!.stop();
      await eventually(() => stream.stats.reconnects >= 1, 10_000, 'a reconnect attempt');
      await within(stream.stop(), 2_000, 'stop');
      await expect(stream.done).resolves.toBeUndefined();
    });

    it('resolves done on stop() at once while the start block is being read', async () => {
      h = await startHarness(1);
      h.peers[0]!.always('evaluate', { delayMs: 3_000 });
      const stream = openStream(h);
      await eventually(() => h!.peers[0]!.calls.evaluate >= 1, 10_000, 'the ledger height asked for');
      await within(stream.stop(), 1_000, 'stop');
      await expect(stream.done).resolves.toBeUndefined();
      expect(h.peers[0]!.calls.chaincodeEvents).toBe(0);
    });

    it('resolves done on stop() while connected', async () => {
      h = await startHarness(1);
      const stream = openStream(h);
      await eventually(() => h!.peers[0]!.calls.chaincodeEvents >= 1, 10_000, 'subscribed');
      await within(stream.stop(), 2_000, 'stop');
      await expect(stream.done).resolves.toBeUndefined();
    });
  });
});
