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
import type { Outcome, PaymentSubmitter } from '../load';
import type { PaymentSpec } from '../workloads';

export interface FabpayRunnerOptions {
  profile: string;
  wallet: string;
  identity: string;
  channel: string;
  chaincode: string;
  connectionsPerEndpoint: number;
  maxInFlightPerEndpoint: number;
}

const CONFLICTS = new Set(['MVCC_READ_CONFLICT', 'PHANTOM_READ_CONFLICT']);

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

  private constructor(
    readonly client: FabpayClient,
    readonly payments: PaymentsClient,
    options: FabpayRunnerOptions,
  ) {
    this.name = `fabpay-gateway-client (${options.connectionsPerEndpoint} conn/peer, ${options.maxInFlightPerEndpoint} in flight/peer)`;
  }

  static async open(options: FabpayRunnerOptions): Promise<FabpaySubmitter> {
    const client = await FabpayClient.fromProfile({
      profile: options.profile,
      identityStore: options.wallet,
      identityLabel: options.identity,
      channel: options.channel,
      connectionsPerEndpoint: options.connectionsPerEndpoint,
      maxInFlightPerEndpoint: options.maxInFlightPerEndpoint,
    });
    return new FabpaySubmitter(client, new PaymentsClient(client, { chaincode: options.chaincode }), options);
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

  async close(): Promise<void> {
    await this.client.close({ drainTimeoutMs: 5_000 });
  }
}
