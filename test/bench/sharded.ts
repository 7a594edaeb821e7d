/**
 * Sharded payers for the payout and hot-payer rows (payouts.ts, hot-payer.ts): one account whose
 * funds are split across N shards (chaincode/src/domain/shards.ts), so N debits of it can commit
 * in one block, opened and funded outside the measured window, and a PaymentsClient that knows
 * its shard count (its AccountQueue then keeps up to N debits of it in flight, each with its own
 * shard hint), whatever the bench's --ordering says.
 */
import {
  FabpayError,
  issueCreditId,
  PaymentNotFoundError,
  PaymentsClient,
  PaymentsError,
  type FabpayClient,
} from '@fabpay/gateway-client';
import { CpuSampler, type CpuReport } from './cpu';
import { trackedProcesses } from './network';

export interface ShardedPayerOptions {
  accountId: string;
  currency: string;
  shards: number;
  /** Settled minor units the payer must hold before the measured rows; topped up with `fund` otherwise. */
  minimum: bigint;
  fund: bigint;
  /** Setup gives up after this long. */
  timeoutMs: number;
}

export interface ShardedPayerSetup {
  accountId: string;
  shards: number;
  opened: boolean;
  /** Minor units issued to it in this setup (0 when it held enough already). */
  issued: string;
  seconds: number;
}

/** Retries an idempotent setup step on transient failures, bounded in attempts and time. */
async function retry<T>(
  what: string,
  fn: () => Promise<T>,
  until: number,
  log: (l: string) => void,
  alsoTransient: readonly string[] = [],
): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const code =
        err instanceof PaymentsError ? err.paymentCode : err instanceof FabpayError ? err.code : 'UNKNOWN';
      const transient =
        ['GATEWAY_ERROR', 'TRANSACTION_INVALID', 'OUTCOME_UNKNOWN'].includes(code) ||
        alsoTransient.includes(code);
      if (!transient || attempt >= 8 || Date.now() > until) throw err;
      log(
        `[bench] setup: ${what}: ${err instanceof Error ? err.message.split('\n')[0] : String(err)}; retrying`,
      );
      await new Promise((r) => setTimeout(r, 200 * attempt));
    }
  }
}

/**
 * Opens the sharded payer unless it exists (a reused network), and tops it up to `minimum` by an
 * issue folded into it (a fold spreads the funds evenly over the shards). Idempotent by ID.
 */
export async function setupShardedPayer(
  payments: PaymentsClient,
  opts: ShardedPayerOptions,
  log: (l: string) => void,
): Promise<ShardedPayerSetup> {
  const started = Date.now();
  const until = started + opts.timeoutMs;
  let opened = false;
  try {
    const account = await payments.getAccount(opts.accountId);
    if ((account.shards ?? 1) !== opts.shards)
      throw new Error(
        `${opts.accountId} exists with ${account.shards ?? 1} shards, not ${opts.shards} (its ID names the count; was it opened by hand?)`,
      );
  } catch (err) {
    if (!(err instanceof PaymentNotFoundError)) throw err;
    await retry(
      `open ${opts.accountId}`,
      () => payments.openAccount(opts.accountId, opts.currency, '', { shards: opts.shards }),
      until,
      log,
    ).catch((e: unknown) => {
      if (!(e instanceof PaymentsError && e.paymentCode === 'ACCOUNT_EXISTS')) throw e;
    });
    opened = true;
  }
  const view = await payments.getShards(opts.accountId);
  let issued = 0n;
  if (BigInt(view.totalAvailable) < opts.minimum) {
    // Operation IDs, and so the issue's credit ID, are scoped within the issuer's MSP.
    const issuerMsp = (await payments.whoami()).mspId;
    const operationId = `${opts.accountId}-fund-${Date.now().toString(36)}`;
    await retry(
      `issue to ${opts.accountId}`,
      () => payments.issue(operationId, opts.accountId, opts.fund),
      until,
      log,
    );
    // The other org's endorser may not have the issue's block yet: CREDIT_NOT_FOUND for a moment.
    await retry(
      `fold ${opts.accountId}`,
      () => payments.foldCredits(opts.accountId, [issueCreditId(issuerMsp, operationId)]),
      until,
      log,
      ['CREDIT_NOT_FOUND'],
    );
    issued = opts.fund;
  }
  return {
    accountId: opts.accountId,
    shards: opts.shards,
    opened,
    issued: issued.toString(),
    seconds: (Date.now() - started) / 1000,
  };
}

/**
 * A PaymentsClient over `client` that orders debits per account and knows `accountShards`, so a
 * sharded payer runs min(shards, 64) debits at once, one per shard, and queues the rest.
 */
export function shardedPayments(
  client: FabpayClient,
  chaincode: string,
  accountShards: Readonly<Record<string, number>>,
): PaymentsClient {
  return new PaymentsClient(client, { chaincode, orderDebits: { accountShards } });
}

/** CPU of the bench's processes and this one while `fn` runs (cpu.ts). */
export async function withCpu<T>(fn: () => Promise<T>): Promise<{ result: T; cpu: CpuReport }> {
  const sampler = new CpuSampler(await trackedProcesses(() => undefined));
  sampler.begin();
  const result = await fn();
  return { result, cpu: sampler.end() };
}
