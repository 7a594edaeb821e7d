/**
 * Endpoint health state machine (pure: the clock is passed in, so it is
 * unit-testable without timers).
 *
 *   ready --endpoint failure--> failing --N consecutive failures--> ejected
 *     ^                            |                                  |
 *     +-- success or probe ok -----+      backoff passes, probe ok ---+--> ready
 *                                  +-- probe fails --> ejected        probe fails --> ejected (longer backoff)
 *
 * "failing" endpoints only take traffic when no ready endpoint has room, so
 * they are probed (connection check) right away: a dead peer refuses the
 * connection and is ejected without waiting for more real failures.
 * Ejection backoff doubles per consecutive ejection so a flapping peer is
 * tried less and less often; one real success resets it. After a probe
 * readmits an endpoint its failure count is kept, so one more failure
 * ejects it again.
 */

export type EndpointState = 'ready' | 'failing' | 'ejected';

export interface HealthOptions {
  /** Consecutive endpoint failures that eject an endpoint. */
  readonly ejectAfterFailures: number;
  /** First ejection backoff. */
  readonly ejectBaseMs: number;
  /** Longest ejection backoff. */
  readonly ejectMaxMs: number;
  /** How often the pool looks for ejected endpoints due for a probe. */
  readonly probeIntervalMs: number;
  /** How long a probe waits for the connection to become ready. */
  readonly probeTimeoutMs: number;
}

export const DEFAULT_HEALTH_OPTIONS: HealthOptions = {
  ejectAfterFailures: 2,
  ejectBaseMs: 1_000,
  ejectMaxMs: 30_000,
  probeIntervalMs: 250,
  probeTimeoutMs: 2_000,
};

export class EndpointHealth {
  private _state: EndpointState = 'ready';
  private _consecutiveFailures = 0;
  private _consecutiveEjections = 0;
  private _ejectedUntil = 0;
  private _totalEjections = 0;

  constructor(private readonly options: HealthOptions) {}

  get state(): EndpointState {
    return this._state;
  }
  get consecutiveFailures(): number {
    return this._consecutiveFailures;
  }
  get ejectedUntil(): number | undefined {
    return this._state === 'ejected' ? this._ejectedUntil : undefined;
  }
  get totalEjections(): number {
    return this._totalEjections;
  }

  /** Can the endpoint take a request now? */
  get usable(): boolean {
    return this._state !== 'ejected';
  }

  recordSuccess(): void {
    this._state = 'ready';
    this._consecutiveFailures = 0;
    this._consecutiveEjections = 0;
  }

  /** Records an endpoint fault; returns true when this failure ejected it. */
  recordFailure(now: number): boolean {
    if (this._state === 'ejected') return false;
    this._consecutiveFailures++;
    if (this._consecutiveFailures >= this.options.ejectAfterFailures) {
      this.eject(now);
      return true;
    }
    this._state = 'failing';
    return false;
  }

  eject(now: number): void {
    const backoff = Math.min(
      this.options.ejectMaxMs,
      this.options.ejectBaseMs * 2 ** this._consecutiveEjections,
    );
    this._state = 'ejected';
    this._ejectedUntil = now + backoff;
    this._consecutiveEjections++;
    this._totalEjections++;
  }

  dueForProbe(now: number): boolean {
    return this._state === 'failing' || (this._state === 'ejected' && now >= this._ejectedUntil);
  }

  /** The connection is up: readmit (failure count kept until a real success). */
  probeSucceeded(): void {
    if (this._state === 'ejected') {
      this._consecutiveFailures = Math.max(0, this.options.ejectAfterFailures - 1);
    }
    this._state = 'ready';
  }

  probeFailed(now: number): void {
    this.eject(now);
  }
}
