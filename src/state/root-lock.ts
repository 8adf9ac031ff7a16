/**
 * One daemon per data root: a lock file created with O_EXCL holding the owner's pid. A lock
 * whose owner is dead (a daemon killed with -9) is taken over; a live owner is refused.
 */
import { closeSync, openSync, readFileSync, rmSync, writeSync, fsyncSync } from 'node:fs';
import { ForgeError } from '../errors';

export interface RootLock {
  readonly file: string;
  release(): void;
}

export function acquireRootLock(file: string, pid: number = process.pid): RootLock {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, `${pid}\n`);
      fsyncSync(fd);
      closeSync(fd);
      let released = false;
      return {
        file,
        release() {
          if (released) return;
          released = true;
          if (ownerOf(file) === pid) rmSync(file, { force: true });
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ForgeError('PermissionDenied', `cannot create lock ${file}: ${(err as Error).message}`, { cause: err });
      }
      const owner = ownerOf(file);
      if (owner !== undefined && owner !== pid && isAlive(owner)) {
        throw new ForgeError('Conflict', `another ForgeOne daemon (pid ${owner}) is using this data root`, {
          hint: `stop it first, or start this one with another --root (lock: ${file})`,
          details: { pid: owner, lock: file },
        });
      }
      // The owner is gone: the lock is stale. Remove it and try again.
      rmSync(file, { force: true });
    }
  }
  throw new ForgeError('Conflict', `could not take the lock ${file}: another daemon keeps taking it`);
}

function ownerOf(file: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(file, 'utf8').trim(), 10);
    return Number.isFinite(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  // A zombie still answers kill(0); it holds nothing.
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return true;
  }
}
