import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type CliIo } from './cli';
import { FabpayClient } from './client';
import { FakeGatewayPeer, FakeLedger } from './testing/fake-gateway';
import { TEST_CERT, TEST_KEY } from './testing/fixtures';

jest.setTimeout(30_000);

describe('fabpay CLI', () => {
  let dir: string;
  let peer: FakeGatewayPeer;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fabpay-cli-'));
    const ledger = new FakeLedger((fn, args) => {
      if (fn === 'getBalance') return JSON.stringify({ accountId: args[0], available: '42' });
      if (fn === 'pay') throw new Error('INSUFFICIENT_FUNDS: not enough');
      return JSON.stringify({ fn, args });
    });
    peer = await FakeGatewayPeer.start(ledger);
    const profile = {
      name: 'test',
      channels: { payments: {} },
      organizations: { Org1: { mspid: 'Org1MSP', peers: ['peer0.org1'] } },
      peers: { 'peer0.org1': { url: `grpc://${peer.address}` } },
    };
    await fs.writeFile(path.join(dir, 'profile.json'), JSON.stringify(profile));
    await fs.mkdir(path.join(dir, 'wallet'));
    const id = {
      version: 1,
      type: 'X.509',
      mspId: 'Org1MSP',
      credentials: { certificate: TEST_CERT, privateKey: TEST_KEY },
    };
    await fs.writeFile(path.join(dir, 'wallet', 'appUser.id'), JSON.stringify(id), { mode: 0o600 });
    env = {
      FABPAY_PROFILE: path.join(dir, 'profile.json'),
      FABPAY_WALLET: path.join(dir, 'wallet'),
      FABPAY_IDENTITY: 'appUser',
    };
  });
  afterEach(async () => {
    await peer.stop();
    await fs.rm(dir, { recursive: true, force: true });
  });

  const cli = async (args: string[], envOverride: NodeJS.ProcessEnv = env) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: (t) => void (stdout += t),
      stderr: (t) => void (stderr += t),
      env: envOverride,
    };
    const code = await run(['node', 'fabpay', ...args], io);
    return { code, stdout, stderr };
  };

  it('runs queries and submits with settings from the environment, printing JSON', async () => {
    const balance = await cli(['balance', 'alice', '--json']);
    expect(balance.code).toBe(0);
    expect(JSON.parse(balance.stdout)).toEqual({ accountId: 'alice', available: '42' });

    const opened = await cli(['--json', 'account', 'open', 'acct-1', 'EUR']);
    expect(opened.code).toBe(0);
    const committed = JSON.parse(opened.stdout) as {
      value: unknown;
      blockNumber: string;
      transactionId: string;
    };
    expect(committed.value).toEqual({ fn: 'openAccount', args: ['acct-1', 'EUR', ''] });
    expect(committed.blockNumber).toBe('1');
  });

  it('reports chaincode rejections with their code and exit code 3', async () => {
    const res = await cli(['--json', 'pay', 'p1', 'alice', 'bob', '10', 'EUR']);
    expect(res.code).toBe(3);
    expect(JSON.parse(res.stdout)).toMatchObject({
      error: { paymentCode: 'INSUFFICIENT_FUNDS', category: 'funds' },
    });
    const human = await cli(['pay', 'p1', 'alice', 'bob', '10', 'EUR']);
    expect(human.stderr).toMatch(/INSUFFICIENT_FUNDS: not enough/);
  });

  it('explains missing settings and bad usage with exit code 2', async () => {
    const missing = await cli(['balance', 'alice'], {});
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/FABPAY_PROFILE/);
    expect(missing.stderr).toMatch(/FABPAY_IDENTITY/);
    const usage = await cli(['pay', 'p1']);
    expect(usage.code).toBe(2);
    expect(usage.stderr).toMatch(/missing required argument/);
    const noIdentity = await cli(['balance', 'alice'], { ...env, FABPAY_IDENTITY: 'nobody' });
    expect(noIdentity.code).toBe(2);
    expect(noIdentity.stderr).toMatch(/no such identity/);
  });

  it('FabpayClient.fromEnv reads the same settings as the CLI', async () => {
    const client = await FabpayClient.fromEnv(env);
    try {
      expect(client.channel).toBe('payments');
      expect(client.mspId).toBe('Org1MSP');
      const bytes = await client.evaluate({
        chaincode: 'payments',
        transaction: 'getBalance',
        args: ['bob'],
      });
      expect(JSON.parse(Buffer.from(bytes).toString())).toEqual({ accountId: 'bob', available: '42' });
    } finally {
      await client.close();
    }
    await expect(FabpayClient.fromEnv({})).rejects.toThrow(/FABPAY_PROFILE is not set/);
  });

  it('shows pool status', async () => {
    const res = await cli(['--json', 'pool-status']);
    expect(res.code).toBe(0);
    const status = JSON.parse(res.stdout) as { endpoints: { name: string; state: string }[] };
    expect(status.endpoints).toEqual([expect.objectContaining({ name: 'peer0.org1', state: 'ready' })]);
  });
});
