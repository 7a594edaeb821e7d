import { Deadline, resolveDeadlines, sleepWithin, DEFAULT_DEADLINES } from './deadlines';
import { DeadlineExceededError } from './errors';

describe('deadlines', () => {
  it('caps each stage by the remaining overall time', () => {
    let now = 1_000;
    const d = new Deadline(500, () => now);
    expect(d.forStage(200).getTime()).toBe(1_200);
    now = 1_400;
    expect(d.remaining()).toBe(100);
    expect(d.forStage(200).getTime()).toBe(1_500);
    now = 1_600;
    expect(d.expired()).toBe(true);
    expect(() => d.check('endorse')).toThrow(DeadlineExceededError);
  });

  it('has a default for every stage and rejects nonsense overrides', () => {
    const d = resolveDeadlines({ endorseMs: 1 });
    expect(d).toEqual({ ...DEFAULT_DEADLINES, endorseMs: 1 });
    for (const v of Object.values(DEFAULT_DEADLINES)) expect(v).toBeGreaterThan(0);
    expect(() => resolveDeadlines({ submitMs: 0 })).toThrow(RangeError);
  });

  it('never sleeps past the deadline', async () => {
    const d = new Deadline(50);
    await expect(sleepWithin(10_000, d, 'commit')).rejects.toBeInstanceOf(DeadlineExceededError);
    await expect(sleepWithin(1, new Deadline(10_000), 'commit')).resolves.toBeUndefined();
  });
});
