/**
 * Payments that keep flowing while a suite changes the network (adds an org, swaps an orderer):
 * one worker per route pays again and again, one payment at a time (a payer account never
 * conflicts with itself), until stopped; bounded in count and time. Every payment is recorded in
 * the history, so the suite's history check judges all of them.
 */
import type { History } from './history';
import { pause } from './faults-kit';
import { type Party, payOnce, type PaymentOutcome } from './payments-kit';

/** Who pays whom along one route; `to` may change from one payment (k) to the next. */
export interface Route {
  readonly payer: Party;
  readonly from: string;
  readonly to: string | ((k: number) => string);
}

export interface PacedFlowOptions {
  /** Prefix of the payment IDs (unique per run). */
  readonly tag: string;
  readonly currency: string;
  /** Amount of a route's k-th payment. */
  readonly amount: bigint | ((k: number) => bigint);
  /** Most payments per route. */
  readonly maxPerRoute: number;
  /** The flow stops by itself after this long. */
  readonly maxMs: number;
  /** Pause between a route's payments. */
  readonly pauseMs?: number;
}

export interface PacedFlow {
  /** Payments committed so far. */
  committed(): number;
  /** Resolves once `count` payments have committed (or rejects after `timeoutMs`). */
  committedAtLeast(count: number, timeoutMs: number): Promise<void>;
  /** Stops starting payments and returns every outcome once the last one finished. */
  stop(): Promise<PaymentOutcome[]>;
}

export function startPacedFlow(
  routes: readonly Route[],
  opts: PacedFlowOptions,
  history: History,
): PacedFlow {
  let stopped = false;
  let committed = 0;
  const deadline = Date.now() + opts.maxMs;
  const outcomes: PaymentOutcome[] = [];
  const workers = routes.map(async (route, r) => {
    for (let i = 0; i < opts.maxPerRoute && !stopped && Date.now() < deadline; i++) {
      const outcome = await payOnce(
        route.payer,
        {
          paymentId: `${opts.tag}-${r}-${i}`,
          from: route.from,
          to: typeof route.to === 'function' ? route.to(i) : route.to,
          amount: typeof opts.amount === 'function' ? opts.amount(i) : opts.amount,
          currency: opts.currency,
        },
        history,
      );
      outcomes.push(outcome);
      if (outcome.status === 'committed') committed++;
      if (opts.pauseMs) await pause(opts.pauseMs);
    }
  });
  return {
    committed: () => committed,
    committedAtLeast: async (count, timeoutMs) => {
      const until = Date.now() + timeoutMs;
      while (committed < count) {
        if (Date.now() > until)
          throw new Error(`only ${committed} of ${count} payments committed in ${timeoutMs} ms`);
        await pause(200);
      }
    },
    stop: async () => {
      stopped = true;
      await Promise.all(workers);
      return outcomes;
    },
  };
}
