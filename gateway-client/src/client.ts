/**
 * FabpayClient: the facade. Pooled, health-checked connections to several
 * peer gateways; evaluate and submit with deadlines and the retry rules;
 * checkpointed event streams; metrics, logs and graceful shutdown.
 */
import { X509Certificate } from 'node:crypto';
import { gateway as gatewayProto, msp } from '@hyperledger/fabric-protos';
import type { Status } from '@hyperledger/fabric-gateway';
import { resolveDeadlines, type Deadlines } from './deadlines';
import { ClientClosedError, FabpayError } from './errors';
import { ChaincodeEventStream, type ChaincodeEventStreamOptions } from './events/stream';
import { loadIdentity } from './identity-store';
import { silentLogger, type Logger } from './logger';
import { ClientMetrics, type MetricsOptions } from './metrics';
import { DEFAULT_CONNECTION_OPTIONS, type ConnectionOptions } from './pool/connections';
import { DEFAULT_HEALTH_OPTIONS, type HealthOptions } from './pool/health';
import { resolution, type TransactionResolution } from './outcomes';
import { ConnectionPool, type PoolStatus } from './pool/pool';
import type { SelectionStrategy } from './pool/selection';
import {
  ConnectionProfileError,
  defaultChannel,
  endpointsFromProfile,
  loadConnectionProfile,
  parseConnectionProfile,
  type ConnectionProfile,
  type EndpointConfig,
} from './profile';
import { resolveRetryPolicy, type RetryPolicy } from './retry/policy';
import { newNodeSigner, type NodeSigner } from './signing';
import {
  CommitTracker,
  DEFAULT_COMMIT_TRACKER_OPTIONS,
  type CommitTrackerOptions,
  type CommitTrackerStatus,
} from './commits/tracker';
import {
  TransactionRunner,
  type CommitTracking,
  type SubmitResult,
  type TransactionRequest,
} from './transactions';

/** The identity transactions are signed with. */
export interface ClientIdentity {
  readonly mspId: string;
  /** PEM X.509 certificate. */
  readonly certificate: string;
  /** PEM private key (P-256 or P-384). */
  readonly privateKey: string;
}

/** Everything configurable; only endpoints, identity and channel are required. */
export interface FabpayClientOptions {
  /** Peer gateways, the caller's org first (see `endpointsFromProfile`). */
  readonly endpoints: readonly EndpointConfig[];
  readonly identity: ClientIdentity;
  readonly channel: string;
  /** Separate HTTP/2 connections per peer (default 2). */
  readonly connectionsPerEndpoint?: number;
  /** Calls in flight per peer (default 250; the peer's own limit is 500 shared by all clients). */
  readonly maxInFlightPerEndpoint?: number;
  /** Requests allowed to wait; past it QueueFullError (default 10 000). */
  readonly maxQueueLength?: number;
  /** Endpoint choice among healthy ones (default least-in-flight). */
  readonly strategy?: SelectionStrategy;
  readonly deadlines?: Partial<Deadlines>;
  readonly retry?: Partial<RetryPolicy>;
  readonly health?: Partial<HealthOptions>;
  readonly connection?: Partial<ConnectionOptions>;
  /** A ClientMetrics instance, or options for a new one (default: private Registry). */
  readonly metrics?: ClientMetrics | MetricsOptions;
  /** Any pino logger (default: silent). */
  readonly logger?: Logger;
  /** Random source for backoff jitter (tests pass a fixed one). */
  readonly random?: () => number;
  /**
   * How a submit learns its commit (default `stream`): `stream` watches one
   * filtered block-event stream per channel (peer Deliver service) that
   * answers every submit of this client, falling back to CommitStatus when
   * it cannot (not started yet, a gap after a reconnect, down, or no commit
   * within `deadlines.commitStatusMs`); `status` makes one CommitStatus call
   * per transaction, holding a gateway slot for the whole wait. The
   * outcome rules are the same either way.
   */
  readonly commitTracking?: CommitTracking;
  /** Reconnect settings of the commit tracking stream. */
  readonly commitStream?: Partial<CommitTrackerOptions>;
}

