/**
 * Configuration (1): this project's client, @fabpay/gateway-client (FabpayClient + PaymentsClient):
 * a pool of connections to the org's peers, bounded concurrency, node:crypto signer, deadlines
 * and retries (MVCC/phantom conflicts are resubmitted with a fresh proposal).
 */
import {
  FabpayClient,
  FabpayError,
  GatewayRequestError,
  PaymentsClient,
  PaymentsError,
  TransactionInvalidError,
} from '@fabpay/gateway-client';
import type { CommitTracking, Ordering } from '../args';
import type { Outcome, PaymentSubmitter, SlotUsage } from '../load';
import type { PaymentSpec } from '../workloads';

export interface FabpayRunnerOptions {
  profile: string;
  wallet: string;
  identity: string;
  channel: string;
  chaincode: string;
  connectionsPerEndpoint: number;
  maxInFlightPerEndpoint: number;
  /** How submits learn their commit (FabpayClient commitTracking). */
  commitTracking: CommitTracking;
  /** Per-payer ordering of debits (PaymentsClient orderDebits). */
  ordering: Ordering;
}

/** Stage calls that each hold a pool slot (and one of the peer's gateway slots) while in flight. */
const SLOT_STAGES = new Set(['evaluate', 'endorse', 'submit', 'commitStatus']);

const CONFLICTS = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

/** A submitter that makes one call per request and reports its outcome as the load loop counts it. */
export function classifiedSubmitter<T>(call: (req: T) => Promise<unknown>): {
  pay(req: T): Promise<Outcome>;
} {
  return {
    pay: async (req: T): Promise<Outcome> => {
      try {
        await call(req);
        return { ok: true };
      } catch (err) {
        return classifyFabpayError(err);
      }
    },
  };
}

export function classifyFabpayError(err: unknown): Outcome {
  if (err instanceof TransactionInvalidError) {
    return {
      ok: false,
      kind: CONFLICTS.has(err.validationCode) ? 'conflict' : 'error',
      code: err.validationCode,
    };
  }
  if (err instanceof PaymentsError)
    return { ok: false, kind: 'error', code: err.paymentCode, detail: err.message };
  if (err instanceof GatewayRequestError) {
    const detail = [err.message, ...err.details.map((d) => `${d.address} (${d.mspId}): ${d.message}`)].join(
      ' | ',
    );
    return { ok: false, kind: 'error', code: `${err.code}/${err.stage}/${err.grpcCode}`, detail };
  }
  if (err instanceof FabpayError) return { ok: false, kind: 'error', code: err.code, detail: err.message };
  return { ok: false, kind: 'error', code: err instanceof Error ? err.name : 'UNKNOWN' };
}

export class FabpaySubmitter implements PaymentSubmitter {
  readonly name: string;
  readonly commitTracking: CommitTracking;
  readonly ordering: Ordering;

  private constructor(
    readonly client: FabpayClient,
    readonly payments: PaymentsClient,
    options: FabpayRunnerOptions,
  ) {
    this.name = `fabpay-gateway-client (${options.connectionsPerEndpoint} conn/peer, ${options.maxInFlightPerEndpoint} in flight/peer, commit tracking ${options.commitTracking}, debit ordering ${options.ordering})`;
    this.commitTracking = options.commitTracking;
    this.ordering = options.ordering;
  }

  static async open(options: FabpayRunnerOptions): Promise<FabpaySubmitter> {
    const client = await FabpayClient.fromProfile({
      profile: options.profile,
      identityStore: options.wallet,
      identityLabel: options.identity,
      channel: options.channel,
      connectionsPerEndpoint: options.connectionsPerEndpoint,
      maxInFlightPerEndpoint: options.maxInFlightPerEndpoint,
      commitTracking: options.commitTracking,
    });
    const payments = new PaymentsClient(client, {
      chaincode: options.chaincode,
      orderDebits: options.ordering === 'on',
    });
    return new FabpaySubmitter(client, payments, options);
  }

  async pay(p: PaymentSpec): Promise<Outcome> {
    try {
      await this.payments.pay(p);
      return { ok: true };
    } catch (err) {
      return classifyFabpayError(err);
    }
  }

  async conflictRetries(): Promise<number> {
    const metric = await this.client.metrics.retries.get();
    return metric.values
      .filter((v) => v.labels.stage === 'commit' && CONFLICTS.has(String(v.labels.reason)))
      .reduce((sum, v) => sum + v.value, 0);
  }

  async retryCounts(): Promise<Record<string, number>> {
    const out: Record<string, number> = {};
    for (const v of (await this.client.metrics.retries.get()).values)
      out[`${v.labels.stage}/${v.labels.reason}`] = v.value;
    return out;
  }

  async slots(): Promise<SlotUsage> {
    let slotSeconds = 0;
    let commitStatusSlotSeconds = 0;
    for (const v of (await this.client.metrics.stageSeconds.get()).values) {
      const stage = String(v.labels.stage);
      if (v.metricName?.endsWith('_sum') !== true || !SLOT_STAGES.has(stage)) continue;
      slotSeconds += v.value;
      if (stage === 'commitStatus') commitStatusSlotSeconds += v.value;
    }
    const commits = (await this.client.metrics.commits.get()).values;
    const via = (source: string) => commits.find((v) => v.labels.source === source)?.value ?? 0;
    const stream = this.client.status().commitStream;
    return {
      slotSeconds,
      commitStatusSlotSeconds,
      commitsViaStream: via('stream'),
      commitsViaStatus: via('status'),
      streamsOpen: stream && stream.state !== 'idle' && stream.state !== 'closed' ? 1 : 0,
    };
  }

  async close(): Promise<void> {
    await this.client.close({ drainTimeoutMs: 5_000 });
  }
}
