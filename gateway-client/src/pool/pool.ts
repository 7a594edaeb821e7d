/**
 * The connection pool: endpoints (each several connections, a health state
 * and an in-flight limit), endpoint selection, and the admission queue that
 * gives backpressure.
 *
 * Slots are taken per stage call (one Evaluate, one Endorse, one Submit, one
 * CommitStatus), because the peer's gateway concurrency limit counts calls,
 * not transactions. Later stages of a transaction already admitted jump the
 * queue and are exempt from the queue limit, so an endorsed transaction is
 * never dropped for backpressure half way through.
 */
import * as grpc from '@grpc/grpc-js';
import { connect, type Gateway, type Hash, type Identity, type Signer } from '@hyperledger/fabric-gateway';
import { ClientClosedError, DeadlineExceededError, QueueFullError } from '../errors';
import type { Deadline } from '../deadlines';
import type { Logger } from '../logger';
import type { ClientMetrics } from '../metrics';
import type { EndpointConfig } from '../profile';
import { openConnections, waitForReady, type ConnectionOptions } from './connections';
import { EndpointHealth, type EndpointState, type HealthOptions } from './health';
import { selectEndpoint, type SelectionStrategy } from './selection';

/** Pool settings. */
export interface PoolOptions {
  /** Separate HTTP/2 connections per endpoint. */
  readonly connectionsPerEndpoint: number;
  /**
   * Calls in flight per endpoint. Keep it below the peer's gateway
   * concurrency limit (peer.limits.concurrency.gatewayService, default 500),
   * shared by every client of that peer; past it the peer answers
   * "too many requests".
   */
  readonly maxInFlightPerEndpoint: number;
  /** Requests allowed to wait for a slot; beyond it QueueFullError at once. */
  readonly maxQueueLength: number;
  readonly strategy: SelectionStrategy;
  readonly health: HealthOptions;
  readonly connection: ConnectionOptions;
}

/** Snapshot of one endpoint, for status commands, tests and dashboards. */
export interface EndpointStatus {
  readonly name: string;
  readonly address: string;
  readonly mspId: string;
  /** 0 = the caller's org. */
  readonly tier: number;
  readonly state: EndpointState;
  readonly inFlight: number;
  readonly maxInFlight: number;
  readonly connections: number;
  readonly consecutiveFailures: number;
  /** When an ejected endpoint may be probed again (epoch ms). */
  readonly ejectedUntil?: number;
  readonly stats: {
    /** Calls started on this endpoint. */
    readonly calls: number;
    readonly successes: number;
    /** Calls that failed in a way blamed on this endpoint. */
    readonly failures: number;
    readonly ejections: number;
    readonly lastError?: string;
  };
}

/** Snapshot of the pool. */
export interface PoolStatus {
  readonly closed: boolean;
  readonly inFlight: number;
  readonly queueLength: number;
  readonly endpoints: readonly EndpointStatus[];
}

/** How a call on a leased endpoint ended, for health accounting. */
export type CallOutcome = 'success' | 'endpoint-failure' | 'neutral';

/** One slot on one endpoint; release it exactly once. */
export interface Lease {
  readonly endpoint: string;
  readonly gateway: Gateway;
  release(outcome: CallOutcome, error?: unknown): void;
}

export interface AcquireOptions {
  /** Endpoints that already failed this request. */
  readonly exclude?: ReadonlySet<string>;
  readonly deadline: Deadline;
  /** A later stage of an already-admitted request: priority, no queue limit. */
  readonly admitted?: boolean;
  /** Stage name for errors. */
  readonly stage: string;
}

class Endpoint {
  readonly health: EndpointHealth;
  inFlight = 0;
  calls = 0;
  successes = 0;
  failures = 0;
  lastError: string | undefined;
  probing = false;
  private next = 0;

  constructor(
    readonly config: EndpointConfig,
    readonly tier: number,
    readonly clients: grpc.Client[],
    readonly gateways: Gateway[],
    health: HealthOptions,
  ) {
    this.health = new EndpointHealth(health);
  }

  /** Round robin over the endpoint's connections. */
  nextGateway(): Gateway {
    return this.nextConnection().gateway;
  }

