/**
 * Reads conmon's JSON lines from a pipe (`{"data": N, "message": "…"}`). conmon never closes the
 * sync pipe after its message (HOST-NOTES 8), so each read takes exactly one line and never waits
 * for EOF; an exec session sends a second line (its exit code) later on the same pipe.
 */
import type { Readable } from 'node:stream';
import { ForgeError } from '../../errors';

export interface SyncMessage {
  data: number;
  message?: string;
}

export function parseSyncLine(line: string): SyncMessage {
  let parsed: unknown;
  try {
    parsed = JSON.parse(line);
  } catch (err) {
    throw new ForgeError('Internal', `conmon sent an unreadable sync message: ${JSON.stringify(line)}`, { cause: err });
  }
  const o = parsed as { data?: unknown; pid?: unknown; exit_code?: unknown; message?: unknown };
  // api-version 1 says "data"; older conmons said "pid" or "exit_code".
  const data = o.data ?? o.pid ?? o.exit_code;
  if (typeof data !== 'number') throw new ForgeError('Internal', `conmon sent a sync message without data: ${line}`);
  return typeof o.message === 'string' ? { data, message: o.message } : { data };
}

/** Hands out one line at a time; `next` resolves `undefined` when the pipe ended first. */
export class LineReader {
  private buffer = '';
  private ended = false;
  private failure: Error | undefined;
  private waiter: (() => void) | undefined;

  constructor(private readonly stream: Readable) {
    stream.setEncoding('utf8');
    stream.on('data', (chunk: string) => {
      this.buffer += chunk;
      this.wake();
    });
    stream.on('end', () => {
      this.ended = true;
      this.wake();
    });
    stream.on('error', (err) => {
      this.failure = err;
      this.wake();
    });
  }

  /** The next line; `timeoutMs` may be Infinity. */
  async next(timeoutMs: number, what: string): Promise<string | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const nl = this.buffer.indexOf('\n');
      if (nl >= 0) {
        const line = this.buffer.slice(0, nl);
        this.buffer = this.buffer.slice(nl + 1);
        return line;
      }
      if (this.failure) throw new ForgeError('Internal', `${what}: ${this.failure.message}`, { cause: this.failure });
      if (this.ended) return this.buffer.trim() ? this.takeRest() : undefined;
      const left = deadline - Date.now();
      if (left <= 0) throw new ForgeError('Unavailable', `${what}: no answer from conmon within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        // Infinity waits for as long as the session runs (an exec's exit code).
        const timer = Number.isFinite(left) ? setTimeout(resolve, left) : undefined;
        this.waiter = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    }
  }

  close(): void {
    this.stream.destroy();
  }

  private takeRest(): string {
    const rest = this.buffer;
    this.buffer = '';
    return rest;
  }

  private wake(): void {
    const w = this.waiter;
    this.waiter = undefined;
    w?.();
  }
}

export async function readSyncMessage(reader: LineReader, timeoutMs: number, what: string): Promise<SyncMessage | undefined> {
  const line = await reader.next(timeoutMs, what);
  return line === undefined ? undefined : parseSyncLine(line);
}
