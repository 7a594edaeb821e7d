import { DEFAULT_HEALTH_OPTIONS, EndpointHealth } from './health';

const options = { ...DEFAULT_HEALTH_OPTIONS, ejectAfterFailures: 2, ejectBaseMs: 100, ejectMaxMs: 400 };

describe('EndpointHealth', () => {
  it('goes ready -> failing -> ejected on consecutive failures, and back on success', () => {
    const h = new EndpointHealth(options);
    expect(h.state).toBe('ready');
    expect(h.recordFailure(0)).toBe(false);
    expect(h.state).toBe('failing');
    expect(h.usable).toBe(true);
    h.recordSuccess();
    expect(h.state).toBe('ready');
    h.recordFailure(0);
    expect(h.recordFailure(1_000)).toBe(true);
    expect(h.state).toBe('ejected');
    expect(h.usable).toBe(false);
    expect(h.ejectedUntil).toBe(1_100);
  });

  it('probes failing endpoints at once and ejected ones after the backoff, doubling up to the cap', () => {
    const h = new EndpointHealth(options);
    h.recordFailure(0);
    expect(h.dueForProbe(0)).toBe(true); // failing: check the connection now
    h.probeFailed(0);
    expect(h.state).toBe('ejected');
    expect(h.dueForProbe(99)).toBe(false);
    expect(h.dueForProbe(100)).toBe(true);
    h.probeFailed(100); // second ejection: 200 ms
    expect(h.ejectedUntil).toBe(300);
    h.probeFailed(300); // third: 400 ms (cap)
    h.probeFailed(700); // stays at the cap
    expect(h.ejectedUntil).toBe(1_100);
    expect(h.totalEjections).toBe(4);
  });

  it('readmits after a good probe on probation: one more failure ejects again', () => {
    const h = new EndpointHealth(options);
    h.recordFailure(0);
    h.recordFailure(0);
    h.probeSucceeded();
    expect(h.state).toBe('ready');
    expect(h.recordFailure(500)).toBe(true);
    expect(h.ejectedUntil).toBe(700); // backoff kept growing: no real success in between
    h.probeSucceeded();
    h.recordSuccess();
    h.recordFailure(800);
    expect(h.state).toBe('failing');
  });
});
