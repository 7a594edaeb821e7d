import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { run, type CliIo } from './cli';
import { FakeGatewayPeer } from './testing/fake-gateway';
import { fakeBatches, type FakeBatches } from './testing/fake-batches';
import { TEST_CERT, TEST_KEY } from './testing/fixtures';

jest.setTimeout(30_000);

describe('fabpay pay-batch', () => {
  let dir: string;
  let peer: FakeGatewayPeer;
  let fake: FakeBatches;
  let env: NodeJS.ProcessEnv;

  beforeEach(async () => {
    dir = await fs.mkdtemp(path.join(os.tmpdir(), 'fabpay-batch-'));
    fake = fakeBatches('EUR');
    peer = await FakeGatewayPeer.start(fake.ledger);
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

  const cli = async (args: string[]) => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: (t) => void (stdout += t), stderr: (t) => void (stderr += t), env, cwd: dir };
    const code = await run(['node', 'fabpay', ...args], io);
    return { code, stdout, stderr };
  };
  const csv = async (rows: string[]) => {
    await fs.writeFile(path.join(dir, 'pay.csv'), ['paymentId,to,amount,reference', ...rows].join('\n'));
    return 'pay.csv';
  };
  const payBatchCalls = () => fake.calls.filter((c) => c.fn === 'payBatch');

  it('pays a file in chunks with progress per batch and a JSON summary; a rerun replays every batch', async () => {
    const file = await csv([
      'p1,ann,100,March',
      'p2,ben,200,',
      'p3,ann,300,"a, b"',
      'p4,cat,400,x',
      'p5,dan,500,y',
    ]);
    const first = await cli([
      'pay-batch',
      file,
      '--from',
      'payroll',
      '--batch-id',
      'run7',
      '--chunk',
      '2',
      '--json',
    ]);
    expect(first.code).toBe(0);
    expect(first.stderr).toMatch(/pay-batch: 5 lines, 1500 EUR from payroll, in 3 batches/);
    expect(first.stderr).toMatch(
      /batch 1\/3 run7\.1 \(2 lines, 300 EUR\): paid in block \d+ \(tx [0-9a-f]{64}\)/,
    );
    expect(first.stderr).toMatch(/batch 3\/3 run7\.3 \(1 lines, 500 EUR\): paid/);
    const summary = JSON.parse(first.stdout) as {
      complete: boolean;
      paidLines: number;
      total: string;
      batches: { batchId: string; status: string; lines: number }[];
    };
    expect(summary).toMatchObject({ complete: true, paidLines: 5, total: '1500', currency: 'EUR' });
    expect(summary.batches.map((b) => [b.batchId, b.status, b.lines])).toEqual([
      ['run7.1', 'paid', 2],
      ['run7.2', 'paid', 2],
      ['run7.3', 'paid', 1],
    ]);
    // The currency came from the paying account; the lines are sent as the chaincode takes them.
    expect(payBatchCalls()[1]?.args).toEqual([
      'run7.2',
      'payroll',
      'EUR',
      '[{"paymentId":"p3","to":"ann","amount":"300","reference":"a, b"},{"paymentId":"p4","to":"cat","amount":"400","reference":"x"}]',
    ]);
    const again = await cli(['pay-batch', file, '--from', 'payroll', '--batch-id', 'run7', '--chunk', '2']);
    expect(again.code).toBe(0);
    expect(again.stderr).toMatch(/batch 2\/3 run7\.2 .*: already paid \(tx [0-9a-f]{64}\)/);
    expect(again.stdout).toBe('paid 5 of 5 lines, 1500 of 1500 EUR (0 batches paid now, 3 earlier)\n');
    expect(fake.batches.size).toBe(3);
  });

  it('without --batch-id derives the run ID from the lines, so the same file run twice pays once', async () => {
    const file = await csv(['p1,ann,100,', 'p2,ben,200,']);
    expect((await cli(['pay-batch', file, '--from', 'payroll'])).code).toBe(0);
    expect((await cli(['pay-batch', file, '--from', 'payroll'])).stdout).toMatch(
      /0 batches paid now, 1 earlier/,
    );
    expect([...fake.batches.keys()]).toEqual([expect.stringMatching(/^payroll\/payout-[0-9a-f]{16}\.1$/)]);
  });

  it('validates the whole file first: every bad row reported with its line, nothing sent, exit 2', async () => {
    const file = await csv(['p1,ann,100,', 'p2,payroll,5,', 'p3,ben,-5,', 'p1,cat,5,']);
    const res = await cli(['pay-batch', file, '--from', 'payroll']);
    expect(res.code).toBe(2);
    expect(res.stderr).toMatch(/pay\.csv: 3 problems, nothing was sent/);
    expect(res.stderr).toMatch(/line 3: to is the paying account payroll/);
    expect(res.stderr).toMatch(/line 4: amount "-5"/);
    expect(res.stderr).toMatch(/line 5: paymentId p1 is also on line 2/);
    const json = await cli(['pay-batch', file, '--from', 'payroll', '--json']);
    expect(JSON.parse(json.stdout)).toMatchObject({
      error: { code: 'INVALID_FILE', problems: [{ line: 3 }, { line: 4 }, { line: 5 }] },
    });
    expect(fake.calls).toEqual([]);
    expect((await cli(['pay-batch', file, '--from', 'payroll', '--chunk', '501'])).stderr).toMatch(
      /--chunk must be a whole number from 1 to 500/,
    );
  });

  it('stops at a refused batch, names the file line, keeps what was paid; a fixed rerun pays the rest', async () => {
    const file = await csv(['p1,ann,100,', 'p2,ben,200,', 'p3,NOPE,300,', 'p4,cat,400,', 'p5,dan,500,']);
    const res = await cli([
      'pay-batch',
      file,
      '--from',
      'payroll',
      '--batch-id',
      'r',
      '--chunk',
      '2',
      '--json',
    ]);
    expect(res.code).toBe(3);
    expect(res.stderr).toMatch(
      /batch 2\/3 r\.2 \(2 lines, 700 EUR\): refused: ACCOUNT_NOT_FOUND: lines\[0\] .* \(file line 4\)/,
    );
    const summary = JSON.parse(res.stdout) as { complete: boolean; paidLines: number; batches: unknown[] };
    expect(summary).toMatchObject({
      complete: false,
      paidLines: 2,
      batches: [
        { batchId: 'r.1', status: 'paid' },
        { batchId: 'r.2', status: 'failed', error: { code: 'ACCOUNT_NOT_FOUND', fileLine: 4 } },
        { batchId: 'r.3', status: 'not-sent' },
      ],
    });
    expect(payBatchCalls().map((c) => c.args[0])).toEqual(['r.1', 'r.2']);
    const fixed = await csv(['p1,ann,100,', 'p2,ben,200,', 'p3,eve,300,', 'p4,cat,400,', 'p5,dan,500,']);
    const rerun = await cli(['pay-batch', fixed, '--from', 'payroll', '--batch-id', 'r', '--chunk', '2']);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout).toMatch(/paid 5 of 5 lines, 1500 of 1500 EUR \(2 batches paid now, 1 earlier\)/);
  });
});
