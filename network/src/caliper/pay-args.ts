/**
 * What the Caliper workload sends and what the workspace generator and the pre-funding step agree
 * on: the `pay` argument list in the contract's order, unique payment IDs, the benchmark accounts
 * and how Caliper's workers share them. Pure functions, so the unit test checks them against the
 * chaincode's contract metadata and the workload (run by Caliper, not by us) uses the same code.
 */
import { isValidId, type Payment } from '@fabpay/model';

/** One benchmark account: its ID and the topology user (Caliper identity name) who owns it. */
export interface CaliperAccount {
  id: string;
  owner: string;
}

/**
 * The arguments the generated benchmark config hands the workload module (`workload.arguments`),
 * the same for every round.
 */
export interface PayWorkloadArguments {
  channel: string;
  contractId: string;
  /** MSP of every identity in this workspace (Caliper's `invokerMspId`). */
  mspId: string;
  currency: string;
  /** Minor units per payment, a decimal integer string (never a float). */
  amount: string;
  /** The payment's reference text (printable ASCII, at most 140 characters). */
  reference: string;
  /** Every account of the workspace, payers and payees alike; each worker pays from its share. */
  accounts: CaliperAccount[];
  /**
   * The round's `txNumber`. Caliper gives each worker floor(txNumber / workers) transactions and
   * calls `submitTransaction` at the round's rate whether or not earlier calls have sent theirs,
   * so a worker whose calls wait for a payer stops at its share instead of sending extra ones.
   */
  txNumber: number;
  /**
   * Milliseconds a payer rests after its payment committed before it pays again: the gateway
   * reports the commit on its own peer, and an endorsement by another org's peer that has not
   * committed that block yet reads the old balance, so the gateway refuses the two endorsements
   * as different (`ProposalResponsePayloads do not match`) and Caliper does not retry.
   */
  restMs: number;
}

/** The `pay` transaction's arguments: the fields of the model's Payment the caller chooses. */
export type PayRequest = Pick<Payment, 'paymentId' | 'from' | 'to' | 'amount' | 'currency' | 'reference'>;

/** `pay(paymentId, from, to, amount, currency, reference)` as the wire's string list. */
export function payArguments(p: PayRequest): string[] {
  return [p.paymentId, p.from, p.to, p.amount, p.currency, p.reference];
}

/** Thrown when the workload would build an argument the chaincode refuses before running. */
export class CaliperWorkloadError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CaliperWorkloadError';
  }
}

/**
 * A payment ID unique across runs, rounds, workers and payments: `cal-<run>-r<round>w<worker>-<n>`
 * (the chaincode scopes payment IDs within the payer account, so a reused ID would be replayed,
 * not paid again, and the run would move no money while reporting success).
 */
export function caliperPaymentId(run: string, round: number, worker: number, n: number): string {
  const id = `cal-${run}-r${round}w${worker}-${n}`;
  if (!isValidId(id)) throw new CaliperWorkloadError(`payment ID ${JSON.stringify(id)} is not a valid ID`);
  return id;
}

/** The benchmark account `n` of an org's user, e.g. `cal-org1-alice-07`. */
export function caliperAccountId(org: string, user: string, n: number): string {
  const id = `cal-${org.toLowerCase()}-${user}-${String(n).padStart(2, '0')}`;
  if (!isValidId(id)) throw new CaliperWorkloadError(`account ID ${JSON.stringify(id)} is not a valid ID`);
  return id;
}

/**
 * `count` accounts of an org, owned by its users in turn (so every identity of the workspace
 * submits payments).
 */
export function caliperAccounts(org: string, users: readonly string[], count: number): CaliperAccount[] {
  if (users.length === 0)
    throw new CaliperWorkloadError(`${org} has no users in the topology to own accounts`);
  return Array.from({ length: count }, (_, i) => {
    const owner = users[i % users.length]!;
    return { id: caliperAccountId(org, owner, Math.floor(i / users.length)), owner };
  });
}

/** The transactions Caliper's manager gives each worker of a `txNumber` round (its own rule). */
export function workerShare(txNumber: number, totalWorkers: number): number {
  return Math.max(1, Math.floor(txNumber / totalWorkers));
}

/**
 * The payers of one Caliper worker: every `totalWorkers`-th account from `workerIndex`. Workers are
 * separate processes that cannot coordinate, and two payments from one payer in flight at once
 * conflict (both read and write its balance: one fails MVCC validation, and Caliper does not
 * retry), so each payer belongs to exactly one worker.
 */
export function workerPayers<T>(accounts: readonly T[], workerIndex: number, totalWorkers: number): T[] {
  return accounts.filter((_, i) => i % totalWorkers === workerIndex);
}

/**
 * The payee of the `n`-th payment from the payer at `payerIndex` among `count` accounts: the
 * accounts after it in turn, never the payer itself (the chaincode refuses SAME_ACCOUNT). Credits
 * are blind writes, so any number of payments to one payee never conflict.
 */
export function payeeIndex(payerIndex: number, n: number, count: number): number {
  if (count < 2) throw new CaliperWorkloadError('a payment needs at least two accounts');
  return (payerIndex + 1 + (n % (count - 1))) % count;
}
