/**
 * What the layers below hold at a path, as the merged overlay will show it, read from their
 * snapshot dirs without ever following a symlink. The unpacker asks when an entry needs a parent
 * directory its own layer lacks: a symlink there means the layer writes through it (refused), a
 * directory lends its mode, owner and mtime to the implicit copy (so the merged view keeps them,
 * as containerd's `mkparent` does).
 *
 * Simplification: opaque markers below are not read (that would cost a getxattr per lookup), so a
 * symlink hidden by an opaque directory still counts. That can only refuse a strange layer, never
 * let a write escape.
 */
import { promises as fs, type Stats } from 'node:fs';
import * as path from 'node:path';

export type LowerEntry =
  | { kind: 'absent' }
  | { kind: 'dir'; stats: Stats }
  | { kind: 'symlink' }
  | { kind: 'other' };

export class LowerView {
  private readonly cache = new Map<string, LowerEntry>();

  /** `lowers`: the snapshot fs dirs below the layer being unpacked, nearest first. */
  constructor(private readonly lowers: readonly string[]) {}

  async lookup(rel: string): Promise<LowerEntry> {
    let found = this.cache.get(rel);
    if (!found) {
      found = await this.search(rel);
      this.cache.set(rel, found);
    }
    return found;
  }

  private async search(rel: string): Promise<LowerEntry> {
    const parts = rel.split('/');
    for (const lower of this.lowers) {
      let current = lower;
      let hidden = false;
      let missing = false;
      for (let i = 0; i < parts.length; i++) {
        current = path.join(current, parts[i]!);
        const st = await lstatOrUndefined(current);
        if (!st) {
          missing = true;
          break;
        }
        if (isWhiteout(st)) return { kind: 'absent' };
        const last = i === parts.length - 1;
        if (last) {
          if (st.isDirectory()) return { kind: 'dir', stats: st };
          return st.isSymbolicLink() ? { kind: 'symlink' } : { kind: 'other' };
        }
        // A non-directory on the way hides this path in every layer beneath, too.
        if (!st.isDirectory()) {
          hidden = true;
          break;
        }
      }
      if (hidden) return { kind: 'absent' };
      if (missing) continue;
    }
    return { kind: 'absent' };
  }
}

/** An overlay whiteout: a character device with device number 0/0. */
export function isWhiteout(st: Stats): boolean {
  return st.isCharacterDevice() && st.rdev === 0;
}

async function lstatOrUndefined(p: string): Promise<Stats | undefined> {
  try {
    return await fs.lstat(p);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ENOTDIR') return undefined;
    throw err;
  }
}
