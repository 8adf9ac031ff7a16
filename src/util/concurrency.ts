/** Small concurrency helpers: a bounded limiter and a keyed single-flight. */

/** Runs at most `limit` tasks at once; the rest wait in FIFO order. */
export class Limiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly limit: number) {
    if (limit < 1) throw new RangeError('limit must be >= 1');
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active >= this.limit) {
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
    try {
      return await task();
    } finally {
      this.active--;
      this.waiting.shift()?.();
    }
  }
}

/**
 * Collapses concurrent calls with the same key into one: the second caller awaits the first
 * caller's promise. Used so two pulls of one blob download it once.
 */
export class SingleFlight<T> {
  private readonly inflight = new Map<string, Promise<T>>();

  do(key: string, task: () => Promise<T>): Promise<T> {
    const running = this.inflight.get(key);
    if (running) return running;
    const promise = task().finally(() => this.inflight.delete(key));
    this.inflight.set(key, promise);
    return promise;
  }

  has(key: string): boolean {
    return this.inflight.has(key);
  }
}

/**
 * Many shared holders at once, or one exclusive holder. Waiters enter in arrival order, so a
 * waiting exclusive holder is not starved by shared ones that come after it.
 */
export class ReadWriteLock {
  private readers = 0;
  private writer = false;
  private readonly queue: Array<{ exclusive: boolean; wake: () => void }> = [];

  shared<T>(task: () => Promise<T>): Promise<T> {
    return this.hold(false, task);
  }

  exclusive<T>(task: () => Promise<T>): Promise<T> {
    return this.hold(true, task);
  }

  private async hold<T>(exclusive: boolean, task: () => Promise<T>): Promise<T> {
    if (this.queue.length === 0 && this.free(exclusive)) this.enter(exclusive);
    else await new Promise<void>((wake) => this.queue.push({ exclusive, wake })); // entered by drain()
    try {
      return await task();
    } finally {
      if (exclusive) this.writer = false;
      else this.readers--;
      this.drain();
    }
  }

  private free(exclusive: boolean): boolean {
    return !this.writer && (!exclusive || this.readers === 0);
  }

  private enter(exclusive: boolean): void {
    if (exclusive) this.writer = true;
    else this.readers++;
  }

  private drain(): void {
    while (this.queue.length > 0 && this.free(this.queue[0]!.exclusive)) {
      const next = this.queue.shift()!;
      this.enter(next.exclusive);
      next.wake();
    }
  }
}