  /** The next connection (round robin) and its gRPC client. */
  nextConnection(): { gateway: Gateway; client: grpc.Client } {
    const i = this.next % this.gateways.length;
    this.next++;
    const gateway = this.gateways[i];
    const client = this.clients[i];
    if (!gateway || !client) throw new Error('endpoint has no connections');
    return { gateway, client };
  }
}

interface Waiter {
  readonly options: AcquireOptions;
  resolve(lease: Lease): void;
  reject(err: Error): void;
  timer: NodeJS.Timeout;
}

/** Credentials every gateway connection signs with. */
export interface PoolIdentity {
  readonly identity: Identity;
  readonly signer: Signer;
  readonly hash: Hash;
}

export class ConnectionPool {
  private readonly endpoints: Endpoint[];
  private readonly priorityWaiters: Waiter[] = [];
  private readonly waiters: Waiter[] = [];
  private readonly probeTimer: NodeJS.Timeout;
  private rotation = 0;
  private closed = false;
  private idleListeners: (() => void)[] = [];

  constructor(
    configs: readonly EndpointConfig[],
    ownMspId: string,
    credentials: PoolIdentity,
    private readonly options: PoolOptions,
    private readonly metrics: ClientMetrics,
    private readonly logger: Logger,
    private readonly now: () => number = Date.now,
  ) {
    if (configs.length === 0) throw new RangeError('at least one endpoint is required');
    if (options.connectionsPerEndpoint < 1) throw new RangeError('connectionsPerEndpoint must be >= 1');
    if (options.maxInFlightPerEndpoint < 1) throw new RangeError('maxInFlightPerEndpoint must be >= 1');
    const names = new Set<string>();
    for (const config of configs) {
      if (names.has(config.name)) throw new RangeError(`duplicate endpoint name ${config.name}`);
      names.add(config.name);
    }
    // Opening a connection can throw (e.g. a bad TLS certificate); close the
    // ones already opened so a failed constructor leaks nothing.
    const opened: grpc.Client[] = [];
    try {
      this.endpoints = configs.map((config) => {
        const clients = openConnections(config, options.connection, options.connectionsPerEndpoint);
        opened.push(...clients);
        const gateways = clients.map((client) => connect({ client, ...credentials }));
        const endpoint = new Endpoint(
          config,
          config.mspId === ownMspId ? 0 : 1,
          clients,
          gateways,
          options.health,
        );
        this.publishState(endpoint);
        return endpoint;
      });
    } catch (err) {
      for (const c of opened) c.close();
      throw err;
    }
    this.probeTimer = setInterval(() => this.probeEjected(), options.health.probeIntervalMs);
    // The prober must never keep a process alive on its own.
    this.probeTimer.unref();
  }

