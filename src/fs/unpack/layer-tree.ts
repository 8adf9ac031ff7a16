/**
 * The target directory of one layer, as the unpacker sees it: the one place that decides whether a
 * path may be written. Every parent directory is resolved component by component with lstat; a
 * symlink on the way (planted by this layer or by a layer below, through the merged view) is
 * refused, so no write, link, mknod or xattr ever follows one. Directories made implicitly copy
 * the metadata of the same directory below (containerd's mkparent), else root:root 0755.
 */
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';
import { errors } from '../../errors';
import { ancestorsOf } from './entry-path';
import type { LowerView } from './lower-view';

/** Directory metadata, applied when the layer is complete (children's writes change mtimes). */
export interface DirMeta {
  mode: number;
  uid: number;
  gid: number;
  /** Seconds; absent: leave the time of creation. */
  mtime?: number;
}

export type Verified = { ok: true; stats: Stats | undefined } | { ok: false; reason: 'symlink' | 'not-dir' };

export class LayerTree {
  /** Paths known to be real directories of this layer right now ('' is the root). */
  private readonly dirs = new Set<string>(['']);
  /**
   * Every path this layer has created. The target starts empty and nothing else writes to it, so
   * a path not in here does not exist: `clear` skips its lstat. Should that ever be wrong, the
   * creating calls (O_EXCL, mkdir, symlink, link) fail on an existing path rather than follow it.
   */
  private readonly present = new Set<string>(['']);
  readonly dirMeta = new Map<string, DirMeta>([['', { mode: 0o755, uid: 0, gid: 0 }]]);
  /** Called with a path whose entry was removed, so pending work on it and beneath is dropped. */
  onRemoved: (rel: string) => void = () => undefined;

  constructor(
    readonly root: string,
    private readonly lower: LowerView,
  ) {}

  abs(rel: string): string {
    return rel === '' ? this.root : path.join(this.root, rel);
  }

  /** Ensures every ancestor of `rel` is a real directory of this layer, creating missing ones. */
  async ensureParent(rel: string): Promise<void> {
    for (const dir of ancestorsOf(rel)) await this.ensureDir(dir);
  }

  /** Removes what this layer has at `rel`, unless it and the new entry are both directories. */
  async clear(rel: string, newIsDir: boolean): Promise<'kept-dir' | 'clear'> {
    if (!this.present.has(rel)) return 'clear';
    const st = await lstatOrUndefined(this.abs(rel));
    if (!st) return 'clear';
    if (st.isDirectory() && newIsDir) return 'kept-dir';
    if (rel === '') throw errors.invalidArgument('layer replaces its root directory with a non-directory');
    // fs.rm never follows symlinks inside the tree it removes.
    await fs.rm(this.abs(rel), { recursive: true, force: true });
    for (const known of [...this.present]) if (isAtOrUnder(known, rel)) this.present.delete(known);
    for (const known of [...this.dirs]) if (isAtOrUnder(known, rel)) this.dirs.delete(known);
    for (const known of [...this.dirMeta.keys()]) if (isAtOrUnder(known, rel)) this.dirMeta.delete(known);
    this.onRemoved(rel);
    return 'clear';
  }

  /** Records that the layer now has an entry at `rel`. */
  created(rel: string, isDir = false): void {
    this.present.add(rel);
    if (isDir) this.dirs.add(rel);
  }

  /** A fresh check, no cache: are all ancestors real directories? Also lstats `rel` itself. */
  async verify(rel: string): Promise<Verified> {
    for (const dir of ancestorsOf(rel)) {
      const st = await lstatOrUndefined(this.abs(dir));
      if (!st || !st.isDirectory()) return { ok: false, reason: st?.isSymbolicLink() ? 'symlink' : 'not-dir' };
    }
    return { ok: true, stats: await lstatOrUndefined(this.abs(rel)) };
  }

  private async ensureDir(rel: string): Promise<void> {
    if (this.dirs.has(rel)) return;
    const st = await lstatOrUndefined(this.abs(rel));
    if (st) {
      if (st.isSymbolicLink()) throw writesThroughSymlink(rel, 'this layer');
      if (!st.isDirectory()) throw errors.invalidArgument(`layer writes beneath "${rel}", which is not a directory`);
      this.dirs.add(rel);
      return;
    }
    const below = await this.lower.lookup(rel);
    if (below.kind === 'symlink') throw writesThroughSymlink(rel, 'a lower layer');
    await fs.mkdir(this.abs(rel), { mode: 0o700 });
    this.created(rel, true);
    this.dirMeta.set(
      rel,
      below.kind === 'dir'
        ? { mode: below.stats.mode & 0o7777, uid: below.stats.uid, gid: below.stats.gid, mtime: below.stats.mtimeMs / 1000 }
        : { mode: 0o755, uid: 0, gid: 0 },
    );
  }
}

export function writesThroughSymlink(rel: string, where: string) {
  return errors.invalidArgument(`layer writes through a symlink: "${rel}" is a symlink in ${where}`, {
    details: { path: rel },
    hint: 'the image is malformed or hostile; rebuild it without writing beneath symlinks',
  });
}

export function isAtOrUnder(candidate: string, rel: string): boolean {
  return rel === '' || candidate === rel || candidate.startsWith(`${rel}/`);
}

export async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}
