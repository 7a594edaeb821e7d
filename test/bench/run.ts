/**
 * `npm run bench`: the end-to-end payments benchmark (not a test; nothing is asserted).
 *
 * Brings up (or reuses) its own network (test/bench/topology.yaml, ports 19000+, state in
 * .fabric/bench-home), sets up accounts and funds outside the measured window, then measures in
 * one run on the same network:
 *   (1) this project's client (@fabpay/gateway-client) on each workload;
 *   (2) @hyperledger/fabric-gateway as its samples use it: one connection, default signer, one
 *       payment after another;
 *   (3) the same with naive concurrency: Promise.all over waves of payments on one connection;
 * and, with this client on the uniform (and hot) workload, other block-cutting settings (channel
 * config update), a one-org endorsement policy (chaincode upgrade) and, on uniform right after the
 * main uniform row, governance custody off as well as on (each on accounts opened under it); then
 * uniform once per commit tracking mode (--commit: the block-event stream or one CommitStatus call
 * per payment), back to back, each with a client of its own (client CPU per payment, gateway slots
 * held); and, after the main fanout rows, fanout without per-payer debit ordering (--ordering);
 * then, with the main settings, batch payouts and a hot payer from sharded accounts (payouts.ts,
 * hot-payer.ts).
 * Prints JSON on stdout (progress and a table on stderr) and, unless --keep, removes the network
 * at the end.
 */
import { rmSync } from 'node:fs';
import path from 'node:path';
import { connectionProfileFile } from '@fabpay/network';
import { CpuSampler } from './cpu';
import { parseBenchArgs, type BenchArgs, type CommitTracking, type Ordering } from './args';
import { runLoad, type LoadOptions, type PaymentSubmitter } from './load';
import {
  BENCH_HOME,
  batchLabel,
  benchTopologyFile,
  benchContext,
  cleanNetwork,
  ensureNetwork,
  readCustody,
  setBatch,
  setChannelCapability,
  setCustody,
  setEndorsement,
  setSnapshotInterval,
  trackedProcesses,
  type Custody,
} from './network';
import { applyLeverRow, LEGACY, leverRows, mergeOld, type LeverOld } from './levers';
import { profileSummary, profilingSettings, startProfiles } from './profile';
import { runReport, table, type ClientKind, type RunReport } from './report';
import { FabpaySubmitter } from './runners/fabpay';
import { UpstreamSubmitter } from './runners/upstream';
import { settingsLabel, type Settings } from './settings';
import { accountPrefix, setupAccounts, type SetupReport } from './setup';
import { ShardedRows } from './sharded-rows';
import { summary } from './summary';
import { makeWorkload, type Accounts, type WorkloadName } from './workloads';

/** The whole bench stops by itself after this long, whatever happens. */
const OVERALL_LIMIT_MS = 45 * 60_000;
/** Lever rows restart every process: they warm up this many times --warmup payments. */
const LEVER_WARMUP_FACTOR = 5;
const CHANNEL = 'payments';
const CHAINCODE = 'payments';
const IDENTITY = 'alice'; // role issuer in the bench topology; owns every bench account

class Bench {
  readonly runs: RunReport[] = [];
  readonly tag = `b${Date.now().toString(36)}`;
  /** The bench's accounts per custody setting, each set opened while that setting held. */
  readonly accounts = new Map<Custody, Accounts>();
  readonly setups: Partial<Record<Custody, SetupReport>> = {};
  fabpay!: FabpaySubmitter;
  /** Top consumers of the profiles taken with --profile. */
  profiles: Record<string, unknown> | null = null;
  /** The same for the payout batches profiled after them. */
  payoutProfiles: Record<string, unknown> | null = null;
  profile = '';
  wallet = '';

  constructor(
    readonly args: BenchArgs,
    readonly log: (line: string) => void,
  ) {}

  /** This client with the given commit tracking and debit ordering (the main ones by default). */
  openFabpay(
    commitTracking: CommitTracking = this.args.commit[0]!,
    ordering: Ordering = this.args.ordering[0]!,
  ): Promise<FabpaySubmitter> {
    return FabpaySubmitter.open({
      profile: this.profile,
      wallet: this.wallet,
      identity: IDENTITY,
      channel: CHANNEL,
      chaincode: CHAINCODE,
      connectionsPerEndpoint: this.args.connectionsPerEndpoint,
      maxInFlightPerEndpoint: this.args.maxInFlightPerEndpoint,
      commitTracking,
      ordering,
    });
  }

