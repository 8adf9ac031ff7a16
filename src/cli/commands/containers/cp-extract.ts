/**
 * The local side of `cp` from a container: extract the daemon's tar into a directory without
 * ever writing outside it. Names with `..` or absolute paths are refused, no path component
 * under the destination may be a symlink (so a link in the archive cannot redirect a later
 * entry), an existing file is replaced rather than written through, and hard links must point
 * inside. Owners are not copied (files belong to the user running the CLI, as with docker cp).
 * Loaded lazily: tar-stream is only needed by `cp`.
 */
import { createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { pipeline } from 'node:stream/promises';
import type { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { ForgeError } from '../../../errors';

/** Maps the archive's top-level name: to another name, or to '' to put its contents in place. */
export type Rename = (top: string) => string;

/** Archive name → the path relative to the destination, or undefined for the destination itself. */
export function relativeTarget(name: string, rename: Rename): string | undefined {
  const clean = path.posix.normalize(name.replace(/^(\.\/)+/, '').replace(/\/+$/, ''));
  if (path.posix.isAbsolute(name) || clean === '..' || clean.startsWith('../')) {
    throw new ForgeError('InvalidArgument', `refusing to extract "${name}": it points outside the destination`);
  }
  if (clean === '.' || clean === '') return undefined;
  const [top = '', ...rest] = clean.split('/');
  const renamed = [rename(top), ...rest].filter(Boolean).join('/');
  return renamed === '' ? undefined : renamed;
}

/** Creates the missing directories of `rel` under `root`, refusing symlinks on the way. */
async function safeParent(root: string, rel: string): Promise<string> {
  let current = root;
  for (const part of rel.split('/').slice(0, -1)) {
    current = path.join(current, part);
    const st = await fs.lstat(current).catch(() => undefined);
    if (!st) await fs.mkdir(current, { mode: 0o755 });
    else if (st.isSymbolicLink()) throw new ForgeError('InvalidArgument', `refusing to extract through the symbolic link ${current}`);
    else if (!st.isDirectory()) throw new ForgeError('FailedPrecondition', `cannot extract into ${current}: it is not a directory`);
  }
  return path.join(root, rel);
}

/** Removes what is at `target` unless it is a directory (which a directory entry keeps). */
async function clearTarget(target: string, entryIsDir: boolean): Promise<'dir' | 'none'> {
  const st = await fs.lstat(target).catch(() => undefined);
  if (!st) return 'none';
  if (st.isDirectory()) {
    if (entryIsDir) return 'dir';
    throw new ForgeError('FailedPrecondition', `cannot overwrite directory ${target} with a non-directory`);
  }
  await fs.unlink(target);
  return 'none';
}

export async function extractInto(archive: Readable, root: string, rename: Rename, warn: (message: string) => void): Promise<void> {
  const extract = tar.extract();
  const feeding = pipeline(archive, extract);
  // Its failure also ends the loop below; it is awaited (and thrown) after the loop.
  feeding.catch(() => undefined);
  const dirTimes: Array<[string, Date]> = [];
  for await (const entry of extract) {
    const h = entry.header;
    const rel = relativeTarget(h.name, rename);
    const mode = (h.mode ?? 0o644) & 0o7777 & ~0o6000;
    if (rel === undefined) {
      entry.resume();
      continue;
    }
    const target = await safeParent(root, rel);
    if (h.type === 'directory') {
      if ((await clearTarget(target, true)) === 'none') await fs.mkdir(target, { mode });
      await fs.chmod(target, mode);
      if (h.mtime) dirTimes.push([target, h.mtime]);
      entry.resume();
      continue;
    }
    await clearTarget(target, false);
    if (h.type === 'file' || h.type === 'contiguous-file') {
      // 'wx': should a link appear at this name meanwhile, fail rather than follow it.
      await pipeline(entry, createWriteStream(target, { flags: 'wx', mode }));
      if (h.mtime) await fs.utimes(target, h.mtime, h.mtime);
      continue;
    }
    entry.resume();
    if (h.type === 'symlink') {
      await fs.symlink(h.linkname ?? '', target);
    } else if (h.type === 'link') {
      const linkRel = relativeTarget(h.linkname ?? '', rename);
      if (linkRel === undefined) throw new ForgeError('InvalidArgument', `refusing hard link ${h.name} to the destination itself`);
      const source = await safeParent(root, linkRel);
      const st = await fs.lstat(source).catch(() => undefined);
      if (!st || st.isSymbolicLink()) throw new ForgeError('InvalidArgument', `refusing hard link ${h.name} to ${h.linkname}: not a file in the archive`);
      await fs.link(source, target);
    } else {
      warn(`skipped ${h.name}: ${h.type} entries are not copied`);
    }
  }
  await feeding;
  // Directory times last: writing their children changed them.
  for (const [dir, time] of dirTimes.reverse()) await fs.utimes(dir, time, time).catch(() => undefined);
}