  /**
   * Waits for a slot on a healthy endpoint (FIFO), or fails fast when the
   * queue is full. Never throws: every failure is a rejected promise, so a
   * caller's `.catch` sees it (a synchronous throw once escaped the submit
   * path's "outcome unknown" handling).
   */
  acquire(options: AcquireOptions): Promise<Lease> {
    try {
      return this.acquireOrThrow(options);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
  }

  private acquireOrThrow(options: AcquireOptions): Promise<Lease> {
    if (this.closed) return Promise.reject(new ClientClosedError());
    const queue = options.admitted ? this.priorityWaiters : this.waiters;
    // Only take a slot directly when nobody is queued ahead, to keep FIFO fairness.
    if (queue.length === 0 && (options.admitted || this.priorityWaiters.length === 0)) {
      const lease = this.tryLease(options);
      if (lease) return Promise.resolve(lease);
    }
    if (!options.admitted && this.waiters.length >= this.options.maxQueueLength) {
      return Promise.reject(new QueueFullError(this.waiters.length));
    }
    options.deadline.check(options.stage);
    return new Promise<Lease>((resolve, reject) => {
      const waiter: Waiter = {
        options,
        resolve,
        reject,
        timer: setTimeout(() => {
          this.removeWaiter(waiter);
          reject(
            new DeadlineExceededError(
              options.stage,
              `overall deadline exceeded waiting for a free, healthy endpoint (${options.stage})`,
            ),
          );
        }, options.deadline.remaining()),
      };
      queue.push(waiter);
      this.publishQueue();
    });
  }

  /** Snapshot for inspection. */
  status(): PoolStatus {
    return {
      closed: this.closed,
      inFlight: this.totalInFlight(),
      queueLength: this.waiters.length + this.priorityWaiters.length,
      endpoints: this.endpoints.map((e) => ({
        name: e.config.name,
        address: e.config.address,
        mspId: e.config.mspId,
        tier: e.tier,
        state: e.health.state,
        inFlight: e.inFlight,
        maxInFlight: this.options.maxInFlightPerEndpoint,
        connections: e.clients.length,
        consecutiveFailures: e.health.consecutiveFailures,
        ...(e.health.ejectedUntil !== undefined ? { ejectedUntil: e.health.ejectedUntil } : {}),
        stats: {
          calls: e.calls,
          successes: e.successes,
          failures: e.failures,
          ejections: e.health.totalEjections,
          ...(e.lastError !== undefined ? { lastError: e.lastError } : {}),
        },
      })),
    };
  }

  /**
   * A gateway for long-lived calls that do not take a slot (event streams):
   * a usable endpoint, ready before failing, the caller's org first,
   * avoiding `exclude` unless nothing else is usable.
   */
  pickGateway(exclude: ReadonlySet<string> = new Set()): { endpoint: string; gateway: Gateway } | undefined {
    const rank = (e: Endpoint) => (e.health.state === 'ready' ? 0 : 1) * 2 + e.tier;
    const usable = this.endpoints.filter((e) => e.health.usable).sort((a, b) => rank(a) - rank(b));
    const e = usable.find((x) => !exclude.has(x.config.name)) ?? usable[0];
    return e ? { endpoint: e.config.name, gateway: e.nextGateway() } : undefined;
  }

  /** Reports a failure observed outside a lease (e.g. an event stream). */
  reportFailure(endpoint: string, error: unknown): void {
    const e = this.endpoints.find((x) => x.config.name === endpoint);
    if (e) this.recordFailure(e, error);
  }

  /** Stops admitting: queued and future acquires fail with ClientClosedError. */
  stopAccepting(): void {
    this.closed = true;
    for (const w of [...this.priorityWaiters.splice(0), ...this.waiters.splice(0)]) {
      clearTimeout(w.timer);
      w.reject(new ClientClosedError());
    }
    this.publishQueue();
  }

  /** Resolves when no call is in flight, or after `timeoutMs`; true when drained. */
  async drain(timeoutMs: number): Promise<boolean> {
    if (this.totalInFlight() === 0) return true;
    return new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => {
        this.idleListeners = this.idleListeners.filter((l) => l !== done);
        resolve(false);
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        resolve(true);
      };
      this.idleListeners.push(done);
    });
  }

  /** Closes every connection. Call after stopAccepting() and drain(). */
  close(): void {
    this.stopAccepting();
    clearInterval(this.probeTimer);
    for (const e of this.endpoints) {
      for (const g of e.gateways) g.close();
      for (const c of e.clients) c.close();
    }
  }

  private totalInFlight(): number {
    return this.endpoints.reduce((n, e) => n + e.inFlight, 0);
  }

  private tryLease(options: AcquireOptions): Lease | undefined {
    const selection = selectEndpoint(
      this.endpoints.map((e) => ({
        name: e.config.name,
        state: e.health.state,
        tier: e.tier,
        inFlight: e.inFlight,
        maxInFlight: this.options.maxInFlightPerEndpoint,
      })),
      options.exclude ?? new Set(),
      this.options.strategy,
      this.rotation++,
    );
    if (selection.kind !== 'selected') return undefined;
    const endpoint = this.endpoints[selection.index];
    if (!endpoint) return undefined;
    endpoint.inFlight++;
    endpoint.calls++;
    this.metrics.inFlight.set({ endpoint: endpoint.config.name }, endpoint.inFlight);
    let released = false;
    const connection = endpoint.nextConnection();
    return {
      endpoint: endpoint.config.name,
      gateway: connection.gateway,
      release: (reported, error) => {
        if (released) return;
        released = true;
        endpoint.inFlight--;
        this.metrics.inFlight.set({ endpoint: endpoint.config.name }, endpoint.inFlight);
        // Only a connection-level failure counts against the peer: if the
        // connection the call used is still up, the failure was that call's
        // own (its payload, its stream), and other calls are unaffected.
        const outcome =
          reported === 'endpoint-failure' && connectionUp(connection.client) ? 'neutral' : reported;
        if (outcome === 'success') {
          endpoint.successes++;
          const before = endpoint.health.state;
          endpoint.health.recordSuccess();
          if (before !== 'ready') this.onStateChange(endpoint, before);
        } else if (outcome === 'endpoint-failure') {
          this.recordFailure(endpoint, error);
        }
        this.wake();
        if (this.totalInFlight() === 0) for (const l of this.idleListeners.splice(0)) l();
      },
    };
  }

  private recordFailure(endpoint: Endpoint, error: unknown): void {
    endpoint.failures++;
    endpoint.lastError = error instanceof Error ? error.message : String(error);
    const before = endpoint.health.state;
    endpoint.health.recordFailure(this.now());
    if (endpoint.health.state !== before) this.onStateChange(endpoint, before);
  }

  private onStateChange(endpoint: Endpoint, before: EndpointState): void {
    const after = endpoint.health.state;
    const log = { endpoint: endpoint.config.name, from: before, to: after, lastError: endpoint.lastError };
    if (after === 'ejected') this.logger.warn(log, 'endpoint ejected');
    else this.logger.info(log, 'endpoint state changed');
    this.publishState(endpoint);
    this.wake();
  }

  /** Hands free slots to waiters, priority first, in FIFO order. */
  private wake(): void {
    for (const queue of [this.priorityWaiters, this.waiters]) {
      while (queue.length > 0) {
        const waiter = queue[0];
        if (!waiter) break;
        const lease = this.tryLease(waiter.options);
        if (!lease) break;
        queue.shift();
        clearTimeout(waiter.timer);
        waiter.resolve(lease);
      }
      // Ordinary requests wait while admitted ones are still queued.
      if (queue.length > 0) break;
    }
    this.publishQueue();
  }

  private removeWaiter(waiter: Waiter): void {
    for (const queue of [this.priorityWaiters, this.waiters]) {
      const i = queue.indexOf(waiter);
      if (i >= 0) queue.splice(i, 1);
    }
    this.publishQueue();
  }

  private probeEjected(): void {
    const now = this.now();
    for (const endpoint of this.endpoints) {
      if (endpoint.probing || !endpoint.health.dueForProbe(now)) continue;
      endpoint.probing = true;
      const client = endpoint.clients[0];
      if (!client) continue;
      // Connectivity is the probe: a killed peer refuses connections; once it
      // accepts them again, real traffic confirms the gateway works.
      waitForReady(client, this.options.health.probeTimeoutMs)
        .then(
          () => {
            const before = endpoint.health.state;
            endpoint.health.probeSucceeded();
            if (before !== endpoint.health.state) this.onStateChange(endpoint, before);
          },
          (err: unknown) => {
            if (this.closed) return;
            const before = endpoint.health.state;
            endpoint.lastError = `probe: ${err instanceof Error ? err.message : String(err)}`;
            endpoint.health.probeFailed(this.now());
            if (before !== 'ejected') this.onStateChange(endpoint, before);
            else this.logger.debug({ endpoint: endpoint.config.name }, 'endpoint still down');
          },
        )
        .finally(() => {
          endpoint.probing = false;
        });
    }
  }

  private publishState(endpoint: Endpoint): void {
    for (const s of ['ready', 'failing', 'ejected'] as const) {
      this.metrics.endpointState.set(
        { endpoint: endpoint.config.name, state: s },
        endpoint.health.state === s ? 1 : 0,
      );
    }
  }

  private publishQueue(): void {
    this.metrics.queueLength.set(this.waiters.length + this.priorityWaiters.length);
  }
}

/** Is the client's HTTP/2 connection established right now? */
function connectionUp(client: grpc.Client): boolean {
  return client.getChannel().getConnectivityState(false) === grpc.connectivityState.READY;
}
