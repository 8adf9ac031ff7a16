/**
 * Where a WASI path really leads, checked before node:wasi (uvwasi) acts on it. uvwasi refuses
 * `..` past a preopen and an absolute symlink as the last component, but it hands the rest of
 * the path to the kernel, which follows symlinks in the middle: `data/link/passwd` with
 * `link -> ../../../etc` read the host's /etc/passwd (measured, Node 20.20). So every component
 * is walked here with lstat, symlinks are expanded by hand, and any step outside the preopen's
 * root is refused with ENOTCAPABLE, as wasmtime's cap-std does.
 *
 * A race stays possible only with another process that swaps a directory for a symlink between
 * this check and uvwasi's open (e.g. a native container sharing the volume); the module itself is
 * single-threaded and cannot, since its symlinks are checked the same way when used.
 */
import { lstatSync, readlinkSync } from 'node:fs';
import * as path from 'node:path';

export const ERRNO = { SUCCESS: 0, BADF: 8, INVAL: 28, LOOP: 32, NOENT: 44, PERM: 63, ROFS: 69, NOTCAPABLE: 76 } as const;

export interface DirHandle {
  /** The preopen's real host path: nothing may resolve outside it. */
  root: string;
  /** This directory, relative to root, as components. */
  at: string[];
  readonly: boolean;
}

export type Resolved = { ok: true; host: string; at: string[] } | { ok: false; errno: number };

const MAX_LINKS = 32;

/**
 * Resolves `rel` (as the module gave it) from `dir`. `follow`: whether a symlink as the last
 * component is followed (path_open with LOOKUP_SYMLINK_FOLLOW, path_filestat_get…).
 */
export function resolveBeneath(dir: DirHandle, rel: string, follow: boolean): Resolved {
  if (rel.startsWith('/')) return { ok: false, errno: ERRNO.NOTCAPABLE };
  if (rel.includes('\0')) return { ok: false, errno: ERRNO.INVAL };
  const at = [...dir.at];
  // A trailing slash asks for a directory, so a final symlink is followed, as POSIX does.
  const trailing = rel.endsWith('/');
  const todo = rel.split('/').filter((c) => c !== '' && c !== '.');
  let links = 0;
  let missing = false;
  while (todo.length) {
    const c = todo.shift()!;
    if (c === '.') continue;
    if (c === '..') {
      if (at.length === 0) return { ok: false, errno: ERRNO.NOTCAPABLE };
      at.pop();
      continue;
    }
    const last = todo.every((t) => t === '.');
    if (missing) {
      // Below a missing component nothing exists, so nothing is a symlink: the rest is lexical.
      at.push(c);
      continue;
    }
    const full = path.join(dir.root, ...at, c);
    let isLink = false;
    try {
      isLink = lstatSync(full).isSymbolicLink();
    } catch {
      missing = true;
    }
    if (isLink && (!last || follow || trailing)) {
      if (++links > MAX_LINKS) return { ok: false, errno: ERRNO.LOOP };
      let target: string;
      try {
        target = readlinkSync(full);
      } catch {
        return { ok: false, errno: ERRNO.NOENT };
      }
      if (target.startsWith('/')) return { ok: false, errno: ERRNO.NOTCAPABLE };
      todo.unshift(...target.split('/').filter((t) => t !== '' && t !== '.'));
      continue;
    }
    at.push(c);
  }
  return { ok: true, host: path.join(dir.root, ...at), at };
}

/** A symlink the module creates may only point inside the preopen, judged from where it is made. */
export function symlinkTargetAllowed(linkAt: string[], target: string): boolean {
  if (target.startsWith('/') || target.includes('\0')) return false;
  const at = linkAt.slice(0, -1);
  for (const c of target.split('/')) {
    if (c === '' || c === '.') continue;
    if (c === '..') {
      if (at.length === 0) return false;
      at.pop();
    } else at.push(c);
  }
  return true;
}
