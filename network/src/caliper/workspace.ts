/**
 * Generated Caliper workspaces, one per peer organisation, under `<run>/network/caliper/<org>/`:
 *
 * - `networkconfig.yaml`: Caliper's Fabric network configuration (version 2.0) with the org's
 *   MSP, the certificate and private key PATH of every topology user of the org (Caliper's
 *   peer-gateway connector reads identities from `identities.certificates`; it ignores wallets),
 *   and the org's generated connection profile, whose peers carry their TLS roots (`tlsCACerts`);
 * - `benchmark.yaml`: two bounded rounds of `pay` (fixed rate, then fixed load) with the workload
 *   module `network/dist/caliper/pay-workload.js` and its arguments (the org's benchmark accounts).
 *
 * The accounts must exist and hold money before Caliper runs: see ./funding.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { stringify } from 'yaml';
import { repoRoot } from '@fabpay/topology';
import type { NetworkContext } from '../context';
import { connectionProfileFile } from '../profiles';
import { caliperAccounts, type CaliperAccount, type PayWorkloadArguments } from './pay-args';

/** What the generated benchmark runs; every figure is bounded. */
export interface CaliperSettings {
  /** Caliper worker processes (local). */
  workers: number;
  /** Benchmark accounts per org; each worker pays from its share only (accounts / workers payers). */
  accountsPerOrg: number;
  /** Round 1: transactions sent at a fixed rate. */
  fixedRate: { tps: number; txNumber: number };
  /** Round 2: transactions kept in flight (over all workers). */
  fixedLoad: { transactionLoad: number; txNumber: number };
  currency: string;
  /** Minor units per payment (decimal integer string). */
  amount: string;
  /** Seconds before Caliper's connector gives a transaction up (endorse, submit and commit). */
  timeoutSeconds: number;
  /** Milliseconds a payer rests between payments (see PayWorkloadArguments.restMs). */
  restMs: number;
}

/**
 * Figures a 2-core machine running the whole network handles without queueing: 20 payments/s and
 * 10 in flight are well under the ~65 payments/s this network commits (README, Performance), and
 * 300 transactions per round keep a run around a minute. 96 accounts give each of 2 workers 48
 * payers: at 10 payments/s per worker a payer is due again after 4.8 s, which covers its payment
 * and its 1 s rest even when the shared machine stretches payments to 3 s (with 48 accounts and a
 * load average of 13 the fixed-rate round sent 8.9 instead of 20 payments/s, waiting for payers).
 */
export const DEFAULT_CALIPER_SETTINGS: CaliperSettings = {
  workers: 2,
  accountsPerOrg: 96,
  fixedRate: { tps: 20, txNumber: 300 },
  fixedLoad: { transactionLoad: 10, txNumber: 300 },
  currency: 'EUR',
  amount: '1',
  timeoutSeconds: 60,
  restMs: 1000,
};

/** Label of the two rounds, as they appear in Caliper's report. */
export const CALIPER_ROUNDS = ['pay-fixed-rate', 'pay-fixed-load'] as const;

/** The files of one org's workspace. */
export interface CaliperWorkspace {
  org: string;
  mspId: string;
  dir: string;
  networkConfig: string;
  benchmarkConfig: string;
  /** Where `caliper launch manager` writes its HTML report. */
  report: string;
  accounts: CaliperAccount[];
}

/** A topology or build problem that keeps the workspace from being generated. */
export class CaliperWorkspaceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaliperWorkspaceError';
  }
}

/** The compiled workload module Caliper loads (absolute, so its imports resolve from this repository). */
export function workloadModuleFile(): string {
  return path.join(repoRoot(), 'network', 'dist', 'caliper', 'pay-workload.js');
}

/** `<run>/network/caliper`. */
export function caliperRoot(ctx: NetworkContext): string {
  return path.join(ctx.layout.root, 'caliper');
}

/** Where an org's workspace is and which accounts it pays between (nothing is written). */
export function caliperWorkspace(
  ctx: NetworkContext,
  org: string,
  settings: CaliperSettings = DEFAULT_CALIPER_SETTINGS,
): CaliperWorkspace {
  const info = ctx.topology.orgs.find((o) => o.name.toLowerCase() === org.toLowerCase());
  if (!info) {
    throw new CaliperWorkspaceError(
      `no peer organisation "${org}" in the topology (${ctx.topology.orgs.map((o) => o.name).join(', ')})`,
    );
  }
  const dir = path.join(caliperRoot(ctx), info.name.toLowerCase());
  return {
    org: info.name,
    mspId: info.mspId,
    dir,
    networkConfig: path.join(dir, 'networkconfig.yaml'),
    benchmarkConfig: path.join(dir, 'benchmark.yaml'),
    report: path.join(dir, 'report.html'),
    accounts: caliperAccounts(
      info.name,
      info.users.map((u) => u.name),
      settings.accountsPerOrg,
    ),
  };
}

/** One identity of the network configuration: the user's enrollment certificate and key files. */
export interface CaliperIdentity {
  name: string;
  clientSignedCert: { path: string };
  clientPrivateKey: { path: string };
}

