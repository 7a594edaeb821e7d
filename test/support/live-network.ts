/**
 * The one live network the suites share. The jest global setup brings it up (or reuses it) and
 * the global teardown removes it; suites call {@link liveNetwork} for its context.
 *
 * It runs the test topology (test/fixtures/topology.yaml, ports 17000+) in its own run directory
 * (`.fabric/test-home`), apart from any network a developer started by hand. Two overrides let
 * several people (or agents) run the live suites side by side on one machine:
 * FABPAY_TEST_HOME (run directory) and FABPAY_TEST_PORT_BASE (the topology's portBase).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from '@fabpay/topology';
import { contextFor, type NetworkContext, type NetworkOptions } from '@fabpay/network';

const FIXTURE = path.join(repoRoot(), 'test', 'fixtures', 'topology.yaml');
export const TEST_HOME = process.env.FABPAY_TEST_HOME
  ? path.resolve(process.env.FABPAY_TEST_HOME)
  : path.join(repoRoot(), '.fabric', 'test-home');

/** The topology file of the live network: the fixture, with FABPAY_TEST_PORT_BASE applied. */
export function testTopologyFile(): string {
  const base = process.env.FABPAY_TEST_PORT_BASE;
  if (!base) return FIXTURE;
  const file = path.join(TEST_HOME, 'topology.yaml');
  mkdirSync(TEST_HOME, { recursive: true });
  writeFileSync(file, readFileSync(FIXTURE, 'utf8').replace(/^portBase: \d+$/m, `portBase: ${Number(base)}`));
  return file;
}

/** Points fabpay's path rules at the test run directory (FABPAY_HOME is read on every call). */
export function useTestHome(): void {
  process.env.FABPAY_HOME = TEST_HOME;
}

export function networkOptions(): NetworkOptions {
  useTestHome();
  return {
    topologyFile: testTopologyFile(),
    progress: (line) => process.stderr.write(`[network] ${line}\n`),
  };
}

export function liveNetwork(): NetworkContext {
  return contextFor(networkOptions());
}
