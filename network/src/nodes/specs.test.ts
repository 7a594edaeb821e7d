import path from 'node:path';
import { parseTopology } from '@fabpay/topology';
import { paths } from '@fabpay/ca';
import { networkLayout } from '../layout';
import { nodeSpecs } from './specs';

describe('peer node configuration', () => {
  it("gives every peer its own ledger snapshot directory, under its node directory (never core.yaml's shared default)", () => {
    const env = { FABPAY_HOME: '/tmp/fabpay-specs-home' };
    const topology = parseTopology({ portBase: 9000 });
    const layout = networkLayout(env);
    const peers = nodeSpecs(topology, paths(topology, env), layout).filter((n) => n.kind === 'peer');
    expect(peers.length).toBeGreaterThan(1);
    const dirs = peers.map((p) => p.process.env?.CORE_LEDGER_SNAPSHOTS_ROOTDIR);
    for (const [i, p] of peers.entries()) {
      expect(dirs[i]).toBe(path.join(layout.nodesDir, p.host, 'snapshots'));
    }
    expect(new Set(dirs).size).toBe(peers.length);
  });
});
