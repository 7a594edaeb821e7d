/** The bench's JSON result: targets, ratios, comparisons and what limits throughput, from the runs. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { binaryPath } from '@fabpay/topology';
import type { BenchArgs } from './args';
import { benchTopologyFile, batchLabel, readEndorsement, type Custody, type Endorsement } from './network';
import { biggestSpender, machineInfo, ratio, type ClientKind, type RunReport } from './report';
import { leverSummary } from './lever-summary';
import type { SetupReport } from './setup';
import { hotPayerTargets, type HotPayerSection } from './hot-payer';
import { payoutTarget, type PayoutSection } from './payouts';
import type { Settings } from './settings';

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

/** What each endorsement setting asks of a payment, as the report names it. */
const POLICY_TEXT: Record<Endorsement, string> = {
  majority: "the network's default, OutOf(2,'Org1MSP.peer','Org2MSP.peer') (both orgs endorse)",
  implicit: "the channel's implicit MAJORITY Endorsement by reference, as before (both orgs endorse)",
  any: "OR('Org1MSP.peer','Org2MSP.peer') (one org endorses)",
};

export function summary(
  runs: readonly RunReport[],
  args: BenchArgs,
  started: Date,
  network: { reused: boolean; upSeconds: number; custodyAtEnd: Custody },
  setup: Partial<Record<Custody, SetupReport>>,
  main: Settings,
  /** The sharded-payer sections (payouts.ts, hot-payer.ts), when they ran. */
  sharded: { payouts?: PayoutSection; hotPayer?: HotPayerSection } = {},
): Record<string, unknown> {
  const mainBatch = batchLabel(main.batch);
  const pick = (
    client: ClientKind,
    workload: string,
    endorsement: string = main.endorsement,
    batch = mainBatch,
    capability: string = main.capability,
    custody: string = main.custody,
  ): RunReport | undefined =>
    runs.find(
      (r) =>
        r.client === client &&
        !r.label.endsWith('/light') &&
        !r.label.includes('/lever') &&
        !r.label.includes('/snapshot-') &&
        !r.label.endsWith('/profiled') &&
        r.workload.startsWith(`${workload}:`) &&
        r.endorsement === endorsement &&
        r.batch === batch &&
        r.capability === capability &&
        r.custody === custody,
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
  const levers = leverSummary(runs);
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
    cpuPerPaymentAtMost10Ms: {
      value: levers.main?.cpuMsPerPayment.total ?? uniform?.cpu.msPerCommittedPayment.total ?? null,
      met: (levers.main?.cpuMsPerPayment.total ?? uniform?.cpu.msPerCommittedPayment.total ?? 99) <= 10,
    },
    uniformAtLeast1_8xLegacy: {
      value: levers.mainOverLegacy,
      met: (levers.mainOverLegacy ?? 0) >= 1.8,
    },
    fabpayAtLeast2xUpstreamConcurrent: {
      value: ratios.fabpayOverUpstreamConcurrent,
      met: (ratios.fabpayOverUpstreamConcurrent ?? 0) >= 2,
    },
    payoutAtLeast1000LinesPerSecondInBatchesOf100: payoutTarget(sharded.payouts),
    ...hotPayerTargets(sharded.hotPayer),
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
    // Every endorsement policy is measured with the main capability (run.ts, after the capabilities).
    const cap = main.capability;
    const u = pick('fabpay', 'uniform', e, mainBatch, cap);
    return {
      endorsement: e,
      capability: cap,
      policy: POLICY_TEXT[e],
      uniform: rate(u),
      hot: rate(pick('fabpay', 'hot', e, mainBatch, cap)),
      uniformCpuMsPerPayment: u?.cpu.msPerCommittedPayment ?? null,
      uniformChaincodeCpuMsPerExecution: u?.chaincodeCpu.msPerExecution ?? null,
      ...(main.custody === 'on'
        ? {
            note: "custody on: an account key's own policy (owner's org and a majority) replaces the chaincode's for writes of that key, so a one-org chaincode policy still needs both orgs to move money",
          }
        : {}),
    };
  });
  // Custody: the main uniform row under each setting, measured back to back, each on accounts
  // opened under it; CPU per committed payment per process group (peers validate the key-level
  // policy of every account key a payment writes when custody is on).
  const custody = args.custody.map((c) => {
    const u = pick('fabpay', 'uniform', main.endorsement, mainBatch, main.capability, c);
    return {
      custody: c,
      policyOnAccountKeys:
        c === 'on'
          ? "key-level AND('<owner MSP>.peer', majority-1 of the other members' peers), set when each key is created"
          : 'none (the chaincode endorsement policy only)',
      settings: { capability: main.capability, endorsement: main.endorsement, batch: mainBatch },
      uniform: u ? rate(u) : null,
      p50: u?.latencyMs.p50 ?? null,
      p99: u?.latencyMs.p99 ?? null,
      failed: u?.payments.failed ?? null,
      cpuMsPerPayment: u?.cpu.msPerCommittedPayment ?? null,
      chaincodeCpuMsPerExecution: u?.chaincodeCpu.msPerExecution ?? null,
      otherProcessesShareOfBusyCpu: u?.cpu.shareOfBusy.otherOnMachine ?? null,
    };
  });
  const on = custody.find((c) => c.custody === 'on');
  const off = custody.find((c) => c.custody === 'off');
  const custodyCost =
    on?.cpuMsPerPayment && off?.cpuMsPerPayment
      ? Object.fromEntries(
          Object.keys(on.cpuMsPerPayment).map((k) => [
            k,
            Math.round(((on.cpuMsPerPayment![k] ?? 0) - (off.cpuMsPerPayment![k] ?? 0)) * 100) / 100,
          ]),
        )
      : null;
  const fabpayUniform = runs.filter((r) => r.client === 'fabpay' && r.workload.startsWith('uniform:'));
  const best = [...fabpayUniform].sort((a, b) => b.committedPerSecond - a.committedPerSecond)[0];
  const bestHot = best
    ? pick('fabpay', 'hot', best.endorsement, best.batch, best.capability, best.custody)
    : undefined;
  const bestConfiguration = best
    ? {
        settings: {
          capability: best.capability,
          endorsement: best.endorsement,
          batch: best.batch,
          custody: best.custody,
        },
        uniform: best.committedPerSecond,
        hot: bestHot ? rate(bestHot) : null,
        hotShareOfUniform: bestHot ? ratio(rate(bestHot), best.committedPerSecond, 2) : null,
        hotConflictsReachingCallers: bestHot?.conflicts.reachedCallers ?? null,
        fabpayOverUpstreamSequential: seq ? ratio(best.committedPerSecond, rate(seq), 1) : null,
        fabpayOverUpstreamConcurrent: (() => {
          const same = pick(
            'upstream-concurrent',
            'uniform',
            best.endorsement,
            best.batch,
            best.capability,
            best.custody,
          );
          return same ? ratio(best.committedPerSecond, rate(same), 2) : null;
        })(),
        note: 'against upstream sequential with the main settings (its rate is bound by the block latency), upstream concurrent with the same settings',
      }
    : null;
  // Commit tracking: the uniform rows measured back to back, one client per mode.
  const commitTracking = args.commit.map((mode) => {
    const r = runs.find((x) => x.label.endsWith(`/commit-${mode}`));
    return {
      commitTracking: mode,
      how:
        mode === 'stream'
          ? 'one filtered block-event stream per channel (peer Deliver service), CommitStatus only as fallback'
          : 'one CommitStatus call per payment, holding a gateway slot for the whole commit wait',
      committedPerSecond: r ? rate(r) : null,
      p50: r?.latencyMs.p50 ?? null,
      p99: r?.latencyMs.p99 ?? null,
      failed: r?.payments.failed ?? null,
      clientCpuMsPerPayment: r?.cpu.msPerCommittedPayment.client ?? null,
      totalCpuMsPerPayment: r?.cpu.msPerCommittedPayment.total ?? null,
      gatewaySlots: r?.gatewaySlots ?? null,
      otherProcessesShareOfBusyCpu: r?.cpu.shareOfBusy.otherOnMachine ?? null,
    };
  });
  // Per-payer debit ordering on fanout (one payer), at --fanout-concurrency.
  const ordering = args.ordering.map((o) => {
    const r = runs.find((x) => x.label.endsWith(`/c${args.fanoutConcurrency}/ordering-${o}`));
    return {
      ordering: o,
      committedPerSecond: r ? rate(r) : null,
      p50: r?.latencyMs.p50 ?? null,
      p99: r?.latencyMs.p99 ?? null,
      failed: r?.payments.failed ?? null,
      conflicts: r?.conflicts ?? null,
      clientCpuMsPerPayment: r?.cpu.msPerCommittedPayment.client ?? null,
    };
  });
  const limiter = uniform ? biggestSpender(uniform) : undefined;
  return {
    benchmark: 'fabpay end-to-end payments',
    startedAt: started.toISOString(),
    finishedAt: new Date().toISOString(),
    machine: machineInfo(),
    network: {
      topology: path.relative(process.cwd(), benchTopologyFile()),
      fabric: fabricVersion(),
      orderers: 3,
      peerOrgs: 2,
      peersPerOrg: 2,
      mainSettings: {
        capability: main.capability,
        endorsement: main.endorsement,
        batch: mainBatch,
        custody: main.custody,
      },
      endorsementAtEnd: readEndorsement(),
      custodyAtEnd: network.custodyAtEnd,
      reused: network.reused,
      upSeconds: network.upSeconds,
    },
    options: args,
    setup,
    ratios,
    targets,
    levers,
    raftSnapshot: args.snapshotIntervals.map((bytes) => {
      const r = runs.find((x) => x.label.endsWith(`/snapshot-${bytes}`));
      return {
        snapshotIntervalBytes: bytes,
        uniform: r ? rate(r) : null,
        cpuMsPerPayment: r?.cpu.msPerCommittedPayment ?? null,
      };
    }),
    blockCutting: {
      settings: blockCutting,
      highestThroughput: bestBatch?.batch ?? null,
      measuredOn: `fabpay client, uniform workload, ${main.capability}/${main.endorsement}; oneAtATime = 15 payments, one in flight`,
    },
    capability,
    endorsement,
    custody: {
      settings: custody,
      cpuMsPerPaymentOnMinusOff: custodyCost,
      measuredOn: `fabpay client, uniform workload, ${main.capability}/${main.endorsement}/${mainBatch}, back to back`,
    },
    commitTracking: {
      settings: commitTracking,
      measuredOn: `fabpay client, uniform workload, ${main.capability}/${main.endorsement}/${mainBatch}/custody-${main.custody}, back to back, each mode a client of its own after a warm-up`,
    },
    ordering: {
      settings: ordering,
      measuredOn: `fabpay client, fanout workload (one payer), ${args.fanoutConcurrency} in flight`,
    },
    payouts: sharded.payouts
      ? {
          ...sharded.payouts,
          measuredOn: `fabpay client, payBatch from one payer of ${sharded.payouts.payer.shards} shards, ${args.payouts.inFlight} batches in flight, lines of 1 minor unit to random payees, ${sharded.payouts.settings}`,
        }
      : null,
    hotPayer: sharded.hotPayer
      ? {
          ...sharded.hotPayer,
          measuredOn: `fabpay client, pay from one payer of ${sharded.hotPayer.payer.shards} shards to random payees, ${sharded.hotPayer.inFlight} in flight; shareOfUniform against this run's main uniform row`,
        }
      : null,
    bestConfiguration,
    limits: uniform
      ? {
          busyCoresDuringUniform: uniform.cpu.machineBusyCores,
          cores: uniform.cpu.cores,
          cpuShareOfBusy: uniform.cpu.shareOfBusy,
          cpuMsPerCommittedPayment: uniform.cpu.msPerCommittedPayment,
          chaincodeCpuMsPerExecution: uniform.chaincodeCpu.msPerExecution,
          chaincodeCpuPerExecution:
            'chaincode servers CPU / (committed payments x endorsing peers per payment: majority = 2 orgs, any = 1); every row has it (runs[].chaincodeCpu, perRun). Executions repeated by retries are in the CPU, not in the count.',
          biggestSpender: limiter,
          perRun: runs.map((r) => ({
            label: r.label,
            committedPerSecond: r.committedPerSecond,
            cpuMsPerPayment: r.cpu.msPerCommittedPayment.total ?? null,
            chaincodeCpuMsPerExecution: r.chaincodeCpu.msPerExecution,
            endorsingPeersPerPayment: r.chaincodeCpu.endorsingPeersPerPayment,
            capacityEstimatePerSecond: r.cpu.capacityEstimatePerSecond,
            otherProcessesShareOfBusyCpu: r.cpu.shareOfBusy.otherOnMachine,
          })),
        }
      : null,
    runs,
  };
}
