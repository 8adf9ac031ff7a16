/** Pulls exact byte counts out of a chunked async source; the tar reader's only input primitive. */

export class ByteReader {
  private readonly source: AsyncIterator<Buffer>;
  private pending: Buffer[] = [];
  private pendingBytes = 0;
  private ended = false;

  constructor(source: AsyncIterable<Buffer>) {
    this.source = source[Symbol.asyncIterator]();
  }

  /** Exactly `n` bytes, or fewer only when the source ended (the caller decides if that is valid). */
  async read(n: number): Promise<Buffer> {
    while (this.pendingBytes < n && (await this.fill()));
    return this.take(Math.min(n, this.pendingBytes));
  }

  /** Up to `max` bytes as soon as any are available; an empty buffer means the source ended. */
  async readSome(max: number): Promise<Buffer> {
    if (this.pendingBytes === 0) await this.fill();
    return this.take(Math.min(max, this.pendingBytes));
  }

  /** Reads and drops `n` bytes; returns how many there were. */
  async skip(n: number): Promise<number> {
    let left = n;
    while (left > 0) {
      const chunk = await this.readSome(left);
      if (chunk.length === 0) break;
      left -= chunk.length;
    }
    return n - left;
  }

  /** Consumes the rest of the source (so a hashing stage upstream sees every byte). */
  async drain(): Promise<void> {
    this.pending = [];
    this.pendingBytes = 0;
    while (await this.fill()) {
      this.pending = [];
      this.pendingBytes = 0;
    }
  }

  /** Stops the source early (on failure), letting it release its resources. */
  async close(): Promise<void> {
    await this.source.return?.();
  }

  private async fill(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.source.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk = Buffer.isBuffer(next.value) ? next.value : Buffer.from(next.value as Uint8Array);
    if (chunk.length > 0) {
      this.pending.push(chunk);
      this.pendingBytes += chunk.length;
    }
    return true;
  }

  private take(n: number): Buffer {
    if (n === 0) return Buffer.alloc(0);
    const first = this.pending[0]!;
    if (first.length >= n) {
      // The common case: no copy.
      const out = first.subarray(0, n);
      if (first.length === n) this.pending.shift();
      else this.pending[0] = first.subarray(n);
      this.pendingBytes -= n;
      return out;
    }
    const all = Buffer.concat(this.pending, this.pendingBytes);
    const out = all.subarray(0, n);
    const rest = all.subarray(n);
    this.pending = rest.length > 0 ? [rest] : [];
    this.pendingBytes = rest.length;
    return out;
  }
}
