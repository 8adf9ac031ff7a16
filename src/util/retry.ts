/** Retry with exponential backoff, only for errors the caller calls transient. */

export interface RetryOptions {
  /** Total attempts including the first. Default 4. */
  attempts?: number;
  /** Delay before the second attempt, in ms; doubles each time. Default 250. */
  baseDelayMs?: number;
  /** Upper bound of one delay. Default 4000. */
  maxDelayMs?: number;
  /** Which errors are worth another try. Default: none. */
  isTransient?: (err: unknown) => boolean;
  /** Called before each wait, for progress lines. */
  onRetry?: (err: unknown, attempt: number, delayMs: number) => void;
  signal?: AbortSignal;
}

export async function retry<T>(task: (attempt: number) => Promise<T>, options: RetryOptions = {}): Promise<T> {
  const attempts = options.attempts ?? 4;
  const base = options.baseDelayMs ?? 250;
  const max = options.maxDelayMs ?? 4000;
  const transient = options.isTransient ?? (() => false);
  for (let attempt = 1; ; attempt++) {
    try {
      return await task(attempt);
    } catch (err) {
      if (attempt >= attempts || !transient(err) || options.signal?.aborted) throw err;
      const delay = Math.min(max, base * 2 ** (attempt - 1));
      options.onRetry?.(err, attempt, delay);
      await sleep(delay, options.signal);
    }
  }
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal?.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}
