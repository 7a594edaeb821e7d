/** The levers section of the bench's JSON summary: one entry per cumulative row (levers.ts). */
import { LEGACY, LEVERS } from './levers';
import { ratio, type RunReport } from './report';

/** Endorsing peers per payment under the bench's main (majority of two orgs) policy. */
const ENDORSERS_PER_PAYMENT = 2;

export interface LeverRowSummary {
  row: string;
  description: string;
  committedPerSecond: number;
  failed: number;
  cpuMsPerPayment: Record<string, number>;
  /** Chaincode CPU per execution: chaincode ms per payment / endorsing peers per payment. */
  chaincodeMsPerExecution: number;
  /** This row's committed/s over the previous row's, and its total CPU ms per payment minus the previous row's. */
  rateOverPrevious: number | null;
  cpuMsPerPaymentChange: number | null;
}

export interface LeverSummary {
  rows: LeverRowSummary[];
  legacy: LeverRowSummary | null;
  main: LeverRowSummary | null;
  /** Main's committed/s over legacy's: the same run, the same network, one after the other. */
  mainOverLegacy: number | null;
  note: string;
}

export function leverSummary(runs: readonly RunReport[]): LeverSummary {
  const rows: LeverRowSummary[] = [];
  for (const run of runs) {
    const m = /\/lever-?([+\w-]+)$/.exec(run.label);
    if (!m) continue;
    const name = m[1]!;
    const lever = LEVERS.find((l) => `+${l.name}` === name);
    const previous = rows[rows.length - 1];
    const ms = run.cpu.msPerCommittedPayment;
    rows.push({
      row: name,
      description:
        name === LEGACY
          ? 'the chaincode and network defaults before every lever'
          : (lever?.description ?? ''),
      committedPerSecond: run.committedPerSecond,
      failed: run.payments.failed,
      cpuMsPerPayment: ms,
      chaincodeMsPerExecution: Math.round(((ms.chaincode ?? 0) / ENDORSERS_PER_PAYMENT) * 100) / 100,
      rateOverPrevious: previous ? ratio(run.committedPerSecond, previous.committedPerSecond, 2) : null,
      cpuMsPerPaymentChange:
        previous && ms.total !== undefined && previous.cpuMsPerPayment.total !== undefined
          ? Math.round((ms.total - previous.cpuMsPerPayment.total) * 100) / 100
          : null,
    });
  }
  const legacy = rows.find((r) => r.row === LEGACY) ?? null;
  const main = rows.length > 1 ? rows[rows.length - 1]! : null;
  return {
    rows,
    legacy,
    main,
    mainOverLegacy: legacy && main ? ratio(main.committedPerSecond, legacy.committedPerSecond, 2) : null,
    note: 'uniform, main settings; each row restarts every process with one more lever than the row before (legacy: none; the last row is main)',
  };
}
