import {
  backoffDelay,
  decide,
  DEFAULT_BACKOFF,
  UNWATCHED,
  type BackoffPolicy,
  type Observation,
  type WatchState,
} from './restart-policy';

const policy: BackoffPolicy = { initialMs: 500, factor: 2, maxMs: 4_000, resetAfterMs: 60_000 };
const running: Observation = { running: true, stoppedOnPurpose: false, staleRecord: false };
const crashed: Observation = { running: false, stoppedOnPurpose: false, staleRecord: true };
/** Down with no PID record left (someone else's look already removed the stale record). */
const gone: Observation = { running: false, stoppedOnPurpose: false, staleRecord: false };
const stopped: Observation = { running: false, stoppedOnPurpose: true, staleRecord: false };

/** Feeds observations at the given times; returns the actions taken. */
function play(steps: [number, Observation][], start: WatchState = UNWATCHED): string[] {
  let state = start;
  return steps.map(([now, seen]) => {
    const next = decide(state, seen, now, policy);
    state = next.state;
    const d = next.decision;
    return d.action === 'crashed'
      ? `crashed#${d.attempt}+${d.delayMs}`
      : d.action === 'restart'
        ? `restart#${d.attempt}`
        : d.action;
  });
}

describe('backoffDelay', () => {
  it('doubles from the initial delay up to the cap', () => {
    expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(policy, n))).toEqual([
      500, 1000, 2000, 4000, 4000, 4000,
    ]);
    expect(backoffDelay(DEFAULT_BACKOFF, 1)).toBe(500);
    expect(backoffDelay(DEFAULT_BACKOFF, 20)).toBe(30_000);
  });

  it('refuses an attempt below 1', () => {
    expect(() => backoffDelay(policy, 0)).toThrow(RangeError);
  });
});

describe('decide', () => {
  it('restarts a crashed process after the first delay and notes its recovery', () => {
    expect(
      play([
        [0, running],
        [1000, crashed],
        [1200, gone],
        [1500, gone],
        [2000, running],
        [2500, running],
      ]),
    ).toEqual(['none', 'crashed#1+500', 'wait', 'restart#1', 'recovered', 'none']);
  });

  it('backs off exponentially while the restarted process keeps crashing, up to the cap', () => {
    const steps: [number, Observation][] = [[0, running]];
    let t = 0;
    for (const delay of [500, 1000, 2000, 4000, 4000]) {
      steps.push([(t += 10), crashed], [(t += delay), gone]);
    }
    expect(play(steps)).toEqual([
      'none',
      'crashed#1+500',
      'restart#1',
      'crashed#2+1000',
      'restart#2',
      'crashed#3+2000',
      'restart#3',
      'crashed#4+4000',
      'restart#4',
      'crashed#5+4000',
      'restart#5',
    ]);
  });

  it('starts the backoff over once a restarted process has stayed up long enough', () => {
    expect(
      play([
        [0, running],
        [10, crashed],
        [510, gone],
        [600, running],
        [30_000, crashed],
        [31_000, gone],
        [31_100, running],
        [91_100, running],
        [91_200, crashed],
      ]),
    ).toEqual([
      'none',
      'crashed#1+500',
      'restart#1',
      'recovered',
      'crashed#2+1000',
      'restart#2',
      'recovered',
      'none',
      'crashed#1+500',
    ]);
  });

  it('never restarts a process stopped on purpose, even one it saw running', () => {
    expect(
      play([
        [0, running],
        [100, stopped],
        [10_000, stopped],
        [20_000, gone],
      ]),
    ).toEqual(['none', 'none', 'none', 'none']);
  });

  it('forgets a pending restart when the process is stopped on purpose meanwhile', () => {
    expect(
      play([
        [0, running],
        [10, crashed],
        [20, stopped],
        [5_000, gone],
      ]),
    ).toEqual(['none', 'crashed#1+500', 'none', 'none']);
  });

  it('leaves alone a process it never saw running that left no record (never started)', () => {
    expect(
      play([
        [0, gone],
        [10_000, gone],
      ]),
    ).toEqual(['none', 'none']);
  });

  it('restarts a process it never saw running when its dead PID record proves a crash', () => {
    expect(
      play([
        [0, crashed],
        [500, gone],
      ]),
    ).toEqual(['crashed#1+500', 'restart#1']);
  });

  it('counts a process that came back by someone else as recovered', () => {
    expect(
      play([
        [0, running],
        [10, crashed],
        [100, running],
      ]),
    ).toEqual(['none', 'crashed#1+500', 'recovered']);
  });
});
