import path from 'node:path';
import { repoRoot } from '@fabpay/topology';
import { run } from './util/run';

const tsx = path.join(repoRoot(), 'node_modules', '.bin', 'tsx');
const cli = path.join(__dirname, 'cli.ts');

describe('fabpay-network CLI', () => {
  it('prints its own help, naming every command', async () => {
    // fabric-common (through the CA library) once answered --help itself, with yargs' text.
    const { stdout } = await run(tsx, [cli, '--help']);
    expect(stdout).toMatch(/^Usage: fabpay-network/);
    for (const command of [
      'install',
      'verify',
      'up',
      'sample',
      'down',
      'clean',
      'status',
      'logs',
      'deploy',
      'governance',
      'supervise',
      'org',
    ]) {
      expect(stdout).toMatch(new RegExp(`^  ${command}\\b`, 'm'));
    }
    const upHelp = await run(tsx, [cli, 'up', '--help']);
    expect(upHelp.stdout).toMatch(/--supervise/);
  });

  it('supervise refuses a poll interval it cannot keep, before touching the network', async () => {
    const res = await run(tsx, [cli, 'supervise', '--poll-ms', '5'], { allowFailure: true });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: --poll-ms must be an integer >= 50, got 5/m);
  });

  it('governance set without a change says what to give, before touching the network', async () => {
    const res = await run(tsx, [cli, 'governance', 'set'], { allowFailure: true });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/^error: nothing to change: give --file, --custody, /m);
    const bad = await run(tsx, [cli, 'governance', 'set', '--custody', 'maybe'], { allowFailure: true });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/^error: --custody: expected on or off, got "maybe"/m);
  });

  it('org add refuses bad input before touching the network', async () => {
    const peers = await run(tsx, [cli, 'org', 'add', 'Org9', '--peers', '0'], { allowFailure: true });
    expect(peers.code).toBe(1);
    expect(peers.stderr).toMatch(/^error: --peers must be a whole number from 1 to 8, got 0/m);
    const orderer = await run(tsx, [cli, 'org', 'add', 'OrdererOrg'], { allowFailure: true });
    expect(orderer.stderr).toMatch(/^error: OrdererOrg is the orderer organisation/m);
    const user = await run(tsx, [cli, 'org', 'add', 'Org9', '--user', 'erin:role'], { allowFailure: true });
    expect(user.stderr).toMatch(/^error: --user erin:role: expected name\[:attribute=value/m);
  });

  it('fails with a clear message and exit code 1 for an unknown process name', async () => {
    const res = await run(tsx, [cli, 'logs', 'peer9.org7.example.com'], { allowFailure: true });
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(
      /^error: no process named "peer9\.org7\.example\.com"; try one of: orderer0\.example\.com/m,
    );
    // Every peer's chaincode server and the supervisor are named too.
    expect(res.stderr).toMatch(/peer1\.org1-chaincode/);
    expect(res.stderr).toMatch(/, supervisor$/m);
  });
});