/** Options for {@link FabpayClient.fromProfile}. */
export type FromProfileOptions = Omit<FabpayClientOptions, 'endpoints' | 'identity'> & {
  /** Connection profile file path or parsed object. */
  readonly profile: string | ConnectionProfile;
  /** Identity store directory (`<label>.id` files). */
  readonly identityStore: string;
  /** Identity label, e.g. `appUser`. */
  readonly identityLabel: string;
  /** Restrict to these peers. */
  readonly peers?: readonly string[];
  /** Use other orgs' peers as failover after the caller's own (default true). */
  readonly includeOtherOrgs?: boolean;
  /** Accept identity files that are not mode 0600. */
  readonly allowInsecureIdentityPermissions?: boolean;
};

export interface CloseOptions {
  /** How long to let in-flight requests finish (default 30 s). */
  readonly drainTimeoutMs?: number;
}

/** Convenience handle bound to one chaincode (and contract). */
export interface ContractHandle {
  evaluate(transaction: string, ...args: string[]): Promise<Uint8Array>;
  submit(transaction: string, ...args: string[]): Promise<SubmitResult>;
}

export class FabpayClient {
  /** Prometheus metrics of this client. */
  readonly metrics: ClientMetrics;
  readonly channel: string;
  readonly mspId: string;
  private readonly pool: ConnectionPool;
  private readonly runner: TransactionRunner;
  private readonly tracker: CommitTracker | undefined;
  private readonly logger: Logger;
  private readonly identity: ClientIdentity;
  private readonly signer: NodeSigner;
  private readonly active = new Set<Promise<unknown>>();
  private readonly streams = new Set<ChaincodeEventStream>();
  private readonly random: () => number;
  private closing = false;
  private closed: Promise<boolean> | undefined;

  constructor(options: FabpayClientOptions) {
    this.logger = options.logger ?? silentLogger();
    this.metrics =
      options.metrics instanceof ClientMetrics ? options.metrics : new ClientMetrics(options.metrics);
    this.channel = options.channel;
    this.identity = options.identity;
    this.mspId = options.identity.mspId;
    this.random = options.random ?? Math.random;
    this.signer = newNodeSigner(options.identity.privateKey);
    const health = { ...DEFAULT_HEALTH_OPTIONS, ...options.health };
    // Validate everything that can throw before the pool opens connections
    // and starts its probe timer, so a bad option leaks nothing.
    const deadlines = resolveDeadlines(options.deadlines);
    const retry = resolveRetryPolicy(options.retry);
    this.pool = new ConnectionPool(
      options.endpoints,
      options.identity.mspId,
      {
        identity: { mspId: options.identity.mspId, credentials: Buffer.from(options.identity.certificate) },
        signer: this.signer.signer,
        hash: this.signer.hash,
      },
      {
        connectionsPerEndpoint: options.connectionsPerEndpoint ?? 2,
        maxInFlightPerEndpoint: options.maxInFlightPerEndpoint ?? 250,
        maxQueueLength: options.maxQueueLength ?? 10_000,
        strategy: options.strategy ?? 'least-in-flight',
        health,
        connection: { ...DEFAULT_CONNECTION_OPTIONS, ...options.connection },
      },
      this.metrics,
      this.logger,
    );
    this.tracker =
      (options.commitTracking ?? 'stream') === 'stream'
        ? new CommitTracker(
            this.pool,
            options.channel,
            this.metrics,
            this.logger,
            { ...DEFAULT_COMMIT_TRACKER_OPTIONS, ...options.commitStream },
            this.random,
          )
        : undefined;
    this.runner = new TransactionRunner(
      this.pool,
      options.channel,
      deadlines,
      retry,
      this.metrics,
      this.logger,
      this.random,
      this.tracker,
    );
  }

