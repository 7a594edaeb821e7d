/**
 * The Caliper 0.6.0 workload module for `pay`, as Caliper loads it: `createWorkloadModule()`
 * returns an object with `initializeWorkloadModule`, `submitTransaction` and
 * `cleanupWorkloadModule` (Caliper calls exactly these three; it does not require its own
 * WorkloadModuleBase class, which would have to be resolvable from this file). Compiled to
 * `network/dist/caliper/pay-workload.js`, which the generated benchmark config names by absolute
 * path, so `@fabpay/model` and ./pay-args resolve from this repository and not from Caliper's folder.
 *
 * Each submitted transaction is one `pay` of `amount` minor units with a fresh payment ID, from a
 * payer account this worker owns alone to another account of the workspace, invoked as the payer's
 * owner (the chaincode lets only the owner of `from` pay).
 */
import {
  caliperPaymentId,
  payArguments,
  payeeIndex,
  workerPayers,
  type PayWorkloadArguments,
} from './pay-args';

/** The request shape Caliper's fabric connector (peer-gateway) takes in `sendRequests`. */
export interface CaliperFabricRequest {
  channel: string;
  contractId: string;
  contractFunction: string;
  contractArguments: string[];
  invokerMspId: string;
  invokerIdentity: string;
  readOnly: boolean;
}

/** The part of Caliper's connector a workload uses. */
export interface CaliperConnector {
  sendRequests(request: CaliperFabricRequest): Promise<unknown>;
}

/** A payer of this worker: its index among all accounts, for choosing payees. */
interface Payer {
  index: number;
  id: string;
  owner: string;
}

export class PayWorkload {
  private args?: PayWorkloadArguments;
  private connector?: CaliperConnector;
  private run = '';
  private round = 0;
  private worker = 0;
  private sent = 0;
  /**
   * Payers with no payment in flight, least recently used first. A payer goes back to the end of
   * the queue when its payment finished, so it is reused as late as possible: two payments of one
   * payer must not overlap (MVCC conflict on its balance) and should not follow each other within
   * the moment the other org's peers need to commit the first (the endorsements would read
   * different balances and the gateway would refuse the mismatch).
   */
  private free: Payer[] = [];
  private all: Payer[] = [];

  /** Called by Caliper before each round, in each worker. */
  async initializeWorkloadModule(
    workerIndex: number,
    totalWorkers: number,
    roundIndex: number,
    roundArguments: PayWorkloadArguments,
    sutAdapter: CaliperConnector,
  ): Promise<void> {
    this.args = roundArguments;
    this.connector = sutAdapter;
    this.worker = workerIndex;
    this.round = roundIndex;
    this.sent = 0;
    // Part of every payment ID: a second run against the same ledger must not replay the first.
    this.run = Date.now().toString(36);
    const indexed = roundArguments.accounts.map((a, index) => ({ index, id: a.id, owner: a.owner }));
    this.all = workerPayers(indexed, workerIndex, totalWorkers);
    if (this.all.length === 0) {
      throw new Error(
        `worker ${workerIndex} of ${totalWorkers} has no payer account: give the workspace more accounts than workers`,
      );
    }
    this.free = [...this.all];
  }

  /** Called by Caliper's rate controller for every transaction. */
  async submitTransaction(): Promise<void> {
    const args = this.args;
    const connector = this.connector;
    if (!args || !connector) throw new Error('submitTransaction before initializeWorkloadModule');
    const n = this.sent++;
    // Every payer busy means more in flight than the workspace has payers per worker: the round's
    // load is too high for its accounts. Sending anyway (round robin) shows as failures in the
    // report rather than silently slowing the rate Caliper asked for.
    const payer = this.free.shift() ?? this.all[n % this.all.length]!;
    const to = args.accounts[payeeIndex(payer.index, n, args.accounts.length)]!;
    try {
      await connector.sendRequests({
        channel: args.channel,
        contractId: args.contractId,
        contractFunction: 'pay',
        contractArguments: payArguments({
          paymentId: caliperPaymentId(this.run, this.round, this.worker, n),
          from: payer.id,
          to: to.id,
          amount: args.amount,
          currency: args.currency,
          reference: args.reference,
        }),
        invokerMspId: args.mspId,
        invokerIdentity: payer.owner,
        readOnly: false,
      });
    } finally {
      if (!this.free.includes(payer)) this.free.push(payer);
    }
  }

  /** Called by Caliper after each round. */
  async cleanupWorkloadModule(): Promise<void> {
    this.free = [];
  }
}

/** Caliper's entry point for a workload module. */
export function createWorkloadModule(): PayWorkload {
  return new PayWorkload();
}
