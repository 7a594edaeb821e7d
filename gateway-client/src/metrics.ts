/**
 * Prometheus metrics (prom-client). By default each client registers into a
 * private Registry, so several clients (or tests) never collide on metric
 * names; pass your own Registry to expose them on your /metrics endpoint.
 */
import { Counter, Gauge, Histogram, Registry } from 'prom-client';

export interface MetricsOptions {
  /** Registry to register into (default: a new private Registry). */
  readonly registry?: Registry;
  /** Metric name prefix (default `fabpay_gateway_`). */
  readonly prefix?: string;
}

/** The client's metrics. Public so tests and services can read them. */
export class ClientMetrics {
  readonly registry: Registry;
  /** Requests by type (evaluate/submit) and outcome (ok or error code). */
  readonly requests: Counter<'type' | 'outcome'>;
  /** Latency of each stage call and of whole requests (stage="request_<type>"). */
  readonly stageSeconds: Histogram<'stage' | 'outcome'>;
  /** Retries by stage and reason (unavailable, deadline, conflict, …). */
  readonly retries: Counter<'stage' | 'reason'>;
  /** Calls in flight per endpoint. */
  readonly inFlight: Gauge<'endpoint'>;
  /** Requests waiting for a slot. */
  readonly queueLength: Gauge;
  /** 1 for the endpoint's current state, 0 for the others. */
  readonly endpointState: Gauge<'endpoint' | 'state'>;
  /** Commit outcomes learned, by source (`stream`: the block-event stream; `status`: a CommitStatus call). */
  readonly commits: Counter<'source'>;
  /** Submits that waited on the stream and fell back to CommitStatus, by reason (timeout, gap, down, closed). */
  readonly commitFallbacks: Counter<'reason'>;
  /** Interruptions of the commit tracking stream (each followed by a reconnect). */
  readonly commitStreamReconnects: Counter;

  constructor(options: MetricsOptions = {}) {
    this.registry = options.registry ?? new Registry();
    const p = options.prefix ?? 'fabpay_gateway_';
    const registers = [this.registry];
    this.requests = new Counter({
      name: `${p}requests_total`,
      help: 'Requests by type and outcome',
      labelNames: ['type', 'outcome'],
      registers,
    });
    this.stageSeconds = new Histogram({
      name: `${p}stage_duration_seconds`,
      help: 'Duration of each stage call and of whole requests',
      labelNames: ['stage', 'outcome'],
      buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60],
      registers,
    });
    this.retries = new Counter({
      name: `${p}retries_total`,
      help: 'Retries by stage and reason',
      labelNames: ['stage', 'reason'],
      registers,
    });
    this.inFlight = new Gauge({
      name: `${p}in_flight`,
      help: 'Calls in flight per endpoint',
      labelNames: ['endpoint'],
      registers,
    });
    this.queueLength = new Gauge({
      name: `${p}queue_length`,
      help: 'Requests waiting for a slot',
      registers,
    });
    this.endpointState = new Gauge({
      name: `${p}endpoint_state`,
      help: 'Endpoint health state (1 = current state)',
      labelNames: ['endpoint', 'state'],
      registers,
    });
    this.commits = new Counter({
      name: `${p}commits_total`,
      help: 'Commit outcomes learned, by source (stream or status)',
      labelNames: ['source'],
      registers,
    });
    this.commitFallbacks = new Counter({
      name: `${p}commit_fallbacks_total`,
      help: 'Stream commit waits that fell back to CommitStatus, by reason',
      labelNames: ['reason'],
      registers,
    });
    this.commitStreamReconnects = new Counter({
      name: `${p}commit_stream_reconnects_total`,
      help: 'Interruptions of the commit tracking block-event stream',
      registers,
    });
  }
}
