import path from 'node:path';
import { repoRoot } from '@fabpay/topology';
import { run } from '../util/run';

const tsx = path.join(repoRoot(), 'node_modules', '.bin', 'tsx');
const cli = path.join(__dirname, '..', 'cli.ts');

describe('fabpay-network snapshot and peer add', () => {
  it('are commands with --json', async () => {
    const { stdout } = await run(tsx, [cli, '--help']);
    expect(stdout).toMatch(/^ {2}snapshot \[options\] <peer>/m);
    expect(stdout).toMatch(/^ {2}peer\b/m);
    const add = await run(tsx, [cli, 'peer', 'add', '--help']);
    for (const flag of ['--org <org>', '--from-snapshot <dir>', '--peer <name>', '--json']) {
      expect(add.stdout).toContain(flag);
    }
    expect((await run(tsx, [cli, 'snapshot', '--help'])).stdout).toContain('--json');
  });

  it('refuse an unknown peer or org, or a peer number that skips one, before touching the network', async () => {
    const home = { ...process.env, FABPAY_HOME: path.join(repoRoot(), '.fabric', 'no-network-here') };
    const snap = await run(tsx, [cli, 'snapshot', 'peer9.org1', '--json'], { allowFailure: true, env: home });
    expect(snap.code).toBe(1);
    expect(snap.stderr).toMatch(/^error: no peer named "peer9.org1" in the topology; peers: peer0.org1, /m);
    const org = await run(tsx, [cli, 'peer', 'add', '--org', 'Org9', '--json'], {
      allowFailure: true,
      env: home,
    });
    expect(org.code).toBe(1);
    expect(org.stderr).toMatch(/^error: no peer organisation "Org9" in .*; organisations: Org1, Org2/m);
    const gap = await run(tsx, [cli, 'peer', 'add', '--org', 'Org1', '--peer', 'peer5', '--json'], {
      allowFailure: true,
      env: home,
    });
    expect(gap.code).toBe(1);
    expect(gap.stderr).toMatch(/^error: peer5: Org1 has peers peer0..peer1; the next new peer is peer2/m);
  });
});
