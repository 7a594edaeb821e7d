/**
 * The Caliper workspace generator and workload without a network or Caliper: identities' files
 * stand in for the CA's MSPs, the workload runs against a recording connector, and every `pay` it
 * would send is checked against the chaincode's own contract metadata (parameter count, patterns,
 * bounds), so a change to `pay` that the workload does not follow fails here.
 */
// Before fabric-contract-api loads (with the contract below): its loggers read the level once.
import '@fabpay/chaincode/dist/testing/quiet';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse } from 'yaml';
import { paths } from '@fabpay/ca';
import { isValidId } from '@fabpay/model';
import { defaultTopologyFile, loadTopology } from '@fabpay/topology';
import { PaymentsContract } from '@fabpay/chaincode/dist/contract/payments-contract';
import { networkContext, type NetworkContext } from '../context';
import { connectionProfileFile, writeProfiles } from '../profiles';
import {
  CALIPER_RESULTS_HEADING,
  CALIPER_ROUNDS,
  caliperEnv,
  CaliperWorkspaceError,
  DEFAULT_CALIPER_SETTINGS,
  parseCaliperSummary,
  writeCaliperWorkspaces,
  type CaliperIdentity,
  type CaliperWorkspace,
  type PayWorkloadArguments,
  workerShare,
} from './index';
import { PayWorkload, type CaliperFabricRequest } from './pay-workload';

/** The chaincode's transaction metadata, as fabric-contract-api publishes it. */
interface TxMetadata {
  name: string;
  parameters: { name: string; schema: { pattern?: string; maxLength: number } }[];
}
const transactions = (
  Reflect as unknown as { getMetadata(key: string, target: object): TxMetadata[] }
).getMetadata('fabric:transactions', PaymentsContract.prototype);

interface NetworkConfigFile {
  version: string;
  channels: { channelName: string; contracts: { id: string }[] }[];
  organizations: {
    mspid: string;
    identities: { certificates: CaliperIdentity[] };
    connectionProfile: { path: string };
  }[];
}
interface BenchmarkFile {
  test: {
    workers: { number: number };
    rounds: {
      label: string;
      txNumber: number;
      rateControl: { type: string };
      workload: { arguments: PayWorkloadArguments };
    }[];
  };
}