/** Caliper's network configuration (version 2.0) for one org. */
export function caliperNetworkConfig(ctx: NetworkContext, ws: CaliperWorkspace): Record<string, unknown> {
  const orgPaths = ctx.caPaths.org(ws.org);
  const identities: CaliperIdentity[] = orgPaths.users.map((u) => ({
    name: u.enrollmentId,
    // The local MSP layout the CA library writes (ca/src/msp/build.ts): one certificate, one key.
    clientSignedCert: { path: path.join(u.msp, 'signcerts', 'cert.pem') },
    clientPrivateKey: { path: path.join(u.msp, 'keystore', 'priv_sk') },
  }));
  // Caliper reads these files when it starts, far from here; name a missing one now.
  for (const id of identities) {
    for (const file of [id.clientSignedCert.path, id.clientPrivateKey.path]) {
      if (!existsSync(file)) {
        throw new CaliperWorkspaceError(
          `${id.name} (${ws.org}) has no ${path.basename(file)} at ${file}: was the network brought up with this topology?`,
        );
      }
    }
  }
  return {
    name: `${ctx.topology.name}-${ws.org.toLowerCase()}-caliper`,
    version: '2.0.0',
    caliper: {
      blockchain: 'fabric',
      // The peer-gateway connector refuses mutual TLS; the peers do not ask for client certificates.
      sutOptions: { mutualTls: false },
    },
    channels: [
      {
        channelName: ctx.topology.channel.name,
        contracts: [{ id: ctx.topology.chaincode.name }],
      },
    ],
    organizations: [
      {
        mspid: ws.mspId,
        identities: { certificates: identities },
        // The connector connects each identity to the org's first peer in this profile, trusting
        // the TLS root in its `tlsCACerts`; the peer gateway plans the other orgs' endorsements.
        connectionProfile: { path: connectionProfileFile(ctx, ws.org), discover: true },
      },
    ],
  };
}

/** Caliper's benchmark configuration for one org: a fixed-rate and a fixed-load round of `pay`. */
export function caliperBenchmarkConfig(
  ctx: NetworkContext,
  ws: CaliperWorkspace,
  settings: CaliperSettings = DEFAULT_CALIPER_SETTINGS,
): Record<string, unknown> {
  const workload = (txNumber: number) => {
    const args: PayWorkloadArguments = {
      channel: ctx.topology.channel.name,
      contractId: ctx.topology.chaincode.name,
      mspId: ws.mspId,
      currency: settings.currency,
      amount: settings.amount,
      reference: 'caliper',
      accounts: ws.accounts,
      txNumber,
      restMs: settings.restMs,
    };
    return { module: workloadModuleFile(), arguments: args };
  };
  return {
    test: {
      name: `fabpay-pay-${ws.org.toLowerCase()}`,
      description: `pay between ${ws.accounts.length} pre-funded ${settings.currency} accounts of ${ws.org}'s users`,
      workers: { number: settings.workers },
      rounds: [
        {
          label: CALIPER_ROUNDS[0],
          description: `${settings.fixedRate.txNumber} payments at ${settings.fixedRate.tps} per second`,
          txNumber: settings.fixedRate.txNumber,
          rateControl: { type: 'fixed-rate', opts: { tps: settings.fixedRate.tps } },
          workload: workload(settings.fixedRate.txNumber),
        },
        {
          label: CALIPER_ROUNDS[1],
          description: `${settings.fixedLoad.txNumber} payments, ${settings.fixedLoad.transactionLoad} in flight`,
          txNumber: settings.fixedLoad.txNumber,
          rateControl: {
            type: 'fixed-load',
            opts: {
              transactionLoad: settings.fixedLoad.transactionLoad,
              startTps: settings.fixedLoad.transactionLoad,
            },
          },
          workload: workload(settings.fixedLoad.txNumber),
        },
      ],
    },
  };
}

/**
 * Writes every org's workspace (network and benchmark configuration). Needs the connection
 * profiles `up` writes and the compiled workload module (`npm run build`).
 */
export function writeCaliperWorkspaces(
  ctx: NetworkContext,
  settings: CaliperSettings = DEFAULT_CALIPER_SETTINGS,
): CaliperWorkspace[] {
  if (settings.accountsPerOrg < 2 * settings.workers) {
    throw new CaliperWorkspaceError(
      `${settings.accountsPerOrg} accounts cannot give ${settings.workers} workers a payer and a payee each`,
    );
  }
  const workload = workloadModuleFile();
  if (!existsSync(workload)) {
    throw new CaliperWorkspaceError(`the workload module ${workload} is not built: run \`npm run build\``);
  }
  return ctx.topology.orgs.map((o) => {
    const ws = caliperWorkspace(ctx, o.name, settings);
    const profile = connectionProfileFile(ctx, o.name);
    if (!existsSync(profile)) {
      throw new CaliperWorkspaceError(`no connection profile ${profile}: bring the network up first`);
    }
    mkdirSync(ws.dir, { recursive: true });
    const header = '# Generated by `fabpay-network caliper` from the topology; regenerated on each run.\n';
    writeFileSync(ws.networkConfig, header + stringify(caliperNetworkConfig(ctx, ws)));
    writeFileSync(
      ws.benchmarkConfig,
      header + stringify(caliperBenchmarkConfig(ctx, ws, settings), { aliasDuplicateObjects: false }),
    );
    return ws;
  });
}
