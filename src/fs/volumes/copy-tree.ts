/**
 * Copies a directory's content with its metadata (Docker's copy of an image's directory into a
 * new volume): modes, owners, times, symlinks as symlinks, hard links as hard links. It never
 * follows a symlink on either side: the source is walked with lstat, and every destination is
 * created fresh (O_EXCL) inside directories this copy made. Sockets, fifos and devices are
 * skipped; extended attributes are not copied.
 */
import { constants as C, promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';

export interface CopyResult {
  entries: number;
  skipped: string[];
}

/** Copies the entries of `src` into the existing directory `dest`. */
export async function copyTree(src: string, dest: string): Promise<CopyResult> {
  const result: CopyResult = { entries: 0, skipped: [] };
  const linked = new Map<string, string>();
  await copyDir(src, dest, linked, result);
  return result;
}

async function copyDir(src: string, dest: string, linked: Map<string, string>, result: CopyResult): Promise<void> {
  for (const name of await fs.readdir(src)) {
    const from = path.join(src, name);
    const to = path.join(dest, name);
    const st = await fs.lstat(from);
    result.entries++;
    if (st.isDirectory()) {
      await fs.mkdir(to, { mode: 0o700 });
      await copyDir(from, to, linked, result);
      await applyMeta(to, st, true);
      continue;
    }
    const key = `${st.dev}:${st.ino}`;
    const first = st.nlink > 1 ? linked.get(key) : undefined;
    if (first) {
      await fs.link(first, to);
      continue;
    }
    if (st.isFile()) {
      await fs.copyFile(from, to, C.COPYFILE_EXCL);
      await applyMeta(to, st, true);
    } else if (st.isSymbolicLink()) {
      await fs.symlink(await fs.readlink(from), to);
      await applyMeta(to, st, false);
    } else {
      result.skipped.push(from);
      continue;
    }
    if (st.nlink > 1) linked.set(key, to);
  }
}

/** Owner first (chown clears setuid), then mode, then times. */
async function applyMeta(p: string, st: Stats, chmod: boolean): Promise<void> {
  await fs.lchown(p, st.uid, st.gid);
  if (chmod) await fs.chmod(p, st.mode & 0o7777);
  await fs.lutimes(p, st.atime, st.mtime);
}
