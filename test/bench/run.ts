/**
 * `npm run bench`: the end-to-end payments benchmark (not a test; nothing is asserted).
 *
 * Brings up (or reuses) its own network (test/bench/topology.yaml, ports 37000+, state in
 * .fabric/bench-home), sets up accounts and funds outside the measured window, then measures in
 * one run on the same network:
 *   (1) this project's client (@fabpay/gateway-client) on each workload;
 *   (2) @hyperledger/fabric-gateway as its samples use it: one connection, default signer, one
 *       payment after another;
 *   (3) the same with naive concurrency: Promise.all over waves of payments on one connection;
 * and, with this client on the uniform (and hot) workload, other block-cutting settings (channel
 * config update) and a one-org endorsement policy (chaincode upgrade). Prints JSON on stdout
 * (progress and a table on stderr) and, unless --keep, removes the network at the end.
 */
import { readFileSync, rmSync } from 'node:fs';
import path from 'node:path';
import { connectionProfileFile } from '@fabpay/network';
import { binaryPath } from '@fabpay/topology';
import { CpuSampler } from './cpu';
import { parseBenchArgs, type BenchArgs } from './args';
import { runLoad, type LoadOptions, type PaymentSubmitter } from './load';
import {
  BENCH_HOME,
  BENCH_TOPOLOGY,
  batchLabel,
  benchContext,
  cleanNetwork,
  ensureNetwork,
  readEndorsement,
  setBatch,
  setChannelCapability,
  setEndorsement,
  trackedProcesses,
  type BatchSetting,
  type ChannelCapability,
  type Endorsement,
} from './network';
import {
  biggestSpender,
  machineInfo,
  ratio,
  runReport,
  table,
  type ClientKind,
  type RunReport,
} from './report';
import { FabpaySubmitter } from './runners/fabpay';
import { UpstreamSubmitter } from './runners/upstream';
import { setupAccounts, type SetupReport } from './setup';
import { makeWorkload, type Accounts, type WorkloadName } from './workloads';

/** The whole bench stops by itself after this long, whatever happens. */
const OVERALL_LIMIT_MS = 30 * 60_000;
const CHANNEL = 'payments';
const CHAINCODE = 'payments';
const IDENTITY = 'alice'; // role issuer in the bench topology; owns every bench account

interface Settings {
  capability: ChannelCapability;
  endorsement: Endorsement;
  batch: BatchSetting;
}

function settingsLabel(s: Settings): string {
  return `${s.capability}/${s.endorsement}/${batchLabel(s.batch)}`;
}

class Bench {
  readonly runs: RunReport[] = [];
  readonly tag = `b${Date.now().toString(36)}`;
  accounts!: Accounts;
  fabpay!: FabpaySubmitter;
  profile = '';
  wallet = '';

  constructor(
    readonly args: BenchArgs,
    readonly log: (line: string) => void,
  ) {}

  fabpayLoad(workload: WorkloadName): LoadOptions {
    const fanout = workload === 'fanout';
    return {
      count: fanout ? this.args.fanoutPayments : this.args.payments,
      concurrency: fanout ? this.args.fanoutConcurrency : this.args.concurrency,
      timeCapMs: this.args.timeCapSeconds * 1000,
      mode: 'workers',
    };
  }