  /**
   * Builds a client from a connection profile and the CA's identity store.
   *
   * @example
   * const client = await FabpayClient.fromProfile({
   *   profile: 'network/run/connection-org1.json',
   *   identityStore: 'ca/run/wallet', identityLabel: 'appUser', channel: 'payments',
   * });
   */
  static async fromProfile(options: FromProfileOptions): Promise<FabpayClient> {
    const stored = await loadIdentity(options.identityStore, options.identityLabel, {
      allowInsecurePermissions: options.allowInsecureIdentityPermissions ?? false,
    });
    const profile =
      typeof options.profile === 'string'
        ? await loadConnectionProfile(options.profile)
        : parseConnectionProfile(options.profile);
    const endpoints = endpointsFromProfile(profile, {
      mspId: stored.mspId,
      ...(options.peers ? { peers: options.peers } : {}),
      ...(options.includeOtherOrgs !== undefined ? { includeOtherOrgs: options.includeOtherOrgs } : {}),
    });
    return new FabpayClient({ ...options, endpoints, identity: stored });
  }

  /**
   * Builds a client from the same environment variables as the CLI:
   * FABPAY_PROFILE, FABPAY_WALLET, FABPAY_IDENTITY (required),
   * FABPAY_CHANNEL (default: the profile's only channel, else `payments`),
   * FABPAY_PEERS (comma-separated). Handy for live tests and scripts.
   */
  static async fromEnv(
    env: NodeJS.ProcessEnv = process.env,
    options: Omit<FabpayClientOptions, 'endpoints' | 'identity' | 'channel'> & {
      readonly channel?: string;
    } = {},
  ): Promise<FabpayClient> {
    const need = (name: string): string => {
      const value = env[name];
      if (!value) throw new ConnectionProfileError(`${name} is not set`);
      return value;
    };
    const profile = await loadConnectionProfile(need('FABPAY_PROFILE'));
    return FabpayClient.fromProfile({
      ...options,
      profile,
      identityStore: need('FABPAY_WALLET'),
      identityLabel: need('FABPAY_IDENTITY'),
      channel: options.channel ?? env.FABPAY_CHANNEL ?? defaultChannel(profile),
      ...(env.FABPAY_PEERS ? { peers: env.FABPAY_PEERS.split(',').map((p) => p.trim()) } : {}),
    });
  }

  /** Evaluates a transaction (no ledger update) and returns its result bytes. */
  evaluate(request: TransactionRequest): Promise<Uint8Array> {
    return this.track('evaluate', () => this.runner.evaluate(request));
  }

  /** Endorses, submits and waits for the commit of a transaction. */
  submit(request: TransactionRequest): Promise<SubmitResult> {
    return this.track('submit', () => this.runner.submit(request));
  }

  /** A handle bound to one chaincode, for terse calls with string arguments. */
  contract(chaincode: string, contract?: string): ContractHandle {
    const base = { chaincode, ...(contract ? { contract } : {}) };
    return {
      evaluate: (transaction, ...args) => this.evaluate({ ...base, transaction, args }),
      submit: (transaction, ...args) => this.submit({ ...base, transaction, args }),
    };
  }

  /**
   * Commit status of any transaction submitted by this identity; undefined
   * if it is not committed within `timeoutMs` (default 5 s).
   */
  getTransactionStatus(transactionId: string, timeoutMs = 5_000): Promise<Status | undefined> {
    return this.track('status', () =>
      this.runner.lookupStatus(this.commitStatusRequest(transactionId), timeoutMs),
    );
  }

  /**
   * Resolves an unknown outcome by transaction ID (the ID a
   * `TransactionOutcomeUnknownError` carries): `committed` (VALID, with its
   * block), `invalid` (committed with another validation code, so it never
   * applies) or `not-found` (not committed within `timeoutMs`, default 5 s).
   * Uses the same signed commit-status request as `getTransactionStatus`;
   * the outcome rules are in outcomes.ts.
   */
  async resolve(transactionId: string, timeoutMs = 5_000): Promise<TransactionResolution> {
    return resolution(transactionId, await this.getTransactionStatus(transactionId, timeoutMs));
  }

