/**
 * Test support: a temporary FABPAY_HOME and a port base whose every planned port is free, so
 * suites never collide with a live network on the default ports (or with each other).
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  binaryPath,
  parseTopology,
  planPorts,
  type PathEnv,
  type Topology,
  type TopologyInput,
} from '@fabpay/topology';

/** True when 127.0.0.1:port can be bound right now. */
export function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });
}

/**
 * A topology at a random port base in 20000..32000 whose planned ports are all free. The range
 * stays below Linux's ephemeral ports (32768 and up): there, any outgoing connection on the
 * machine may take a planned port between the check and its use, or after a server stopped.
 * @throws after 20 attempts.
 */
export async function topologyOnFreePorts(input: Omit<TopologyInput, 'portBase'>): Promise<Topology> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const portBase = 20000 + 1000 * Math.floor(Math.random() * 13);
    const topology = parseTopology({ ...input, portBase }, 'test topology');
    const checks = await Promise.all(planPorts(topology).all.map((a) => portFree(a.port)));
    if (checks.every(Boolean)) return topology;
  }
  throw new Error('no free port base found in 20 attempts');
}

/** A fresh FABPAY_HOME under the OS temp dir; binaries come from the normal bin dir rules. */
export function temporaryEnv(): PathEnv {
  const env: PathEnv = {
    FABPAY_HOME: mkdtempSync(join(tmpdir(), 'fabpay-ca-test-')),
    FABPAY_BIN_DIR: process.env.FABPAY_BIN_DIR,
  };
  const server = binaryPath('fabric-ca-server', env);
  if (!existsSync(server)) {
    throw new Error(
      `${server} is missing: install the Fabric binaries (npm run fabric:install) or set FABPAY_BIN_DIR`,
    );
  }
  return env;
}
