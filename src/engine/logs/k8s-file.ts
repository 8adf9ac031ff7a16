/**
 * Reads a task's log in the k8s-file format (k8s-record.ts), for `logs` of every engine: whole
 * lines with --tail, --since and --until, and --follow like `tail -F` (it notices conmon's
 * rotation, which replaces the file by a new empty one when it reaches --log-size-max).
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { LineAssembler, parseK8sLine, type LogEntry, type LogStream } from './k8s-record';
import { tailOffset } from './tail-offset';

export * from './k8s-record';

export interface ReadLogsOptions {
  /** Only the last N lines (of those before following). Default: all. */
  tail?: number;
  /** Lines at or after this time. */
  since?: Date;
  /** Lines before this time. */
  until?: Date;
  /** Which streams. Default both. */
  streams?: LogStream[];
  /** Keep reading as the log grows. */
  follow?: boolean;
  /** Following ends when this settles (e.g. the task's `wait()`), after reading what is left. */
  stopWhen?: Promise<unknown>;
  signal?: AbortSignal;
  /** Re-check the file this often while following (inotify may miss events). Default 250 ms. */
  pollMs?: number;
}

const CHUNK = 64 * 1024;

export async function* readLogs(file: string, options: ReadLogsOptions = {}): AsyncGenerator<LogEntry> {
  const pollMs = options.pollMs ?? 250;
  const keep = (e: LogEntry) =>
    (!options.streams || options.streams.includes(e.stream)) &&
    (!options.since || e.time >= options.since) &&
    (!options.until || e.time < options.until);
  const asm = new LineAssembler();
  let fh = await openOrUndefined(file);
  if (!fh && !options.follow) return;
  const waiter = options.follow ? new ChangeWaiter(file, pollMs, options) : undefined;
  try {
    let pos = 0;
    let carry = Buffer.alloc(0);
    const readNew = async function* (h: FileHandle): AsyncGenerator<LogEntry> {
      for (;;) {
        const buf = Buffer.alloc(CHUNK);
        const { bytesRead } = await h.read(buf, 0, CHUNK, pos);
        if (bytesRead === 0) return;
        pos += bytesRead;
        const data = Buffer.concat([carry, buf.subarray(0, bytesRead)]);
        let start = 0;
        for (let nl = data.indexOf(0x0a); nl >= 0; nl = data.indexOf(0x0a, start)) {
          const rec = parseK8sLine(data.subarray(start, nl).toString('utf8'));
          start = nl + 1;
          const entry = rec && asm.push(rec);
          if (entry && keep(entry)) yield entry;
        }
        carry = data.subarray(start);
      }
    };
    // History: from the tail offset to the end, trimmed to exactly `tail` lines.
    if (fh) {
      if (options.tail !== undefined) pos = await tailOffset(fh, (await fh.stat()).size, options.tail);
      const history: LogEntry[] = [];
      for await (const e of readNew(fh)) history.push(e);
      if (!options.follow) history.push(...asm.flush().filter(keep));
      const shown = options.tail === undefined ? history : options.tail <= 0 ? [] : history.slice(-options.tail);
      yield* shown;
    }
    if (!waiter) return;
    let idleSince = Date.now();
    for (;;) {
      const why = await waiter.next();
      if (why === 'aborted') return;
      // Rotation or first creation: finish the old file, then read the new one from its start.
      const st = await fs.stat(file).catch(() => undefined);
      if (st && (!fh || st.ino !== (await fh.stat()).ino || st.size < pos)) {
        if (fh) {
          yield* readNew(fh);
          await fh.close();
        }
        fh = await openOrUndefined(file);
        pos = 0;
        carry = Buffer.alloc(0);
      }
      let got = false;
      if (fh) {
        for await (const e of readNew(fh)) {
          got = true;
          yield e;
        }
      }
      if (got) idleSince = Date.now();
      // A line without its end for a while is a prompt: show it now rather than never.
      if (why === 'stopped' || (asm.hasPending() && Date.now() - idleSince >= pollMs)) yield* asm.flush().filter(keep);
      if (why === 'stopped') return;
    }
  } finally {
    waiter?.close();
    await fh?.close();
  }
}

async function openOrUndefined(file: string): Promise<FileHandle | undefined> {
  try {
    return await fs.open(file, 'r');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** Wakes the follower on a change in the log's directory, a poll tick, stopWhen or abort. */
class ChangeWaiter {
  private watcher: FSWatcher | undefined;
  private wake: ((why: 'changed' | 'stopped' | 'aborted') => void) | undefined;
  private stopped = false;
  private aborted = false;
  private dirty = false;

  constructor(file: string, private readonly pollMs: number, o: ReadLogsOptions) {
    try {
      // The directory, not the file: rotation replaces the file's inode.
      this.watcher = watch(path.dirname(file), { persistent: false }, (_e, name) => {
        if (!name || name.toString().startsWith(path.basename(file))) this.fire('changed');
      });
      this.watcher.on('error', () => undefined);
    } catch {
      // Polling alone still works.
    }
    o.stopWhen?.then(
      () => this.fire('stopped'),
      () => this.fire('stopped'),
    );
    if (o.signal?.aborted) this.aborted = true;
    o.signal?.addEventListener('abort', () => this.fire('aborted'), { once: true });
  }

  next(): Promise<'changed' | 'stopped' | 'aborted' | 'poll'> {
    if (this.aborted) return Promise.resolve('aborted');
    if (this.stopped) return Promise.resolve('stopped');
    if (this.dirty) {
      this.dirty = false;
      return Promise.resolve('changed');
    }
    return new Promise((resolve) => {
      const timer = setTimeout(() => finish('poll'), this.pollMs);
      const finish = (why: 'changed' | 'stopped' | 'aborted' | 'poll') => {
        clearTimeout(timer);
        this.wake = undefined;
        this.dirty = false;
        resolve(why);
      };
      this.wake = finish;
    });
  }

  close(): void {
    this.watcher?.close();
    this.wake = undefined;
  }

  private fire(why: 'changed' | 'stopped' | 'aborted'): void {
    if (why === 'stopped') this.stopped = true;
    if (why === 'aborted') this.aborted = true;
    if (why === 'changed') this.dirty = true;
    this.wake?.(why);
  }
}
