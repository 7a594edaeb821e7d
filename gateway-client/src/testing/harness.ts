/**
 * Test harness: fake peers plus a client wired to them, torn down together.
 * Test-only.
 */
import { FabpayClient, type FabpayClientOptions } from '../client';
import type { EndpointConfig } from '../profile';
import { FakeGatewayPeer, FakeLedger } from './fake-gateway';
import { TEST_CERT, TEST_KEY } from './fixtures';

export interface Harness {
  readonly ledger: FakeLedger;
  readonly peers: FakeGatewayPeer[];
  readonly client: FabpayClient;
  close(): Promise<void>;
}

/** Fast health settings so failover tests do not wait long. */
export const FAST_HEALTH = { ejectBaseMs: 100, ejectMaxMs: 500, probeIntervalMs: 50, probeTimeoutMs: 500 };

export async function startHarness(
  peerCount: number,
  options: Partial<FabpayClientOptions> = {},
  ledger = new FakeLedger(),
): Promise<Harness> {
  const peers: FakeGatewayPeer[] = [];
  for (let i = 0; i < peerCount; i++) peers.push(await FakeGatewayPeer.start(ledger, 'Org1MSP'));
  const endpoints: EndpointConfig[] = peers.map((p, i) => ({
    name: `peer${i}`,
    address: p.address,
    mspId: 'Org1MSP',
  }));
  const client = new FabpayClient({
    endpoints,
    identity: { mspId: 'Org1MSP', certificate: TEST_CERT, privateKey: TEST_KEY },
    channel: 'payments',
    connectionsPerEndpoint: 1,
    health: FAST_HEALTH,
    retry: {
      transportBackoffMs: { base: 5, max: 20 },
      conflictBackoffMs: { base: 5, max: 20 },
      resubmitBackoffMs: { base: 5, max: 20 },
    },
    ...options,
  });
  return {
    ledger,
    peers,
    client,
    close: async () => {
      await client.close({ drainTimeoutMs: 5_000 });
      await Promise.all(peers.map((p) => p.stop()));
    },
  };
}

/** Polls until `check` is true or `timeoutMs` passes (then throws). */
export async function eventually(
  check: () => boolean,
  timeoutMs = 10_000,
  what = 'condition',
): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
