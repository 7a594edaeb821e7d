import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { processAlive, startProcess } from '@fabpay/topology';
import { contextFor, down } from '../network';
import { legacyOrgChaincodeProcess } from './server';

describe('a network started before chaincode servers per peer', () => {
  const saved = { ...process.env };
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-legacy-'));
    process.env.FABPAY_HOME = path.join(tmp, 'home');
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(tmp, { recursive: true, force: true });
  });

  it('has its one chaincode server per org stopped by down, not left behind', async () => {
    const topologyFile = path.join(tmp, 'topology.yaml');
    writeFileSync(topologyFile, 'portBase: 29000\n');
    const ctx = contextFor({ topologyFile });
    const org = ctx.topology.orgs[0]!.name;
    // Stands in for that server: a process with the PID record the old layout wrote.
    const ref = legacyOrgChaincodeProcess(ctx, org);
    mkdirSync(path.dirname(ref.pidFile), { recursive: true });
    const { pid } = startProcess({
      ...ref,
      command: 'sleep',
      args: ['30'],
      logFile: path.join(tmp, 'legacy.log'),
    });
    try {
      expect(processAlive(pid)).toBe(true);
      const stopped = await down({ topologyFile });
      expect(stopped).toContain(ref.name);
      expect(processAlive(pid)).toBe(false);
    } finally {
      if (processAlive(pid)) process.kill(pid, 'SIGKILL');
    }
  });
});
