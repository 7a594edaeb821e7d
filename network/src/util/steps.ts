/**
 * Long operations (`up`, `org add`, `orderer remove`, ...) print each step as it starts and ends
 * with its time, and report every step's time and the total in their result.
 */

/** One finished step and how long it took. */
export interface StepTiming {
  step: string;
  seconds: number;
}

/** Runs named steps in order, printing `▶ step` and `✓ step (1.2s)` through `progress`. */
export class StepTimer {
  readonly steps: StepTiming[] = [];
  private readonly started = Date.now();

  constructor(private readonly progress: (message: string) => void = () => undefined) {}

  /** Runs one step and records its time. */
  async run<T>(name: string, fn: () => Promise<T> | T): Promise<T> {
    const t = Date.now();
    this.progress(`▶ ${name}`);
    const value = await fn();
    const seconds = (Date.now() - t) / 1000;
    this.steps.push({ step: name, seconds });
    this.progress(`  ✓ ${name} (${seconds.toFixed(1)}s)`);
    return value;
  }

  /** Seconds since the timer was made. */
  get seconds(): number {
    return (Date.now() - this.started) / 1000;
  }
}