  accountsFor(settings: Settings): Accounts {
    const accounts = this.accounts.get(settings.custody);
    if (!accounts) throw new Error(`no accounts were set up under custody ${settings.custody}`);
    return accounts;
  }

  /**
   * Sets governance custody, then opens and funds this setting's own accounts: a key takes the
   * key-level endorsement policy governance prescribes when it is created, and keeps it.
   */
  async prepare(custody: Custody): Promise<void> {
    await setCustody(this.log, custody);
    this.log(
      `[bench] setup (custody ${custody}): ${this.args.payers} payer accounts, a merchant and a fan-out payer`,
    );
    const setup = await setupAccounts(
      this.fabpay.payments,
      {
        prefix: accountPrefix(custody),
        payers: this.args.payers,
        minimum: 1_000_000n,
        fund: 1_000_000_000_000n,
        concurrency: this.args.concurrency,
        timeoutMs: 10 * 60_000,
      },
      this.log,
    );
    this.accounts.set(custody, setup.accounts);
    this.setups[custody] = setup.report;
    this.log(`[bench] setup (custody ${custody}) done in ${setup.report.seconds.toFixed(1)} s`);
  }

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
    const workload = makeWorkload(workloadName, this.accountsFor(settings), slug);
    const sampler = new CpuSampler(await trackedProcesses(() => undefined));
    const retriesBefore = await submitter.conflictRetries();
    const countsBefore = await submitter.retryCounts();
    const slotsBefore = await submitter.slots?.();
    this.log(
      `[bench] run ${label}: up to ${opts.count} payments, ${opts.concurrency} ${opts.mode === 'waves' ? 'per Promise.all wave' : 'in flight'}, cap ${opts.timeCapMs / 1000} s`,
    );
    sampler.begin();
    const load = await runLoad(submitter, workload, opts);
    const cpu = sampler.end();
    const slotsAfter = await submitter.slots?.();
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
      custody: settings.custody,
      concurrency: opts.concurrency,
      mode: opts.mode,
      load,
      conflictRetries: retries,
      clientRetries,
      cpu,
      ...(submitter instanceof FabpaySubmitter
        ? { commitTracking: submitter.commitTracking, ordering: submitter.ordering }
        : {}),
      ...(slotsBefore && slotsAfter ? { slots: { before: slotsBefore, after: slotsAfter } } : {}),
    });
    this.runs.push(report);
    this.log(
      `[bench]   ${report.committedPerSecond} committed/s, p50 ${report.latencyMs.p50} ms, p99 ${report.latencyMs.p99} ms, ` +
        `${report.payments.failed} failed, conflicts ${report.conflicts.seenAtCommit} seen / ${report.conflicts.reachedCallers} to callers`,
    );
    return report;
  }

  async warmup(
    settings: Settings,
    submitter: FabpaySubmitter = this.fabpay,
    count = this.args.warmup,
  ): Promise<void> {
    if (count === 0) return;
    const workload = makeWorkload(
      'uniform',
      this.accountsFor(settings),
      `${this.tag}-w${this.runs.length}`,
      7,
    );
    this.log(`[bench] warm-up: ${count} payments (${settingsLabel(settings)}), not measured`);
    await runLoad(submitter, workload, {
      count,
      concurrency: this.args.concurrency,
      timeCapMs: 60_000,
      mode: 'workers',
    });
  }

  /**
   * Levers: uniform once per cumulative row (levers.ts), from `legacy` to main, each with every
   * process restarted on the row's settings and a fresh, warmed-up client. Ends on main.
   */
  async levers(main: Settings): Promise<void> {
    await this.fabpay.close();
    for (const row of leverRows()) {
      await applyLeverRow(this.log, row);
      this.fabpay = await this.openFabpay();
      // Freshly restarted processes first compile and fill caches (the chaincode servers' JIT
      // above all): after a warm-up of 200 the first row measured still carried up to 1.8 ms of
      // chaincode CPU per execution of it.
      await this.warmup(main, this.fabpay, this.args.warmup * LEVER_WARMUP_FACTOR);
      await this.measure(
        'fabpay',
        this.fabpay,
        'uniform',
        this.fabpayLoad('uniform'),
        main,
        `/lever${row.name === LEGACY ? '-' : ''}${row.name}`,
      );
      await this.fabpay.close();
    }
    this.fabpay = await this.openFabpay();
  }

  /**
   * --profile: uniform once with every process restarted with profiling on (over `base`, the
   * settings in force: main, or legacy with --legacy), profiles taken over the run (profile.ts);
   * then payout batches of 100 lines (or the first --payout-batches size) profiled the same way;
   * then the network is restarted on `base` alone.
   */
  async profiled(main: Settings, base: LeverOld, sharded: ShardedRows): Promise<void> {
    const dir = path.join(BENCH_HOME, 'profiles', this.tag);
    await this.fabpay.close();
    await applyLeverRow(this.log, {
      name: 'profiled',
      description: 'profiling on',
      old: mergeOld(base, profilingSettings(dir)),
    });
    this.fabpay = await this.openFabpay();
    await this.warmup(main, this.fabpay, this.args.warmup * LEVER_WARMUP_FACTOR);
    const processes = await trackedProcesses(() => undefined);
    const seconds = Math.min(this.args.timeCapSeconds, 20);
    const capture = await startProfiles(processes, dir, seconds, this.log);
    await this.measure('fabpay', this.fabpay, 'uniform', this.fabpayLoad('uniform'), main, '/profiled');
    const files = await capture.finish();
    this.profiles = profileSummary(files);
    this.log(`[bench] profiles: ${dir}`);
    const sizes = this.args.payouts.batchSizes;
    const size = sizes.includes(100) ? 100 : sizes[0];
    if (size !== undefined) {
      const payoutDir = path.join(dir, `payout-${size}`);
      const payoutFiles = await sharded.profilePayouts(this.fabpay, size, seconds, async () =>
        startProfiles(await trackedProcesses(() => undefined), payoutDir, seconds, this.log, dir),
      );
      if (payoutFiles) {
        this.payoutProfiles = profileSummary(payoutFiles);
        this.log(`[bench] payout profiles: ${payoutDir}`);
      }
    }
    await this.fabpay.close();
    await applyLeverRow(this.log, { name: 'unprofiled', description: 'profiling off', old: base });
    this.fabpay = await this.openFabpay();
    await this.warmup(main, this.fabpay, this.args.warmup * LEVER_WARMUP_FACTOR);
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
        `[bench] --keep: the bench network keeps running (FABPAY_HOME=${BENCH_HOME}; stop it with: FABPAY_HOME=${BENCH_HOME} npx tsx network/src/cli.ts -t ${path.relative(process.cwd(), benchTopologyFile())} clean)`,
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
      custody: args.custody[0]!,
    };
    await setChannelCapability(log, main.capability);
    await setEndorsement(log, main.endorsement);
    await setBatch(log, main.batch);

    const ctx = benchContext(log);
    const org = ctx.topology.orgs[0]!;
    bench.profile = connectionProfileFile(ctx, org.name);
    bench.wallet = ctx.caPaths.org(org.name).walletDir;
    bench.fabpay = await bench.openFabpay();

    // Accounts per custody setting, the main one last so governance keeps it for the rest of the
    // run. A payment creates no key that takes a custody policy (payment records, credits and
    // history never do; day counters only under a daily limit, which bench accounts do not
    // have), so a run measures the custody its accounts were opened under, whatever governance
    // says while it runs.
    for (const custody of [...args.custody.slice(1), main.custody]) await bench.prepare(custody);
    // The payout and hot payers (sharded), opened and funded under the main custody.
    const sharded = await ShardedRows.setup(bench.fabpay, {
      args,
      log,
      settings: main,
      chaincode: CHAINCODE,
      tag: bench.tag,
      prefix: accountPrefix(main.custody),
      accounts: bench.accountsFor(main),
    });

    // The levers first (they end on main settings), or every row on the old settings.
    if (args.levers) await bench.levers(main);
    if (args.legacy) {
      await bench.fabpay.close();
      await applyLeverRow(log, leverRows()[0]!);
      bench.fabpay = await bench.openFabpay();
    }
    if (args.profile) await bench.profiled(main, args.legacy ? leverRows()[0]!.old : {}, sharded);

    // Main settings: every workload with this client, then the upstream baselines on uniform.
    // Right after the main uniform row, uniform again on the accounts of each other custody
    // setting, so the custody pair is measured back to back.
    await bench.warmup(main);
    for (const w of args.workloads) {
      if (w === 'uniform') {
        await bench.measure('fabpay', bench.fabpay, w, bench.fabpayLoad(w), main);
        for (const custody of args.custody.slice(1)) {
          const other = { ...main, custody };
          await bench.warmup(other);
          await bench.measure('fabpay', bench.fabpay, w, bench.fabpayLoad(w), other);
        }
        // Commit tracking, back to back, each mode with a client of its own and nothing else
        // open in this process (an idle client's stream would still read every block, and its
        // CPU would count against the run).
        if (args.commit.length > 1) {
          await bench.fabpay.close();
          for (const commit of args.commit) {
            const submitter = await bench.openFabpay(commit);
            try {
              await bench.warmup(main, submitter);
              await bench.measure('fabpay', submitter, w, bench.fabpayLoad(w), main, `/commit-${commit}`);
            } finally {
              await submitter.close();
            }
          }
          bench.fabpay = await bench.openFabpay();
        }
        continue;
      }
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
          `/c${concurrency}/ordering-${args.ordering[0]}`,
        );
      }
      // Per-payer debit ordering: the other settings, concurrently (one at a time it changes nothing).
      for (const ordering of args.ordering.slice(1)) {
        const submitter = await bench.openFabpay(undefined, ordering);
        try {
          await bench.measure(
            'fabpay',
            submitter,
            w,
            bench.fabpayLoad(w),
            main,
            `/c${args.fanoutConcurrency}/ordering-${ordering}`,
          );
        } finally {
          await submitter.close();
        }
      }
    }
    if (!args.skipUpstream) {
      await bench.upstream('upstream-sequential', main);
      await bench.upstream('upstream-concurrent', main);
    }
    // Payouts and the hot payer (sharded payers), with the main settings.
    await sharded.run(bench.fabpay, bench.runs);

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

    // Raft snapshot intervals: the network's first (it guards against a WAL replay deadlock on the
    // 2023 Fabric build, see network/src/channel/configtx.ts), then the others, back to back.
    if (args.snapshotIntervals.length > 1) {
      for (const bytes of args.snapshotIntervals) {
        await setSnapshotInterval(log, bytes);
        await bench.measure(
          'fabpay',
          bench.fabpay,
          'uniform',
          bench.fabpayLoad('uniform'),
          main,
          `/snapshot-${bytes}`,
        );
      }
      await setSnapshotInterval(log, args.snapshotIntervals[0]!);
    }

    // Other channel capabilities, then other endorsement policies (with the main capability):
    // this client, uniform and hot.
    const twoWorkloads = args.workloads.filter((x) => x !== 'fanout');
    let current = main;
    for (const capability of args.capabilities.slice(1)) {
      await setChannelCapability(log, capability);
      current = { ...main, capability };
      for (const w of twoWorkloads)
        await bench.measure('fabpay', bench.fabpay, w, bench.fabpayLoad(w), current);
    }
    if (args.capabilities.length > 1) {
      await setChannelCapability(log, main.capability);
      current = main;
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
      bench.runs,
      args,
      started,
      { reused: net.reused, upSeconds: net.seconds, custodyAtEnd: await readCustody(log) },
      bench.setups,
      main,
      sharded.sections(),
    );
    if (bench.profiles) result.profiles = bench.profiles;
    if (bench.payoutProfiles) result.payoutProfiles = bench.payoutProfiles;
    log('');
    log(table(bench.runs));
    log('');
    if (sharded.table()) log(`${sharded.table()}\n`);
    for (const custody of args.custody) {
      const run = bench.runs.find((r) => r.label === `fabpay/uniform/${settingsLabel({ ...main, custody })}`);
      if (!run) continue;
      const ms = run.cpu.msPerCommittedPayment;
      log(
        `[bench] custody ${custody}, uniform: ${run.committedPerSecond} committed/s; CPU ms per payment: ` +
          `orderers ${ms.orderers}, peers ${ms.peers}, chaincode ${ms.chaincode}, client ${ms.client}, total ${ms.total}`,
      );
    }
    process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } finally {
    clearTimeout(watchdog);
    await finish();
  }
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