  async measure(
    client: ClientKind,
    submitter: PaymentSubmitter,
    workloadName: WorkloadName,
    opts: LoadOptions,
    settings: Settings,
    note = '',
  ): Promise<RunReport> {
    const label = `${client}/${workloadName}/${settingsLabel(settings)}${note}`;
    const slug = `${this.tag}-${this.runs.length}`;
    const workload = makeWorkload(workloadName, this.accounts, slug);
    const sampler = new CpuSampler(await trackedProcesses(() => undefined));
    const retriesBefore = await submitter.conflictRetries();
    const countsBefore = await submitter.retryCounts();
    this.log(
      `[bench] run ${label}: up to ${opts.count} payments, ${opts.concurrency} ${opts.mode === 'waves' ? 'per Promise.all wave' : 'in flight'}, cap ${opts.timeCapMs / 1000} s`,
    );
    sampler.begin();
    const load = await runLoad(submitter, workload, opts);
    const cpu = sampler.end();
    const retries = (await submitter.conflictRetries()) - retriesBefore;
    const clientRetries: Record<string, number> = {};
    for (const [k, v] of Object.entries(await submitter.retryCounts())) {
      const d = v - (countsBefore[k] ?? 0);
      if (d > 0) clientRetries[k] = d;
    }
    const report = runReport({
      label,
      client,
      clientDescription: submitter.name,
      workload: `${workloadName}: ${workload.description}`,
      capability: settings.capability,
      endorsement: settings.endorsement,
      batch: batchLabel(settings.batch),
      concurrency: opts.concurrency,
      mode: opts.mode,
      load,
      conflictRetries: retries,
      clientRetries,
      cpu,
    });
    this.runs.push(report);
    this.log(
      `[bench]   ${report.committedPerSecond} committed/s, p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, ` +
        `${report.payments.failed} failed, conflicts ${report.conflicts.seenAtCommit} seen / ${report.conflicts.reachedCallers} to callers`,
    );
    return report;
  }

  async warmup(settings: Settings): Promise<void> {
    if (this.args.warmup === 0) return;
    const workload = makeWorkload('uniform', this.accounts, `${this.tag}-w${this.runs.length}`, 7);
    this.log(`[bench] warm-up: ${this.args.warmup} payments (${settingsLabel(settings)}), not measured`);
    await runLoad(this.fabpay, workload, {
      count: this.args.warmup,
      concurrency: this.args.concurrency,
      timeCapMs: 60_000,
      mode: 'workers',
    });
  }

  async upstream(kind: 'upstream-sequential' | 'upstream-concurrent', settings: Settings): Promise<void> {
    const sequential = kind === 'upstream-sequential';
    const submitter = await UpstreamSubmitter.open({
      name: sequential
        ? '@hyperledger/fabric-gateway as in its samples: one connection, signers.newPrivateKeySigner, one submitTransaction after another'
        : `@hyperledger/fabric-gateway, one connection, signers.newPrivateKeySigner, ${
            this.args.upstreamWave > 0
              ? `Promise.all over waves of ${this.args.upstreamWave}`
              : `one Promise.all over all ${this.args.payments} payments`
          }`,
      profile: this.profile,
      wallet: this.wallet,
      identity: IDENTITY,
      channel: CHANNEL,
      chaincode: CHAINCODE,
    });
    try {
      const opts: LoadOptions = sequential
        ? {
            count: this.args.sequentialPayments,
            concurrency: 1,
            timeCapMs: this.args.sequentialSeconds * 1000,
            mode: 'workers',
          }
        : {
            count: this.args.payments,
            concurrency: this.args.upstreamWave > 0 ? this.args.upstreamWave : this.args.payments,
            timeCapMs: this.args.timeCapSeconds * 1000,
            mode: 'waves',
          };
      await this.measure(kind, submitter, 'uniform', opts, settings);
    } finally {
      await submitter.close();
    }
  }
}