  /** Opens a checkpointed chaincode event stream; stop it with `stream.stop()`. */
  chaincodeEvents(options: ChaincodeEventStreamOptions): ChaincodeEventStream {
    if (this.closing) throw new ClientClosedError();
    const stream = new ChaincodeEventStream(this.pool, this.channel, options, this.logger, this.random);
    this.streams.add(stream);
    void stream.done.catch(() => undefined).finally(() => this.streams.delete(stream));
    return stream;
  }

  /**
   * Pool snapshot: per-endpoint state, in-flight calls, stats, queue length;
   * and the commit tracking stream's state when `commitTracking` is `stream`.
   */
  status(): PoolStatus & { readonly activeRequests: number; readonly commitStream?: CommitTrackerStatus } {
    return {
      ...this.pool.status(),
      closed: this.closing,
      activeRequests: this.active.size,
      ...(this.tracker ? { commitStream: this.tracker.status() } : {}),
    };
  }

  /**
   * Graceful shutdown: refuse new work, stop event streams, let in-flight
   * requests finish (up to the drain timeout), then close every connection.
   * Returns whether everything finished before the timeout. Calling it again
   * (while closing or after) returns the first call's answer, bounded by the
   * first call's drain timeout.
   */
  close(options: CloseOptions = {}): Promise<boolean> {
    this.closed ??= this.closeOnce(options);
    return this.closed;
  }

  private async closeOnce(options: CloseOptions): Promise<boolean> {
    this.closing = true;
    this.logger.info({ active: this.active.size }, 'closing: draining in-flight requests');
    await Promise.all([...this.streams].map((s) => s.stop()));
    const drainTimeoutMs = options.drainTimeoutMs ?? 30_000;
    let timer: NodeJS.Timeout | undefined;
    const drained = await Promise.race([
      Promise.allSettled([...this.active]).then(() => true),
      new Promise<boolean>((resolve) => {
        timer = setTimeout(() => resolve(false), drainTimeoutMs);
      }),
    ]);
    clearTimeout(timer);
    // After the drain, so submits waiting on the stream could finish; any
    // still waiting fall back to CommitStatus, which the pool now refuses
    // ("outcome unknown", with the transaction ID).
    this.pool.stopAccepting();
    await this.tracker?.close();
    this.pool.close();
    this.logger.info({ drained }, 'closed');
    return drained;
  }

  /** Allows `await using client = …` on runtimes with explicit resource management. */
  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  private track<T>(type: string, run: () => Promise<T>): Promise<T> {
    if (this.closing) return Promise.reject(new ClientClosedError());
    const end = this.metrics.stageSeconds.startTimer({ stage: `request_${type}` });
    const promise = run().then(
      (value) => {
        this.metrics.requests.inc({ type, outcome: 'ok' });
        end({ outcome: 'ok' });
        return value;
      },
      (err: unknown) => {
        const outcome = err instanceof FabpayError ? err.code : 'ERROR';
        this.metrics.requests.inc({ type, outcome });
        end({ outcome });
        throw err;
      },
    );
    this.active.add(promise);
    const forget = () => this.active.delete(promise);
    promise.then(forget, forget);
    return promise;
  }

  /** A CommitStatusRequest for any transaction ID, as fabric-gateway builds it (signed on use). */
  private commitStatusRequest(transactionId: string): Uint8Array {
    const creator = new msp.SerializedIdentity();
    creator.setMspid(this.identity.mspId);
    creator.setIdBytes(Buffer.from(this.identity.certificate));
    const request = new gatewayProto.CommitStatusRequest();
    request.setChannelId(this.channel);
    request.setTransactionId(transactionId);
    request.setIdentity(creator.serializeBinary());
    const signed = new gatewayProto.SignedCommitStatusRequest();
    signed.setRequest(request.serializeBinary());
    return signed.serializeBinary();
  }

  /** Subject of the client certificate (for logs and the CLI's `whoami`). */
  get subject(): string {
    return new X509Certificate(this.identity.certificate).subject;
  }
}
