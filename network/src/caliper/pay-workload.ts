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
 *
 * Caliper's fabric connector does not retry, so two payments that would conflict are never sent
 * together: a payer pays again only after its previous payment finished and rested `restMs`. When
 * every payer of the worker is busy, the call waits for one, and Caliper's "Send Rate" shows the
 * rate that was actually sent (latency is measured from the proposal, after the wait).
 */
import {
  caliperPaymentId,
  payArguments,
  payeeIndex,
  workerPayers,
  workerShare,
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

/** A payer of this worker: its index among all accounts (for choosing payees), and when it may pay. */
interface Payer {
  index: number;
  id: string;
  owner: string;
  readyAt: number;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class PayWorkload {
  private args?: PayWorkloadArguments;
  private connector?: CaliperConnector;
  private run = '';
  private round = 0;
  private worker = 0;
  /** Transactions this worker takes on in this round (Caliper's share), and how many it took. */
  private share = 0;
  private taken = 0;
  /** Payers with no payment in flight, least recently used first (so reused as late as possible). */
  private free: Payer[] = [];

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
    this.share = workerShare(roundArguments.txNumber, totalWorkers);
    this.taken = 0;
    // Part of every payment ID: a second run against the same ledger must not replay the first.
    this.run = Date.now().toString(36);
    const indexed = roundArguments.accounts.map((a, index) => ({
      index,
      id: a.id,
      owner: a.owner,
      readyAt: 0,
    }));
    this.free = workerPayers(indexed, workerIndex, totalWorkers);
    if (this.free.length === 0) {
      throw new Error(
        `worker ${workerIndex} of ${totalWorkers} has no payer account: give the workspace more accounts than workers`,
      );
    }
  }

  /** The least recently used payer that is free and rested, waiting for one if need be. */
  private async payer(): Promise<Payer> {
    for (;;) {
      const head = this.free[0];
      const wait = head ? head.readyAt - Date.now() : 20;
      if (head && wait <= 0) return this.free.shift()!;
      await sleep(Math.min(Math.max(wait, 1), 20));
    }
  }

  /** Called by Caliper's rate controller for every transaction. */
  async submitTransaction(): Promise<void> {
    const args = this.args;
    const connector = this.connector;
    if (!args || !connector) throw new Error('submitTransaction before initializeWorkloadModule');
    // Calls beyond the share were made while earlier ones waited for a payer; Caliper stops
    // counting at the share, so they send nothing.
    if (this.taken >= this.share) return;
    const n = this.taken++;
    const payer = await this.payer();
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
      payer.readyAt = Date.now() + args.restMs;
      this.free.push(payer);
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