async function main(): Promise<void> {
  const args = parseBenchArgs(process.argv.slice(2));
  const log = (line: string): void => {
    if (!args.jsonOnly) process.stderr.write(`${line}\n`);
  };
  const started = new Date();
  const bench = new Bench(args, log);
  let cleaned = false;
  const finish = async (): Promise<void> => {
    if (cleaned) return;
    cleaned = true;
    if (args.keep) {
      log(
        `[bench] --keep: the bench network keeps running (FABPAY_HOME=${BENCH_HOME}; stop it with: FABPAY_HOME=${BENCH_HOME} npx tsx network/src/cli.ts -t test/bench/topology.yaml clean)`,
      );
      return;
    }
    log('[bench] removing the bench network');
    await cleanNetwork(log);
    rmSync(path.join(BENCH_HOME, 'bench-state.json'), { force: true });
    rmSync(path.join(BENCH_HOME, 'topology-any-org.yaml'), { force: true });
  };
  const abort = (why: string, code: number): void => {
    process.stderr.write(`[bench] ${why}: stopping\n`);
    finish()
      .catch((err: unknown) => process.stderr.write(`[bench] cleanup failed: ${String(err)}\n`))
      .finally(() => process.exit(code));
  };
  const watchdog = setTimeout(
    () => abort(`overall limit of ${OVERALL_LIMIT_MS / 60_000} min reached`, 1),
    OVERALL_LIMIT_MS,
  );
  process.once('SIGINT', () => abort('interrupted', 130));
  process.once('SIGTERM', () => abort('terminated', 143));

  try {
    const net = await ensureNetwork(log);
    log(`[bench] network ${net.reused ? 'reused' : 'up'} in ${net.seconds.toFixed(1)} s`);
    const main: Settings = {
      capability: args.capabilities[0]!,
      endorsement: args.endorsements[0]!,
      batch: args.batches[0]!,
    };
    await setChannelCapability(log, main.capability);
    await setEndorsement(log, main.endorsement);
    await setBatch(log, main.batch);

    const ctx = benchContext(log);
    const org = ctx.topology.orgs[0]!;
    bench.profile = connectionProfileFile(ctx, org.name);
    bench.wallet = ctx.caPaths.org(org.name).walletDir;
    bench.fabpay = await FabpaySubmitter.open({
      profile: bench.profile,
      wallet: bench.wallet,
      identity: IDENTITY,
      channel: CHANNEL,
      chaincode: CHAINCODE,
      connectionsPerEndpoint: args.connectionsPerEndpoint,
      maxInFlightPerEndpoint: args.maxInFlightPerEndpoint,
    });

    log(`[bench] setup: ${args.payers} payer accounts, a merchant and a fan-out payer`);
    const setup = await setupAccounts(
      bench.fabpay.payments,
      {
        payers: args.payers,
        minimum: 1_000_000n,
        fund: 1_000_000_000_000n,
        concurrency: args.concurrency,
        timeoutMs: 10 * 60_000,
      },
      log,
    );
    bench.accounts = setup.accounts;
    log(`[bench] setup done in ${setup.report.seconds.toFixed(1)} s`);

    // Main settings: every workload with this client, then the upstream baselines on uniform.
    await bench.warmup(main);
    for (const w of args.workloads) {
      if (w !== 'fanout') {
        await bench.measure('fabpay', bench.fabpay, w, bench.fabpayLoad(w), main);
        continue;
      }
      // One payer: its debits serialise (one per block). Once one at a time, once concurrently.
      for (const concurrency of [...new Set([1, args.fanoutConcurrency])]) {
        await bench.measure(
          'fabpay',
          bench.fabpay,
          w,
          { ...bench.fabpayLoad(w), concurrency },
          main,
          `/c${concurrency}`,
        );
      }
    }
    if (!args.skipUpstream) {
      await bench.upstream('upstream-sequential', main);
      await bench.upstream('upstream-concurrent', main);
    }

    // Block cutting: this client on uniform, under load and one payment at a time (light load,
    // where the batch timeout shows in the latency).
    const light: LoadOptions = { count: 15, concurrency: 1, timeCapMs: 20_000, mode: 'workers' };
    for (const [i, batch] of args.batches.entries()) {
      if (i > 0) {
        await setBatch(log, batch);
        await bench.measure('fabpay', bench.fabpay, 'uniform', bench.fabpayLoad('uniform'), {
          ...main,
          batch,
        });
      }
      if (args.batches.length > 1)
        await bench.measure('fabpay', bench.fabpay, 'uniform', light, { ...main, batch }, '/light');
    }
    if (args.batches.length > 1) await setBatch(log, main.batch);

    // Other channel capabilities, then other endorsement policies (with the last capability):
    // this client, uniform and hot.
    const twoWorkloads = args.workloads.filter((x) => x !== 'fanout');
    let current = main;
    for (const capability of args.capabilities.slice(1)) {
      await setChannelCapability(log, capability);
      current = { ...main, capability };
      for (const w of twoWorkloads)
        await bench.measure('fabpay', bench.fabpay, w, bench.fabpayLoad(w), current);
    }
    for (const endorsement of args.endorsements.slice(1)) {
      await setEndorsement(log, endorsement);
      current = { ...current, endorsement };
      await bench.warmup(current);
      for (const w of twoWorkloads)
        await bench.measure('fabpay', bench.fabpay, w, bench.fabpayLoad(w), current);
    }
    // The naive upstream baseline again with the final settings, for a like-for-like ratio there.
    if (!args.skipUpstream && settingsLabel(current) !== settingsLabel(main))
      await bench.upstream('upstream-concurrent', current);

    await bench.fabpay.close();
    const result = summary(
      bench,
      args,
      started,
      { reused: net.reused, upSeconds: net.seconds },
      setup.report,
      main,
    );
    log('');
    log(table(bench.runs));
    log('');
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    clearTimeout(watchdog);
    await finish();
  }
}

