/**
 * Runs last (the sequencer orders suites by path): `clean` stops every process of the live
 * network and removes all its state.
 */
import { existsSync } from 'node:fs';
import { caStatus } from '@fabpay/ca';
import { clean, processAlive, runningPid, status } from '@fabpay/network';
import { runDir } from '@fabpay/topology';
import { liveNetwork, networkOptions } from './support/live-network';

describe('clean', () => {
  it('leaves no process and no state behind', async () => {
    const ctx = liveNetwork();
    const before = await status(networkOptions());
    const pids = before.processes.filter((p) => p.running).map((p) => p.pid!);
    // Orderers, peers, every peer's chaincode server, and the TLS and intermediate CA of every org.
    expect(pids.length).toBeGreaterThanOrEqual(
      ctx.nodes.length + ctx.peers.length + 2 * (ctx.topology.orgs.length + 1),
    );

    await clean(networkOptions());

    expect(pids.filter((pid) => processAlive(pid))).toEqual([]);
    expect(ctx.nodes.map((n) => runningPid(n.process))).toEqual(ctx.nodes.map(() => undefined));
    expect(caStatus(ctx.topology).filter((c) => c.running)).toEqual([]);
    expect(existsSync(runDir())).toBe(false);
  });
});
