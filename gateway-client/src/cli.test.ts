import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type CliIo } from './cli';
import { FabpayClient } from './client';
import { FakeGatewayPeer, FakeLedger } from './testing/fake-gateway';
import { TEST_CERT, TEST_KEY } from './testing/fixtures';

jest.setTimeout(30_000);

const GOVERNANCE = {
  members: ['Org1MSP', 'Org2MSP'],
  issuers: { EUR: ['Org1MSP'], USD: ['Org1MSP'] },
  compliance: { Org1MSP: ['Org1MSP'], Org2MSP: ['Org2MSP'] },
  maxClockSkewSeconds: 60,
  maxHoldSeconds: 604800,
  custody: true,
  version: 1,
  updatedAt: '2026-01-01T00:00:00.000Z',
};

describe('fabpay CLI', () => {
  let dir: string;
  let peer: FakeGatewayPeer;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fabpay-cli-'));
    const ledger = new FakeLedger((fn, args) => {
      if (fn === 'getBalance') return JSON.stringify({ accountId: args[0], available: '42' });
      if (fn === 'pay') throw new Error('INSUFFICIENT_FUNDS: not enough');
      if (fn === 'getGovernance') return JSON.stringify(GOVERNANCE);
      if (fn === 'getAllowance')
        return JSON.stringify({ accountId: args[0], spender: args[1], amount: '30' });
      if (fn === 'setLimits' && args[1] === '999')
        throw new Error('CLOCK_SKEW: the proposal timestamp is off');
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

  it('account open --shards opens a sharded account; a bad count fails before sending', async () => {
    const opened = await cli(['--json', 'account', 'open', 'hot', 'EUR', '--shards', '16']);
    expect(opened.code).toBe(0);
    expect((JSON.parse(opened.stdout) as { value: unknown }).value).toEqual({
      fn: 'openShardedAccount',
      args: ['hot', 'EUR', '', '16'],
    });
    for (const bad of ['0', '65', 'x']) {
      const res = await cli(['--json', 'account', 'open', 'hot', 'EUR', '--shards', bad]);
      expect(res.code).not.toBe(0);
      expect(res.stdout + res.stderr).toMatch(/shards must be a whole number from 1 to 64/);
    }
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

  describe('without --profile: the local network', () => {
    /** A fabpay home as `fabpay-network up` leaves it: a profile per org naming its wallet. */
    const localNetwork = async (): Promise<string> => {
      const home = path.join(dir, 'repo', '.fabric');
      const profiles = path.join(home, 'run', 'network', 'profiles');
      await fs.mkdir(profiles, { recursive: true });
      const base = JSON.parse(await fs.readFile(env.FABPAY_PROFILE!, 'utf8')) as Record<string, unknown>;
      for (const org of ['Org1', 'Org2']) {
        const wallet = path.join(home, 'run', 'wallets', org);
        await fs.mkdir(wallet, { recursive: true });
        const id = await fs.readFile(path.join(env.FABPAY_WALLET!, 'appUser.id'), 'utf8');
        await fs.writeFile(path.join(wallet, 'admin.id'), id, { mode: 0o600 });
        if (org === 'Org1') await fs.writeFile(path.join(wallet, 'alice.id'), id, { mode: 0o600 });
        await fs.writeFile(
          path.join(profiles, `connection-${org.toLowerCase()}.json`),
          JSON.stringify({
            ...base,
            client: { organization: org },
            organizations: {
              Org1: { mspid: 'Org1MSP', peers: org === 'Org1' ? ['peer0.org1'] : [] },
              Org2: { mspid: 'Org2MSP', peers: org === 'Org2' ? ['peer0.org1'] : [] },
            },
            'x-fabpay': { wallet },
          }),
        );
      }
      return home;
    };
    const cliIn = async (cwd: string, args: string[], cliEnv: NodeJS.ProcessEnv = {}) => {
      let stdout = '';
      let stderr = '';
      const io: CliIo = {
        stdout: (t) => void (stdout += t),
        stderr: (t) => void (stderr += t),
        env: cliEnv,
        cwd,
      };
      const code = await run(['node', 'fabpay', ...args], io);
      return { code, stdout, stderr };
    };

    it('finds the profile and wallet of the org holding the identity, and says which', async () => {
      const home = await localNetwork();
      const sub = path.join(dir, 'repo', 'some', 'dir');
      await fs.mkdir(sub, { recursive: true });
      const res = await cliIn(sub, ['balance', 'acct-1', '--identity', 'alice', '--json']);
      expect(res.code).toBe(0);
      expect(JSON.parse(res.stdout)).toEqual({ accountId: 'acct-1', available: '42' });
      const profile = path.join(home, 'run', 'network', 'profiles', 'connection-org1.json');
      expect(res.stderr).toContain(`using the local network's connection profile ${profile} (Org1)`);
      expect(res.stderr).toContain(`identity store ${path.join(home, 'run', 'wallets', 'Org1')}`);

      // FABPAY_HOME names the home directly, from anywhere.
      const viaHome = await cliIn(os.tmpdir(), ['balance', 'acct-2', '--identity', 'alice'], {
        FABPAY_HOME: home,
      });
      expect(viaHome.code).toBe(0);
      expect(viaHome.stderr).toContain(profile);
    });

    it('explicit settings win, and a profile alone brings its own wallet', async () => {
      const home = await localNetwork();
      const explicit = await cliIn(dir, ['balance', 'acct-1'], { ...env, FABPAY_HOME: home });
      expect(explicit.code).toBe(0);
      expect(explicit.stderr).not.toMatch(/using/);

      const org2 = path.join(home, 'run', 'network', 'profiles', 'connection-org2.json');
      const profileOnly = await cliIn(dir, ['balance', 'acct-1', '--profile', org2, '--identity', 'admin']);
      expect(profileOnly.code).toBe(0);
      expect(profileOnly.stderr).toContain(
        `using the identity store named by the profile: ${path.join(home, 'run', 'wallets', 'Org2')}`,
      );
    });

    it('refuses to guess: an identity in several orgs, an unknown one, a stopped network, none at all', async () => {
      const home = await localNetwork();
      const twice = await cliIn(dir, ['balance', 'acct-1', '--identity', 'admin'], { FABPAY_HOME: home });
      expect(twice.code).toBe(2);
      expect(twice.stderr).toMatch(/"admin" is in several organisations' identity stores \(Org1, Org2\)/);
      expect(twice.stderr).toMatch(/choose one with --profile .*connection-org1\.json/);

      const unknown = await cliIn(dir, ['balance', 'acct-1', '--identity', 'zed'], { FABPAY_HOME: home });
      expect(unknown.code).toBe(2);
      expect(unknown.stderr).toMatch(/no identity "zed" .*Org1: admin, alice; Org2: admin/);

      // A network that was brought down keeps its profiles; its PID files tell it is not running.
      const pidFile = path.join(home, 'run', 'network', 'nodes', 'peer0.org1', 'node.pid');
      await fs.mkdir(path.dirname(pidFile), { recursive: true });
      await fs.writeFile(pidFile, '99999999\n'); // above any pid_max: no such process
      const stopped = await cliIn(dir, ['balance', 'acct-1', '--identity', 'alice'], { FABPAY_HOME: home });
      expect(stopped.code).toBe(2);
      expect(stopped.stderr).toMatch(/local network in .* is not running .*npx fabpay-network up/);
      await fs.writeFile(pidFile, `${process.pid}\n`);
      const running = await cliIn(dir, ['balance', 'acct-1', '--identity', 'alice'], { FABPAY_HOME: home });
      expect(running.code).toBe(0);
      // The record the network tool writes (topology/src/process/record.ts): the PID on line 1.
      await fs.writeFile(
        pidFile,
        `${process.pid}\nstarttime=12345\nboot_id=00000000-0000-0000-0000-000000000000\ncommand=peer node start\n`,
      );
      const recorded = await cliIn(dir, ['balance', 'acct-1', '--identity', 'alice'], { FABPAY_HOME: home });
      expect(recorded.stderr).not.toMatch(/not running/);
      expect(recorded.code).toBe(0);

      const empty = path.join(dir, 'empty');
      await fs.mkdir(empty);
      const none = await cliIn(empty, ['balance', 'acct-1', '--identity', 'alice']);
      expect(none.code).toBe(2);
      expect(none.stderr).toMatch(/no local network found .*npx fabpay-network up/);
    });
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

  /** The transaction and arguments a command sent (the fake ledger echoes them). */
  const sent = async (args: string[]): Promise<{ fn: string; args: string[] }> => {
    const res = await cli(['--json', ...args]);
    expect({ args, code: res.code, stderr: res.stderr }).toEqual({ args, code: 0, stderr: '' });
    const out = JSON.parse(res.stdout) as { value?: { fn: string; args: string[] }; fn?: string };
    return (out.value ?? out) as { fn: string; args: string[] };
  };

  it('sends holds, refunds and payments with the payer account that scopes their IDs', async () => {
    expect(await sent(['hold', 'capture', 'payer-1', 'h1', '300'])).toEqual({
      fn: 'captureHold',
      args: ['payer-1', 'h1', '300'],
    });
    expect(await sent(['hold', 'release', 'payer-1', 'h2'])).toEqual({
      fn: 'releaseHold',
      args: ['payer-1', 'h2'],
    });
    expect(await sent(['hold', 'expire', 'payer-1', 'h3'])).toEqual({
      fn: 'expireHold',
      args: ['payer-1', 'h3'],
    });
    expect(await sent(['hold', 'get', 'payer-1', 'h1'])).toEqual({ fn: 'getHold', args: ['payer-1', 'h1'] });
    expect(await sent(['refund', 'create', 'payer-1', 'pay-1', 'r1', '40', '--reason', 'damaged'])).toEqual({
      fn: 'refund',
      args: ['payer-1', 'pay-1', 'r1', '40', 'damaged'],
    });
    expect(await sent(['refund', 'get', 'payer-1', 'pay-1', 'r1'])).toEqual({
      fn: 'getRefund',
      args: ['payer-1', 'pay-1', 'r1'],
    });
    expect(await sent(['payment', 'payer-1', 'pay-1'])).toEqual({
      fn: 'getPayment',
      args: ['payer-1', 'pay-1'],
    });
    expect(await sent(['operation', 'Org1MSP', 'EUR', 'op-1'])).toEqual({
      fn: 'getOperation',
      args: ['Org1MSP', 'EUR', 'op-1'],
    });
    const old = await cli(['hold', 'capture', 'h1', '300']);
    expect(old.code).toBe(2);
    expect(old.stderr).toMatch(/missing required argument 'amount'/);
  });

  it('approves allowances by compare-and-set and sets either layer of limits', async () => {
    expect(await sent(['allowance', 'approve', 'acct', 'Org2MSP::dave', '50', '--expected', '0'])).toEqual({
      fn: 'approve',
      args: ['acct', 'Org2MSP::dave', '0', '50'],
    });
    const noExpected = await cli(['allowance', 'approve', 'acct', 'Org2MSP::dave', '50']);
    expect(noExpected.code).toBe(2);
    expect(noExpected.stderr).toMatch(/--expected/);
    // increase: reads 30, approves 30 -> 35 with 30 as expected.
    expect(await sent(['allowance', 'increase', 'acct', 'Org2MSP::dave', '5'])).toEqual({
      fn: 'approve',
      args: ['acct', 'Org2MSP::dave', '30', '35'],
    });
    expect(await sent(['allowance', 'decrease', 'acct', 'Org2MSP::dave', '30'])).toEqual({
      fn: 'approve',
      args: ['acct', 'Org2MSP::dave', '30', '0'],
    });
    expect(await sent(['allowance', 'get', 'acct', 'Org2MSP::dave'])).toMatchObject({ amount: '30' });

    expect(await sent(['limits', 'set', 'acct', '--per-payment', '100'])).toEqual({
      fn: 'setLimits',
      args: ['acct', '100', ''],
    });
    expect(await sent(['limits', 'set', 'acct', '--compliance', '--per-day', '1000'])).toEqual({
      fn: 'setComplianceLimits',
      args: ['acct', '', '1000'],
    });
    const skew = await cli(['--json', 'limits', 'set', 'acct', '--per-payment', '999']);
    expect(skew.code).toBe(3);
    expect(JSON.parse(skew.stdout)).toMatchObject({
      error: { paymentCode: 'CLOCK_SKEW', category: 'clock' },
    });
  });

  it('shows, proposes and approves governance changes', async () => {
    expect(await sent(['governance', 'show'])).toEqual(GOVERNANCE);
    const { version: _v, updatedAt: _u, ...terms } = GOVERNANCE;
    const proposed = await sent([
      'governance',
      'propose',
      'custody-off',
      '--custody',
      'off',
      '--max-hold',
      '3600',
    ]);
    expect(proposed.fn).toBe('proposeGovernance');
    expect(proposed.args[0]).toBe('custody-off');
    expect(JSON.parse(proposed.args[1]!)).toEqual({ ...terms, custody: false, maxHoldSeconds: 3600 });

    const file = path.join(dir, 'terms.json');
    await fs.writeFile(file, JSON.stringify({ ...terms, members: ['Org1MSP'] }));
    const fromFile = await sent(['governance', 'propose', 'shrink', '--terms', file]);
    expect(JSON.parse(fromFile.args[1]!)).toMatchObject({ members: ['Org1MSP'], custody: true });
    expect(await sent(['governance', 'init', file])).toMatchObject({ fn: 'initGovernance' });

    expect(await sent(['governance', 'approve', 'Org1MSP', 'custody-off'])).toEqual({
      fn: 'approveGovernance',
      args: ['Org1MSP', 'custody-off'],
    });
    expect(await sent(['governance', 'proposal', 'Org1MSP', 'custody-off'])).toEqual({
      fn: 'getGovernanceProposal',
      args: ['Org1MSP', 'custody-off'],
    });
    expect(await sent(['governance', 'proposals', '--page-size', '5'])).toEqual({
      fn: 'listGovernanceProposals',
      args: ['5', ''],
    });
    const bad = await cli(['governance', 'propose', 'x', '--custody', 'maybe']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/--custody must be on or off/);
    const missing = await cli(['governance', 'init', path.join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/cannot read terms file/);
  });

  it('shows pool status', async () => {
    const res = await cli(['--json', 'pool-status']);
    expect(res.code).toBe(0);
    const status = JSON.parse(res.stdout) as { endpoints: { name: string; state: string }[] };
    expect(status.endpoints).toEqual([expect.objectContaining({ name: 'peer0.org1', state: 'ready' })]);
  });
});