/** The installed Fabric version, from the installer's manifest. */
function fabricVersion(): string {
  try {
    const manifest = JSON.parse(
      readFileSync(path.join(path.dirname(binaryPath('peer')), 'manifest.json'), 'utf8'),
    ) as {
      fabric?: { version?: string };
    };
    return manifest.fabric?.version ?? 'unknown';
  } catch {
    return 'unknown';
  }
}

function summary(
  bench: Bench,
  args: BenchArgs,
  started: Date,
  network: { reused: boolean; upSeconds: number },
  setup: SetupReport,
  main: Settings,
): Record<string, unknown> {
  const runs = bench.runs;
  const mainBatch = batchLabel(main.batch);
  const pick = (
    client: ClientKind,
    workload: string,
    endorsement: string = main.endorsement,
    batch = mainBatch,
    capability: string = main.capability,
  ): RunReport | undefined =>
    runs.find(
      (r) =>
        r.client === client &&
        !r.label.endsWith('/light') &&
        r.workload.startsWith(`${workload}:`) &&
        r.endorsement === endorsement &&
        r.batch === batch &&
        r.capability === capability,
    );
  const uniform = pick('fabpay', 'uniform');
  const hot = pick('fabpay', 'hot');
  const seq = pick('upstream-sequential', 'uniform');
  const conc = pick('upstream-concurrent', 'uniform');
  const rate = (r: RunReport | undefined): number => r?.committedPerSecond ?? 0;
  const ratios = {
    fabpayOverUpstreamSequential: uniform && seq ? ratio(rate(uniform), rate(seq), 1) : null,
    fabpayOverUpstreamConcurrent: uniform && conc ? ratio(rate(uniform), rate(conc), 2) : null,
  };
  const hotShare = uniform && hot ? ratio(rate(hot), rate(uniform), 2) : null;
  const targets = {
    uniformAtLeast300PerSecond: { value: uniform ? rate(uniform) : null, met: rate(uniform) >= 300 },
    hotAtLeast80PercentOfUniform: { value: hotShare, met: hotShare !== null && hotShare >= 0.8 },
    hotNoConflictReachesCaller: {
      value: hot?.conflicts.reachedCallers ?? null,
      met: hot !== undefined && hot.conflicts.reachedCallers === 0,
    },
    fabpayAtLeast20xUpstreamSequential: {
      value: ratios.fabpayOverUpstreamSequential,
      met: (ratios.fabpayOverUpstreamSequential ?? 0) >= 20,
    },
    fabpayAtLeast2xUpstreamConcurrent: {
      value: ratios.fabpayOverUpstreamConcurrent,
      met: (ratios.fabpayOverUpstreamConcurrent ?? 0) >= 2,
    },
  };
  const blockCutting = args.batches.map((b) => {
    const r = pick('fabpay', 'uniform', main.endorsement, batchLabel(b));
    const l = runs.find(
      (x) => x.label === `fabpay/uniform/${main.capability}/${main.endorsement}/${batchLabel(b)}/light`,
    );
    return {
      batch: batchLabel(b),
      underLoad: {
        committedPerSecond: r ? rate(r) : null,
        p50: r?.latencyMs.p50 ?? null,
        p99: r?.latencyMs.p99 ?? null,
      },
      oneAtATime: {
        committedPerSecond: l ? rate(l) : null,
        p50: l?.latencyMs.p50 ?? null,
        p99: l?.latencyMs.p99 ?? null,
      },
    };
  });
  const bestBatch = [...blockCutting].sort(
    (a, b) => (b.underLoad.committedPerSecond ?? 0) - (a.underLoad.committedPerSecond ?? 0),
  )[0];
  const lastCapability = args.capabilities[args.capabilities.length - 1]!;
  const capability = args.capabilities.map((c) => {
    const u = pick('fabpay', 'uniform', main.endorsement, mainBatch, c);
    return {
      capability: c,
      gatewaySubmit:
        c === 'V3_0' ? 'to every orderer (this Fabric build treats V3_0 as BFT)' : 'to one orderer',
      endorsement: main.endorsement,
      uniform: rate(u),
      hot: rate(pick('fabpay', 'hot', main.endorsement, mainBatch, c)),
      uniformCpuMsPerPayment: u?.cpu.msPerCommittedPayment ?? null,
    };
  });
  const endorsement = args.endorsements.map((e) => {
    // Every endorsement policy is measured with the last capability (see main()).
    const cap = lastCapability;
    const u = pick('fabpay', 'uniform', e, mainBatch, cap);
    return {
      endorsement: e,
      capability: cap,
      policy:
        e === 'majority'
          ? 'channel default MAJORITY Endorsement (both orgs endorse)'
          : "OR('Org1MSP.peer','Org2MSP.peer') (one org endorses)",
      uniform: rate(u),
      hot: rate(pick('fabpay', 'hot', e, mainBatch, cap)),
      uniformCpuMsPerPayment: u?.cpu.msPerCommittedPayment ?? null,
    };
  });
  const fabpayUniform = runs.filter((r) => r.client === 'fabpay' && r.workload.startsWith('uniform:'));
  const best = [...fabpayUniform].sort((a, b) => b.committedPerSecond - a.committedPerSecond)[0];
  const bestHot = best ? pick('fabpay', 'hot', best.endorsement, best.batch, best.capability) : undefined;
  const bestConfiguration = best
    ? {
        settings: { capability: best.capability, endorsement: best.endorsement, batch: best.batch },
        uniform: best.committedPerSecond,
        hot: bestHot ? rate(bestHot) : null,
        hotShareOfUniform: bestHot ? ratio(rate(bestHot), best.committedPerSecond, 2) : null,
        hotConflictsReachingCallers: bestHot?.conflicts.reachedCallers ?? null,
        fabpayOverUpstreamSequential: seq ? ratio(best.committedPerSecond, rate(seq), 1) : null,
        fabpayOverUpstreamConcurrent: (() => {
          const same = pick('upstream-concurrent', 'uniform', best.endorsement, best.batch, best.capability);
          return same ? ratio(best.committedPerSecond, rate(same), 2) : null;
        })(),
        note: 'against upstream sequential with the main settings (its rate is bound by the block latency), upstream concurrent with the same settings',
      }
    : null;
  const limiter = uniform ? biggestSpender(uniform) : undefined;
  return {
    benchmark: 'fabpay end-to-end payments',
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    network: {
      topology: path.relative(process.cwd(), BENCH_TOPOLOGY),
      fabric: fabricVersion(),
      orderers: 3,
      peerOrgs: 2,
      peersPerOrg: 2,
      mainSettings: { capability: main.capability, endorsement: main.endorsement, batch: mainBatch },
      endorsementAtEnd: readEndorsement(),
      reused: network.reused,
      upSeconds: network.upSeconds,
    },
    options: args,
    setup,
    ratios,
    targets,
    blockCutting: {
      settings: blockCutting,
      highestThroughput: bestBatch?.batch ?? null,
      measuredOn: `fabpay client, uniform workload, ${main.capability}/${main.endorsement}; oneAtATime = 15 payments, one in flight`,
    },
    capability,
    endorsement,
    bestConfiguration,
    limits: uniform
      ? {
          busyCoresDuringUniform: uniform.cpu.machineBusyCores,
          cores: uniform.cpu.cores,
          cpuShareOfBusy: uniform.cpu.shareOfBusy,
          cpuMsPerCommittedPayment: uniform.cpu.msPerCommittedPayment,
          biggestSpender: limiter,
          perRun: runs.map((r) => ({
            label: r.label,
            committedPerSecond: r.committedPerSecond,
            cpuMsPerPayment: r.cpu.msPerCommittedPayment.total ?? null,
            capacityEstimatePerSecond: r.cpu.capacityEstimatePerSecond,
            otherProcessesShareOfBusyCpu: r.cpu.shareOfBusy.otherOnMachine,
          })),
        }
      : null,
    runs,
  };
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(
      `[bench] failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
    process.exit(1);
  },
);
