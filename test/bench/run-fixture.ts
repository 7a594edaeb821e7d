/** A measured `uniform` row for the bench's own tests (no network): fixed CPU, chosen counts. */
import type { CpuReport } from './cpu';
import { runReport, type RunReport } from './report';

/** 1 s of orderers, 4 of peers, 3 of chaincode servers, 1 of client. */
export const FIXTURE_CPU: CpuReport = {
  seconds: { orderers: 1, peers: 4, chaincode: 3, client: 1, otherOnMachine: 0 },
  shareOfBusy: { orderers: 0, peers: 0, chaincode: 0, client: 0, otherOnMachine: 0 },
  machineBusyCores: 2,
  cores: 2,
  lost: [],
};

/** `committed` of `committed` payments in `wallSeconds`, custody on, 250ms/500. */
export function uniformRun(opts: {
  label: string;
  capability?: string;
  endorsement: string;
  committed: number;
  wallSeconds: number;
}): RunReport {
  return runReport({
    label: opts.label,
    client: 'fabpay',
    clientDescription: 'c',
    workload: 'uniform: x',
    capability: opts.capability ?? 'V2_0',
    endorsement: opts.endorsement,
    batch: '250ms/500',
    custody: 'on',
    concurrency: 100,
    mode: 'workers',
    load: {
      attempted: opts.committed,
      committed: opts.committed,
      failed: 0,
      conflictsToCallers: 0,
      errors: {},
      errorSamples: {},
      latenciesMs: [1],
      wallSeconds: opts.wallSeconds,
      stoppedByTimeCap: false,
    },
    conflictRetries: 0,
    clientRetries: {},
    cpu: FIXTURE_CPU,
  });
}
