/**
 * Resolves a path as a process chrooted at `root` would, on the host: symlinks are followed but
 * always relative to `root` (an absolute link target restarts at root, `..` stops at root), so
 * the result is always inside `root` (Go's filepath-securejoin, used by runc and Docker for
 * volume targets). For reading an image's content at a mount target, before the container runs.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errors } from '../../errors';

/** Linux's limit on symlinks followed while resolving one path. */
const MAX_LINKS = 40;

export async function resolveInRoot(root: string, unsafePath: string): Promise<string> {
  let remaining = unsafePath.split('/').filter((p) => p !== '');
  const resolved: string[] = [];
  let links = 0;
  while (remaining.length > 0) {
    const part = remaining.shift()!;
    if (part === '.') continue;
    if (part === '..') {
      resolved.pop();
      continue;
    }
    const candidate = path.join(root, ...resolved, part);
    let isLink = false;
    try {
      isLink = (await fs.lstat(candidate)).isSymbolicLink();
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOENT' && code !== 'ENOTDIR') throw err;
    }
    if (!isLink) {
      resolved.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw errors.invalidArgument(`too many levels of symlinks resolving "${unsafePath}" in the container`);
    const target = await fs.readlink(candidate);
    if (target.startsWith('/')) resolved.length = 0;
    remaining = [...target.split('/').filter((p) => p !== ''), ...remaining];
  }
  return path.join(root, ...resolved);
}