describe('Caliper workspaces', () => {
  const saved = process.env.FABPAY_HOME;
  let dir: string;
  let ctx: NetworkContext;
  let workspaces: CaliperWorkspace[];

  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'fabpay-caliper-'));
    process.env.FABPAY_HOME = path.join(dir, 'home');
    const topology = loadTopology(defaultTopologyFile());
    ctx = networkContext(topology, paths(topology));
    for (const org of ctx.caPaths.orgs) {
      mkdirSync(path.dirname(org.tlsCaCert), { recursive: true });
      writeFileSync(org.tlsCaCert, `-----BEGIN CERTIFICATE-----\n${org.org}\n-----END CERTIFICATE-----\n`);
      // Each user's local MSP as Fabric lays it out: one certificate, one key.
      for (const user of org.users) {
        const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
        mkdirSync(path.join(user.msp, 'signcerts'), { recursive: true });
        mkdirSync(path.join(user.msp, 'keystore'), { recursive: true });
        writeFileSync(
          path.join(user.msp, 'signcerts', 'cert.pem'),
          `-----BEGIN CERTIFICATE-----\n${user.enrollmentId}\n-----END CERTIFICATE-----\n`,
        );
        writeFileSync(
          path.join(user.msp, 'keystore', 'priv_sk'),
          privateKey.export({ type: 'pkcs8', format: 'pem' }),
        );
      }
    }
    writeProfiles(ctx);
    workspaces = writeCaliperWorkspaces(ctx);
  });
  afterAll(() => {
    if (saved === undefined) delete process.env.FABPAY_HOME;
    else process.env.FABPAY_HOME = saved;
    rmSync(dir, { recursive: true, force: true });
  });

  const networkConfig = (ws: CaliperWorkspace) =>
    parse(readFileSync(ws.networkConfig, 'utf8')) as NetworkConfigFile;
  const benchmark = (ws: CaliperWorkspace) =>
    parse(readFileSync(ws.benchmarkConfig, 'utf8')) as BenchmarkFile;

  test('one workspace per org; its network config names every user with existing certificate and key files', () => {
    expect(workspaces.map((w) => w.org)).toEqual(ctx.topology.orgs.map((o) => o.name));
    for (const ws of workspaces) {
      const config = networkConfig(ws);
      expect(config.version).toBe('2.0.0');
      expect(config.channels).toEqual([{ channelName: 'payments', contracts: [{ id: 'payments' }] }]);
      expect(config.organizations).toHaveLength(1);
      const org = config.organizations[0]!;
      expect(org.mspid).toBe(ws.mspId);
      expect(org.connectionProfile.path).toBe(connectionProfileFile(ctx, ws.org));
      const users = ctx.caPaths.org(ws.org).users;
      expect(org.identities.certificates.map((c) => c.name)).toEqual(users.map((u) => u.enrollmentId));
      for (const id of org.identities.certificates) {
        expect(readFileSync(id.clientSignedCert.path, 'utf8')).toMatch(/^-----BEGIN CERTIFICATE-----/);
        expect(readFileSync(id.clientPrivateKey.path, 'utf8')).toMatch(/^-----BEGIN PRIVATE KEY-----/);
      }
    }
  });

  test('a missing key file is named when the workspace is written, not when Caliper starts', () => {
    const key = path.join(ctx.caPaths.org('Org2').users[0]!.msp, 'keystore', 'priv_sk');
    const content = readFileSync(key);
    rmSync(key);
    try {
      expect(() => writeCaliperWorkspaces(ctx)).toThrow(CaliperWorkspaceError);
      expect(() => writeCaliperWorkspaces(ctx)).toThrow(key);
    } finally {
      writeFileSync(key, content);
    }
  });

  test('a bounded fixed-rate and fixed-load round of pay over the org accounts, owned by its users', () => {
    for (const ws of workspaces) {
      const { test: t } = benchmark(ws);
      expect(t.workers.number).toBe(DEFAULT_CALIPER_SETTINGS.workers);
      expect(t.rounds.map((r) => [r.label, r.rateControl.type])).toEqual([
        [CALIPER_ROUNDS[0], 'fixed-rate'],
        [CALIPER_ROUNDS[1], 'fixed-load'],
      ]);
      for (const r of t.rounds) expect(r.txNumber).toBeLessThanOrEqual(1000);
      const args = t.rounds[0]!.workload.arguments;
      const users = networkConfig(ws).organizations[0]!.identities.certificates.map((c) => c.name);
      expect(args.accounts).toHaveLength(DEFAULT_CALIPER_SETTINGS.accountsPerOrg);
      expect(new Set(args.accounts.map((a) => a.id)).size).toBe(args.accounts.length);
      expect(new Set(args.accounts.map((a) => a.owner))).toEqual(new Set(users));
      expect(args.accounts.every((a) => isValidId(a.id))).toBe(true);
      expect(args.amount).toMatch(/^[1-9][0-9]*$/);
    }
  });

  test('every pay the workload sends matches the chaincode contract, from a rested payer no other payment has in flight', async () => {
    const pay = transactions.find((t) => t.name === 'pay');
    expect(pay).toBeDefined();
    const ws = workspaces[0]!;
    const { test: t } = benchmark(ws);
    const workers = t.workers.number;
    const ids = new Set<string>();
    const payersOf: Set<string>[] = [];
    for (const [round, r] of t.rounds.entries()) {
      // A short rest keeps the test fast; the generated one is what the test below checks.
      const args: PayWorkloadArguments = { ...r.workload.arguments, restMs: 5 };
      const share = workerShare(args.txNumber, workers);
      for (let w = 0; w < workers; w++) {
        const inFlight = new Set<string>();
        const doneAt = new Map<string, number>();
        const payers = new Set<string>();
        const sent: CaliperFabricRequest[] = [];
        const connector = {
          sendRequests: async (req: CaliperFabricRequest) => {
            const from = req.contractArguments[1]!;
            expect(inFlight.has(from)).toBe(false);
            expect(Date.now() - (doneAt.get(from) ?? 0)).toBeGreaterThanOrEqual(args.restMs - 1);
            inFlight.add(from);
            sent.push(req);
            await new Promise((resolve) => setTimeout(resolve, 1 + (sent.length % 7)));
            inFlight.delete(from);
            doneAt.set(from, Date.now());
          },
        };
        const workload = new PayWorkload();
        await workload.initializeWorkloadModule(w, workers, round, args, connector);
        // Caliper calls at its rate without waiting for earlier calls, and more often than the
        // worker's share when calls wait for a payer: only the share is sent.
        const calls = Array.from({ length: share + 20 }, () => workload.submitTransaction());
        await Promise.all(calls);
        await workload.cleanupWorkloadModule();
        expect(sent).toHaveLength(share);

        const accounts = new Map(args.accounts.map((a) => [a.id, a.owner]));
        for (const req of sent) {
          expect(req.contractFunction).toBe('pay');
          expect(req.readOnly).toBe(false);
          expect(req.invokerMspId).toBe(ws.mspId);
          expect([req.channel, req.contractId]).toEqual(['payments', 'payments']);
          expect(req.contractArguments).toHaveLength(pay!.parameters.length);
          req.contractArguments.forEach((arg, i) => {
            const { name, schema } = pay!.parameters[i]!;
            expect([name, arg.length <= schema.maxLength]).toEqual([name, true]);
            if (schema.pattern) expect([name, new RegExp(schema.pattern).test(arg)]).toEqual([name, true]);
          });
          const [paymentId, from, to, amount, currency] = req.contractArguments;
          expect(accounts.get(from!)).toBe(req.invokerIdentity); // only the owner of `from` may pay
          expect(accounts.has(to!)).toBe(true);
          expect(to).not.toBe(from);
          expect([amount, currency]).toEqual([args.amount, args.currency]);
          expect(ids.has(paymentId!)).toBe(false);
          ids.add(paymentId!);
          payers.add(from!);
        }
        if (round === 0) payersOf.push(payers);
      }
    }
    // Workers never share a payer: they are separate processes and cannot coordinate.
    expect([...payersOf[0]!].filter((p) => payersOf[1]!.has(p))).toEqual([]);
  });

  test('each round tells the workload its txNumber and the rest between payments of a payer', () => {
    const { test: t } = benchmark(workspaces[0]!);
    for (const r of t.rounds) {
      expect(r.workload.arguments.txNumber).toBe(r.txNumber);
      expect(r.workload.arguments.restMs).toBe(DEFAULT_CALIPER_SETTINGS.restMs);
    }
  });
});

