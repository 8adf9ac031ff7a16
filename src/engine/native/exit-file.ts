/**
 * conmon's exit file (`<exit-dir>/<id>`, the exit code as text: 0, 42, 137 after SIGKILL). It is
 * the one record of an exit that survives the daemon (HOST-NOTES 9): conmon writes it with
 * rename, so once it exists it is complete. Its mtime is the exit time.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

export interface ExitRecord {
  exitCode: number;
  exitedAt: Date;
}

export function parseExitCode(text: string): number | undefined {
  const t = text.trim();
  return /^-?\d+$/.test(t) ? Number(t) : undefined;
}

export async function readExitFile(file: string): Promise<ExitRecord | undefined> {
  try {
    const [text, st] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    const exitCode = parseExitCode(text);
    return exitCode === undefined ? undefined : { exitCode, exitedAt: st.mtime };
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

export interface WatchExitOptions {
  signal?: AbortSignal;
  /**
   * Re-check by polling this often, in case an inotify event is missed. Default 500 ms. While the
   * directory is watched, the interval then doubles up to `maxPollMs`: a daemon watching 100 idle
   * containers polled 200 times a second (~6 % of a CPU, bench/README.md).
   */
  pollMs?: number;
  /** Default: the larger of pollMs and checkMs, so `check` keeps its pace. */
  maxPollMs?: number;
  /** Called every `checkMs` while waiting; a record it returns ends the wait (conmon died without writing). */
  check?: () => Promise<ExitRecord | undefined>;
  /** Default 2000 ms. */
  checkMs?: number;
}

/** Resolves once the exit file exists (at once if it already does); rejects with `signal.reason` on abort. */
export function waitForExitFile(file: string, options: WatchExitOptions = {}): Promise<ExitRecord> {
  const { signal } = options;
  if (signal?.aborted) return Promise.reject(signal.reason);
  return new Promise<ExitRecord>((resolve, reject) => {
    let done = false;
    let watcher: FSWatcher | undefined;
    let checking = false;
    let again = false;
    let lastCheck = Date.now();
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      watcher?.close();
      signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const look = async (): Promise<void> => {
      if (done) return;
      // An event during a check must not be lost: the file may have appeared after our read.
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      again = false;
      try {
        const rec = await readExitFile(file);
        if (rec) return finish(() => resolve(rec));
        if (options.check && Date.now() - lastCheck >= (options.checkMs ?? 2000)) {
          lastCheck = Date.now();
          const fallback = await options.check();
          if (fallback) finish(() => resolve(fallback));
        }
      } catch (err) {
        finish(() => reject(err));
      } finally {
        checking = false;
      }
      if (again) return look();
    };
    const onAbort = () => finish(() => reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
    const pollMs = options.pollMs ?? 500;
    const maxPollMs = Math.max(pollMs, options.maxPollMs ?? options.checkMs ?? 2000);
    let interval = pollMs;
    let timer: NodeJS.Timeout | undefined;
    const poll = () => {
      timer = setTimeout(() => {
        void look();
        // Back off only while inotify is on duty; without a watcher, polling is all there is.
        if (watcher) interval = Math.min(interval * 2, maxPollMs);
        if (!done) poll();
      }, interval);
    };
    try {
      // Watch the directory: the file does not exist yet, and conmon renames it into place.
      watcher = watch(path.dirname(file), { persistent: false }, (_event, name) => {
        if (!name || name.toString() === path.basename(file)) void look();
      });
      watcher.on('error', () => {
        watcher = undefined; // polling at its first pace from now on
        interval = pollMs;
      });
    } catch {
      // No inotify (or the dir is gone): polling alone still finds the file.
    }
    poll();
    void look();
  });
}
