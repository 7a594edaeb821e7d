/**
 * Accounts and funds, outside the measured window.
 *
 * Opens the payer accounts, the hot merchant, the fan-out payer and a few distributor accounts
 * (skipping any that exist, so a reused network is set up in seconds). Funding has to respect the
 * chaincode's contention rules: every `issue` reads and writes the currency's supply key, so
 * issues serialise (one per block), and every debit of one account serialises too. So the bench
 * issues sequentially to K distributors only, then the K distributors pay the payers in K parallel
 * chains, and every payer folds its incoming credit (folds never conflict). Idempotent by ID, so a
 * transient failure is simply retried. Bounded in time.
 *
 * Each governance custody setting has its own set of accounts (named by `prefix`), opened while
 * that setting holds: a key keeps the key-level endorsement policy it was created with, so
 * accounts opened under custody on stay under custody whatever governance says later.
 */
import {
  FabpayError,
  GatewayRequestError,
  issueCreditId,
  paymentCreditId,
  PaymentNotFoundError,
  PaymentsError,
  type PaymentsClient,
} from '@fabpay/gateway-client';
import type { Accounts } from './workloads';

export interface SetupOptions {
  /** Account ID prefix of this set of accounts. */
  prefix: string;
  payers: number;
  /** Minor units a spender must hold (settled) before a run; topped up with `fund` otherwise. */
  minimum: bigint;
  fund: bigint;
  concurrency: number;
  timeoutMs: number;
}

export interface SetupReport {
  seconds: number;
  opened: number;
  funded: number;
  distributors: number;
  /** Transient failures retried during setup, by error code (see the README, Performance). */
  retried: Record<string, number>;
}

const PREFIX = 'bench';
/** Payers funded per distributor chain. */
const PER_DISTRIBUTOR = 25;

/** The account ID prefix of the accounts opened under a custody setting. */
export function accountPrefix(custody: 'on' | 'off'): string {
  return `${PREFIX}-custody-${custody}`;
}

export function benchAccounts(currency: string, payers: number, prefix: string): Accounts {
  return {
    currency,
    payers: Array.from({ length: payers }, (_, i) => `${prefix}-a${String(i).padStart(5, '0')}`),
    merchant: `${prefix}-merchant`,
    fanoutPayer: `${prefix}-fanout`,
  };
}

/** A promise awaited later: marked handled now so an early rejection does not crash the process. */
function handled(p: Promise<unknown>): Promise<void> {
  const v = p.then(() => undefined);
  v.catch(() => undefined);
  return v;
}

/** Runs `fn` over `items` with at most `concurrency` at a time; fails once `until` has passed. */
async function pool<T>(
  items: readonly T[],
  concurrency: number,
  until: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (Date.now() > until) throw new Error('bench setup exceeded its time limit');
      await fn(items[next++]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, worker));
}

/**
 * Right after `up`, a peer gateway may not yet know the other org's peers (gossip discovery takes a
 * few seconds) and answers FAILED_PRECONDITION "no combination of peers can be derived which
 * satisfy the endorsement policy". Waits (bounded) until a real submit goes through.
 */
async function waitUntilEndorsable(
  payments: PaymentsClient,
  currency: string,
  log: (l: string) => void,
): Promise<void> {
  const started = Date.now();
  const probe = `${PREFIX}-probe-${started.toString(36)}`;
  for (let attempt = 1; ; attempt++) {
    try {
      await payments.openAccount(probe, currency);
      if (attempt > 1)
        log(`[bench] setup: endorsement works after ${((Date.now() - started) / 1000).toFixed(1)} s`);
      return;
    } catch (err) {
      if (
        !(err instanceof GatewayRequestError) ||
        err.grpcCode !== 'FAILED_PRECONDITION' ||
        Date.now() - started > 120_000
      )
        throw err;
      if (attempt === 1)
        log('[bench] setup: the peer gateways cannot plan an endorsement yet (discovery); waiting');
      await new Promise((r) => setTimeout(r, 1000));
    }
  }
}

