import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { BinariesMissingError, up } from './network';
import { checkPorts, PortInUseError } from './nodes/lifecycle';
import type { NodeSpec } from './nodes/specs';
import { freePort } from './util/ports';

describe('network errors that change nothing', () => {
  const saved = { ...process.env };
  let tmp: string;
  beforeEach(() => {
    tmp = mkdtempSync(path.join(os.tmpdir(), 'fabpay-net-'));
  });
  afterEach(() => {
    process.env = { ...saved };
    rmSync(tmp, { recursive: true, force: true });
  });

  it('refuses to start without binaries and names the command that installs them', async () => {
    process.env.FABPAY_BIN_DIR = path.join(tmp, 'empty-bin');
    process.env.FABPAY_HOME = path.join(tmp, 'home');
    const err = await up().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(BinariesMissingError);
    expect((err as Error).message).toMatch(/peer.*missing.*run `npm run fabric:install`/);
  });

  it('rejects an invalid topology, naming the field, before starting anything', async () => {
    const file = path.join(tmp, 'topology.yaml');
    writeFileSync(file, 'ordererOrg: { orderers: 9 }\n');
    process.env.FABPAY_HOME = path.join(tmp, 'home');
    await expect(up({ topologyFile: file })).rejects.toThrow(
      /ordererOrg\.orderers: 9 orderers would run .*: a Raft cluster here has 1 to 7/,
    );
  });

  it('names a port that another process holds', async () => {
    const port = await freePort();
    const squatter = net.createServer();
    await new Promise<void>((resolve) => squatter.listen(port, '127.0.0.1', resolve));
    try {
      const node = {
        kind: 'peer',
        host: 'peer0.org1.example.com',
        listen: port,
        second: await freePort(),
        operations: await freePort(),
      } as NodeSpec;
      const err = await checkPorts(node).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(PortInUseError);
      expect((err as Error).message).toBe(
        `port ${port} (peer0.org1.example.com listen) is already in use by another process; stop it or choose another portBase in the topology`,
      );
    } finally {
      await new Promise((resolve) => squatter.close(resolve));
    }
  });
});
