/**
 * Accounts and funds, outside the measured window: opens the payer accounts, the hot merchant and
 * the fan-out payer (skipping any that exist, so a reused network is set up in seconds), then, for
 * every payer short of funds, issues money and folds the resulting pending credit (an issue is an
 * incoming credit the owner must fold before spending it). Uses this project's client at high
 * concurrency; bounded in time.
 */
import { PaymentNotFoundError, type PaymentsClient } from '@fabpay/gateway-client';
import type { Accounts } from './workloads';

export interface SetupOptions {
  payers: number;
  /** Minor units a payer must hold (settled) before a run; topped up to `fund` otherwise. */
  minimum: bigint;
  fund: bigint;
  concurrency: number;
  timeoutMs: number;
}

export interface SetupReport {
  seconds: number;
  opened: number;
  funded: number;
}

const PREFIX = 'bench';

export function benchAccounts(currency: string, payers: number): Accounts {
  return {
    currency,
    payers: Array.from({ length: payers }, (_, i) => `${PREFIX}-a${String(i).padStart(5, '0')}`),
    merchant: `${PREFIX}-merchant`,
    fanoutPayer: `${PREFIX}-fanout`,
  };
}

/** Runs `fn` over `items` with at most `concurrency` at a time; stops starting new ones at `until`. */
async function pool<T>(items: readonly T[], concurrency: number, until: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (Date.now() > until) throw new Error('bench setup exceeded its time limit');
      await fn(items[next++]!);
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
}

export async function setupAccounts(payments: PaymentsClient, opts: SetupOptions, log: (l: string) => void): Promise<{ accounts: Accounts; report: SetupReport }> {
  const started = Date.now();
  const until = started + opts.timeoutMs;
  const currencies = await payments.listCurrencies();
  const currency = currencies.find((c) => c.code === 'EUR')?.code ?? currencies[0]?.code;
  if (!currency) throw new Error('the chaincode lists no currency');
  const accounts = benchAccounts(currency, opts.payers);
  const all = [...accounts.payers, accounts.merchant, accounts.fanoutPayer];
  const spenders = [...accounts.payers, accounts.fanoutPayer];
  const settled = new Map<string, bigint>();
  let opened = 0;
  await pool(all, opts.concurrency, until, async (id) => {
    try {
      const b = await payments.getBalance(id);
      settled.set(id, BigInt(b.available) - BigInt(b.pending));
    } catch (err) {
      if (!(err instanceof PaymentNotFoundError)) throw err;
      await payments.openAccount(id, currency);
      settled.set(id, 0n);
      opened++;
    }
  });
  const needFunds = spenders.filter((id) => (settled.get(id) ?? 0n) < opts.minimum);
  log(`[bench] setup: ${opened} accounts opened, ${needFunds.length} to fund`);
  const tag = Date.now().toString(36);
  await pool(needFunds, opts.concurrency, until, async (id) => {
    const operationId = `${PREFIX}-fund-${tag}-${id}`;
    await payments.issue(operationId, id, opts.fund);
    await payments.foldCredits(id, [`i.${operationId}`]);
  });
  return { accounts, report: { seconds: (Date.now() - started) / 1000, opened, funded: needFunds.length } };
}
