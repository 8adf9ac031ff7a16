/**
 * The engine's side of the file protocol with host processes (paths.ts): read a JSON file that
 * may not exist yet, read the exit file, and wait until one of several files appears. Waiting
 * watches the directory (inotify) and polls as a fallback, since an event can be missed.
 */
import { promises as fs, watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';

export async function readJson<T>(file: string): Promise<T | undefined> {
  try {
    return JSON.parse(await fs.readFile(file, 'utf8')) as T;
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || err instanceof SyntaxError) return undefined;
    throw err;
  }
}

export interface ExitRecord {
  exitCode: number;
  exitedAt: Date;
}

/**
 * The exit file, once it holds a number. The host renames it into place; the monitor writes it
 * in one short write, so for a moment it can exist empty: that reads as "not yet", and a caller
 * that saw it appear waits for its content (`readExitSoon`). Its mtime is the exit time.
 */
export async function readExit(file: string): Promise<ExitRecord | undefined> {
  try {
    const [text, st] = await Promise.all([fs.readFile(file, 'utf8'), fs.stat(file)]);
    const t = text.trim();
    return /^\d+$/.test(t) ? { exitCode: Number(t), exitedAt: st.mtime } : undefined;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/** readExit, retried briefly when the file exists but is still being written. */
export async function readExitSoon(file: string): Promise<ExitRecord | undefined> {
  for (let i = 0; i < 50; i++) {
    const r = await readExit(file);
    if (r || !(await exists(file))) return r;
    await new Promise((res) => setTimeout(res, 2));
  }
  return undefined;
}

export interface WaitFilesOptions {
  signal?: AbortSignal;
  /** Poll this often in case an inotify event is missed. Default 250 ms. */
  pollMs?: number;
  /** The poll interval while the inotify watch is in place (a safety net only). Default `pollMs`. */
  watchedPollMs?: number;
  /** Called on each poll; a value it returns ends the wait (the watched process died without writing). */
  check?: () => Promise<string | undefined>;
}

/** Resolves with the first of `names` (files in `dir`) that exists, or what `check` returns. */
export function waitForFiles(dir: string, names: string[], o: WaitFilesOptions = {}): Promise<string> {
  if (o.signal?.aborted) return Promise.reject(o.signal.reason);
  return new Promise<string>((resolve, reject) => {
    let done = false;
    let busy = false;
    let again = false;
    let watcher: FSWatcher | undefined;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearInterval(timer);
      watcher?.close();
      o.signal?.removeEventListener('abort', onAbort);
      fn();
    };
    const look = async (polled: boolean): Promise<void> => {
      if (done) return;
      if (busy) {
        again = true;
        return;
      }
      busy = true;
      again = false;
      try {
        for (const n of names) {
          if (await exists(path.join(dir, n))) return finish(() => resolve(n));
        }
        if (polled && o.check) {
          const r = await o.check();
          if (r !== undefined) return finish(() => resolve(r));
        }
      } catch (err) {
        return finish(() => reject(err));
      } finally {
        busy = false;
      }
      if (again) return look(false);
    };
    const onAbort = () => finish(() => reject(o.signal!.reason));
    o.signal?.addEventListener('abort', onAbort, { once: true });
    try {
      watcher = watch(dir, { persistent: false }, (_e, name) => {
        if (!name || names.includes(name.toString())) void look(false);
      });
      watcher.on('error', () => undefined);
    } catch {
      // The dir is gone or inotify is exhausted: polling still works.
    }
    // Declared after the watch is in place (its interval depends on it); `finish` runs only after an await.
    const timer = setInterval(() => void look(true), watcher ? (o.watchedPollMs ?? o.pollMs ?? 250) : (o.pollMs ?? 250));
    void look(false);
  });
}

export function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}
