/**
 * How much a directory tree holds, as `docker system df` counts it: apparent sizes of
 * non-directories, each hard-linked inode once; never follows a symlink. Used for a container's
 * upper dir and for volumes.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { DiskUsage } from './types';

export async function diskUsage(root: string): Promise<DiskUsage> {
  const seen = new Set<string>();
  let bytes = 0;
  let inodes = 0;
  const stack = [root];
  while (stack.length > 0) {
    const dir = stack.pop()!;
    let names: string[];
    try {
      names = await fs.readdir(dir);
    } catch (err) {
      // A directory removed while we walk (a container writing) is not an error.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue;
      throw err;
    }
    for (const name of names) {
      const p = path.join(dir, name);
      const st = await fs.lstat(p).catch((err: NodeJS.ErrnoException) => {
        if (err.code === 'ENOENT') return undefined;
        throw err;
      });
      if (!st) continue;
      inodes++;
      if (st.isDirectory()) {
        stack.push(p);
        continue;
      }
      if (st.nlink > 1) {
        const key = `${st.dev}:${st.ino}`;
        if (seen.has(key)) continue;
        seen.add(key);
      }
      bytes += st.size;
    }
  }
  return { bytes, inodes };
}
