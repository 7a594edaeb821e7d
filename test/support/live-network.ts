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

export const TEST_HOME = process.env.FABPAY_TEST_HOME
  ? path.resolve(process.env.FABPAY_TEST_HOME)
  : path.join(repoRoot(), '.fabric', 'test-home');

/**
 * A fixture topology, with FABPAY_TEST_PORT_BASE applied (plus `offset`) when it is set: written
 * next to the test home so parallel runs on one machine never share ports.
 */
export function fixtureTopologyFile(fixture: string, offset = 0): string {
  const file = path.join(repoRoot(), 'test', 'fixtures', fixture);
  const base = process.env.FABPAY_TEST_PORT_BASE;
  if (!base) return file;
  const copy = path.join(TEST_HOME, fixture);
  mkdirSync(TEST_HOME, { recursive: true });
  writeFileSync(
    copy,
    readFileSync(file, 'utf8').replace(/^portBase: \d+$/m, `portBase: ${Number(base) + offset}`),
  );
  return copy;
}

/**
 * A suite's own network whose topology the suite changes (`org add`, `orderer add`, ...): a copy
 * of the fixture in the suite's own home (never the repository's file), on portBase
 * (FABPAY_TEST_PORT_BASE or 17000) + `offset`, with FABPAY_HOME pointing at that home while the
 * suite runs. `dispose` cleans the network and restores FABPAY_HOME.
 */
export interface ScratchNetwork {
  home: string;
  topologyFile: string;
  options: NetworkOptions;
  /** Points FABPAY_HOME at the scratch home (call in beforeAll). */
  enter: () => void;
  /** Restores FABPAY_HOME (call in afterAll, after cleaning the network). */
  leave: () => void;
}

export function scratchNetwork(fixture: string, offset: number, label: string): ScratchNetwork {
  const home = path.join(path.dirname(TEST_HOME), `${path.basename(TEST_HOME)}-${label}`);
  const file = path.join(repoRoot(), 'test', 'fixtures', fixture);
  const base = Number(process.env.FABPAY_TEST_PORT_BASE ?? 17000) + offset;
  const topologyFile = path.join(home, fixture);
  mkdirSync(home, { recursive: true });
  writeFileSync(topologyFile, readFileSync(file, 'utf8').replace(/^portBase: \d+$/m, `portBase: ${base}`));
  let saved: string | undefined;
  return {
    home,
    topologyFile,
    options: { topologyFile, progress: (line) => process.stderr.write(`[${label}] ${line}\n`) },
    enter: () => {
      saved = process.env.FABPAY_HOME;
      process.env.FABPAY_HOME = home;
    },
    leave: () => {
      if (saved === undefined) delete process.env.FABPAY_HOME;
      else process.env.FABPAY_HOME = saved;
    },
  };
}

/** The topology file of the shared live network. */
export function testTopologyFile(): string {
  return fixtureTopologyFile('topology.yaml');
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