describe("Caliper's output", () => {
  // Caliper 0.6.0's log as it printed the final table in a run (colour escapes and all).
  const output = [
    '2026.11.29-18:40:04.458\u001b[32m info \u001b[39m [caliper] [report-builder] \t### All test results ###',
    '2026.11.29-18:40:04.459\u001b[32m info \u001b[39m [caliper] [report-builder] \t',
    '+----------------+------+------+-----------------+-----------------+-----------------+-----------------+------------------+',
    '| Name           | Succ | Fail | Send Rate (TPS) | Max Latency (s) | Min Latency (s) | Avg Latency (s) | Throughput (TPS) |',
    '|----------------|------|------|-----------------|-----------------|-----------------|-----------------|------------------|',
    '| pay-fixed-rate | 300  | 0    | 18.5            | 2.78            | 0.29            | 0.99            | 18.0             |',
    '|----------------|------|------|-----------------|-----------------|-----------------|-----------------|------------------|',
    '| pay-fixed-load | 298  | 2    | 11.8            | 1.54            | 0.16            | 0.58            | 11.6             |',
    '+----------------+------+------+-----------------+-----------------+-----------------+-----------------+------------------+',
    '',
    '2026.11.29-18:40:04.472\u001b[32m info \u001b[39m [caliper] [report-builder] \tGenerated report with path /tmp/report.html',
  ].join('\n');

  test('the final result table is found and read row by row', () => {
    expect(output).toContain(CALIPER_RESULTS_HEADING);
    const summary = parseCaliperSummary(output);
    expect(summary?.table.split('\n')).toHaveLength(7);
    expect(summary?.rounds).toEqual([
      {
        name: 'pay-fixed-rate',
        succ: 300,
        fail: 0,
        sendRate: 18.5,
        maxLatency: 2.78,
        minLatency: 0.29,
        avgLatency: 0.99,
        throughput: 18,
      },
      {
        name: 'pay-fixed-load',
        succ: 298,
        fail: 2,
        sendRate: 11.8,
        maxLatency: 1.54,
        minLatency: 0.16,
        avgLatency: 0.58,
        throughput: 11.6,
      },
    ]);
    expect(parseCaliperSummary('no table here')).toBeUndefined();
  });

  test("Caliper's processes get the resolution fence, keeping NODE_OPTIONS they had", () => {
    const env = caliperEnv('/x/.caliper', { NODE_OPTIONS: '--max-old-space-size=512' });
    expect(env.FABPAY_CALIPER_DIR).toBe('/x/.caliper');
    expect(env.NODE_OPTIONS).toMatch(/^--max-old-space-size=512 --require ".*resolution-fence\.js"$/);
  });
});