export async function setupAccounts(
  payments: PaymentsClient,
  opts: SetupOptions,
  log: (l: string) => void,
): Promise<{ accounts: Accounts; report: SetupReport }> {
  const started = Date.now();
  const until = started + opts.timeoutMs;
  const retried: Record<string, number> = {};
  /** Retries idempotent setup steps on transient failures (bounded). */
  const retry = async <T>(
    what: string,
    fn: () => Promise<T>,
    alsoTransient: readonly string[] = [],
  ): Promise<T> => {
    for (let attempt = 1; ; attempt++) {
      try {
        return await fn();
      } catch (err) {
        const paymentCode = err instanceof PaymentsError ? err.paymentCode : undefined;
        const code = paymentCode ?? (err instanceof FabpayError ? err.code : 'UNKNOWN');
        const transient =
          code === 'GATEWAY_ERROR' ||
          code === 'TRANSACTION_INVALID' ||
          code === 'OUTCOME_UNKNOWN' ||
          alsoTransient.includes(code);
        if (!transient || attempt >= 8 || Date.now() > until) throw err;
        retried[code] = (retried[code] ?? 0) + 1;
        if (retried[code] <= 3)
          log(
            `[bench] setup: ${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; retrying`,
          );
        await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  };

  const currencies = await payments.listCurrencies();
  const currency = currencies.find((c) => c.code === 'EUR')?.code ?? currencies[0]?.code;
  if (!currency) throw new Error('the chaincode lists no currency');
  await waitUntilEndorsable(payments, currency, log);
  // Operation IDs, and so the issue's credit ID, are scoped within the issuer's MSP.
  const issuerMsp = (await payments.whoami()).mspId;
  const accounts = benchAccounts(currency, opts.payers, opts.prefix);
  const spenders = [...accounts.payers, accounts.fanoutPayer];
  const k = Math.ceil(spenders.length / PER_DISTRIBUTOR);
  const distributors = Array.from({ length: k }, (_, i) => `${opts.prefix}-d${String(i).padStart(4, '0')}`);
  const all = [...spenders, accounts.merchant, ...distributors];

  const settled = new Map<string, bigint>();
  let opened = 0;
  await pool(all, opts.concurrency, until, async (id) => {
    try {
      const b = await payments.getBalance(id);
      settled.set(id, BigInt(b.available) - BigInt(b.pending));
    } catch (err) {
      if (!(err instanceof PaymentNotFoundError)) throw err;
      await retry(`open ${id}`, () => payments.openAccount(id, currency)).catch((e: unknown) => {
        if (!(e instanceof FabpayError && 'paymentCode' in e && e.paymentCode === 'ACCOUNT_EXISTS')) throw e;
      });
      settled.set(id, 0n);
      opened++;
    }
  });

  const needFunds = spenders.filter((id) => (settled.get(id) ?? 0n) < opts.minimum);
  log(`[bench] setup: ${opened} accounts opened, ${needFunds.length} to fund through ${k} distributors`);
  const tag = Date.now().toString(36);
  // Each distributor's chain: the payers needing funds whose index maps to it.
  const chains: { distributor: string; payers: string[]; fold?: Promise<void> }[] = distributors.map(
    (d, i) => ({
      distributor: d,
      payers: needFunds.filter((_, j) => j % k === i),
    }),
  );
  // 1. Issue to the distributors one after another (issues serialise on the supply key).
  for (const chain of chains) {
    if (chain.payers.length === 0) continue;
    const need = opts.fund * BigInt(chain.payers.length);
    const have = settled.get(chain.distributor) ?? 0n;
    if (have >= need) continue;
    const operationId = `${PREFIX}-fund-${tag}-${chain.distributor}`;
    await retry(`issue to ${chain.distributor}`, () => payments.issue(operationId, chain.distributor, need));
    // A fold touches only the distributor's keys: no need to wait for it before the next issue.
    chain.fold = handled(
      retry(
        `fold ${chain.distributor}`,
        () => payments.foldCredits(chain.distributor, [issueCreditId(issuerMsp, operationId)]),
        ['CREDIT_NOT_FOUND'],
      ),
    );
  }
  // 2. Distributors pay their payers in parallel chains; each payer folds its credit.
  const folds: Promise<void>[] = [];
  await Promise.all(
    chains.map(async (chain) => {
      await chain.fold;
      for (const payer of chain.payers) {
        if (Date.now() > until) throw new Error('bench setup exceeded its time limit');
        const paymentId = `${PREFIX}-fund-${tag}-${payer}`;
        await retry(`fund ${payer}`, () =>
          payments.pay({ paymentId, from: chain.distributor, to: payer, amount: opts.fund, currency }),
        );
        // The payment committed on the peer that reported it; an endorser of the other org may not
        // have that block yet and answer CREDIT_NOT_FOUND for a moment.
        folds.push(
          handled(
            retry(
              `fold ${payer}`,
              () => payments.foldCredits(payer, [paymentCreditId(chain.distributor, paymentId)]),
              ['CREDIT_NOT_FOUND'],
            ),
          ),
        );
      }
    }),
  );
  await Promise.all(folds);
  return {
    accounts,
    report: {
      seconds: (Date.now() - started) / 1000,
      opened,
      funded: needFunds.length,
      distributors: k,
      retried,
    },
  };
}
