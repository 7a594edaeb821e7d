/** Polls `check` until it returns a value other than undefined, or fails with a message naming what it waited for. */
export async function waitFor<T>(
  what: string,
  check: () => Promise<T | undefined>,
  opts: {
    timeoutMs: number;
    intervalMs?: number;
    describeLast?: () => string;
    /** Which errors of `check` are worth another try; others are thrown at once. Default: all. */
    retryIf?: (err: unknown) => boolean;
  },
): Promise<T> {
  const deadline = Date.now() + opts.timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined) return value;
    } catch (err) {
      if (opts.retryIf && !opts.retryIf(err)) throw err;
      lastError = err;
    }
    if (Date.now() >= deadline) {
      const detail = lastError instanceof Error ? ` (last error: ${lastError.message})` : '';
      const extra = opts.describeLast ? `\n${opts.describeLast()}` : '';
      throw new Error(`timed out after ${opts.timeoutMs / 1000}s waiting for ${what}${detail}${extra}`);
    }
    await new Promise((r) => setTimeout(r, opts.intervalMs ?? 200));
  }
}
