/** Reads a file of a container's rootfs that the daemon trusts only as a plain file (never a symlink). */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';

export async function readRootfsFile(rootfs: string, relative: string): Promise<string | undefined> {
  const file = path.join(rootfs, relative);
  try {
    // A symlink (e.g. /etc/passwd -> /host/file) could point outside the rootfs: not followed.
    const st = await fs.lstat(file);
    return st.isFile() ? await fs.readFile(file, 'utf8') : undefined;
  } catch {
    return undefined;
  }
}
