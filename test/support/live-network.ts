/**
 * The one live network the suites share. The jest global setup brings it up (or reuses it) and
 * the global teardown removes it; suites call {@link liveNetwork} for its context.
 *
 * It runs the test topology (test/fixtures/topology.yaml, ports 17000+) in its own run directory
 * (`.fabric/test-home`), apart from any network a developer started by hand.
 */
import path from 'node:path';
import { repoRoot } from '@fabpay/topology';
import { contextFor, type NetworkContext, type NetworkOptions } from '@fabpay/network';

export const TEST_TOPOLOGY = path.join(repoRoot(), 'test', 'fixtures', 'topology.yaml');
export const TEST_HOME = path.join(repoRoot(), '.fabric', 'test-home');

/** Points fabpay's path rules at the test run directory (FABPAY_HOME is read on every call). */
export function useTestHome(): void {
  process.env.FABPAY_HOME = TEST_HOME;
}

export function networkOptions(): NetworkOptions {
  useTestHome();
  return { topologyFile: TEST_TOPOLOGY, progress: (line) => process.stderr.write(`[network] ${line}\n`) };
}

export function liveNetwork(): NetworkContext {
  return contextFor(networkOptions());
}
