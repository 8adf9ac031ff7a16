/**
 * The snapshots directory on disk: `<snapshots>/<chainIdHex>/{fs/,snapshot.json}`.
 * A snapshot is built in `.tmp-<hex>-<rand>/` beside its final place and renamed in when
 * complete (the rename is atomic), and removed by renaming it to `.rm-…` first, so whatever a
 * crash interrupts, a directory named by a bare chain ID is always a complete snapshot.
 * `l/<24 hex>` are short symlinks to snapshots' fs dirs, made on demand for images whose
 * lowerdir list would not fit the kernel's one-page mount data (Docker's overlay2 `l/` links).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { errors } from '../../../errors';
import { digestHex, isDigest, type Digest } from '../../../util/digest';
import { fsyncDir, writeFileAtomic } from '../../../util/atomic-file';
import type { SnapshotInfo } from '../../types';

const META = 'snapshot.json';
const SCRATCH_PREFIXES = ['.tmp-', '.rm-'];
export const SHORT_LINK_DIR = 'l';

export interface Scratch {
  dir: string;
  fs: string;
}

export class SnapshotDirs {
  constructor(readonly root: string) {}

  /** Creates the directory (0700: snapshots hold images' setuid binaries) and drops what a crash left. */
  async init(): Promise<void> {
    await fs.mkdir(this.root, { recursive: true, mode: 0o700 });
    await fs.chmod(this.root, 0o700);
    for (const name of await fs.readdir(this.root)) {
      if (SCRATCH_PREFIXES.some((p) => name.startsWith(p))) await fs.rm(path.join(this.root, name), { recursive: true, force: true });
    }
  }

  dir(chainId: Digest): string {
    return path.join(this.root, digestHex(chainId));
  }

  fsDir(chainId: Digest): string {
    return path.join(this.dir(chainId), 'fs');
  }

  async exists(chainId: Digest): Promise<boolean> {
    try {
      await fs.access(path.join(this.dir(chainId), META));
      return true;
    } catch {
      return false;
    }
  }

  async scratch(chainId: Digest): Promise<Scratch> {
    const dir = path.join(this.root, `.tmp-${digestHex(chainId).slice(0, 12)}-${randomBytes(6).toString('hex')}`);
    await fs.mkdir(path.join(dir, 'fs'), { recursive: true, mode: 0o755 });
    await fs.chmod(path.join(dir, 'fs'), 0o755);
    return { dir, fs: path.join(dir, 'fs') };
  }

  /** Writes the record and renames the scratch dir into place; a concurrent winner is fine. */
  async commit(scratch: Scratch, info: SnapshotInfo): Promise<void> {
    await writeFileAtomic(path.join(scratch.dir, META), JSON.stringify(info, null, 2) + '\n');
    try {
      await fs.rename(scratch.dir, this.dir(info.chainId));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST') throw err;
      if (await this.exists(info.chainId)) {
        // Another process finished the same snapshot first: theirs is as good as ours.
        await fs.rm(scratch.dir, { recursive: true, force: true });
      } else {
        // A directory without a record is not a snapshot (nothing we write makes one): replace it.
        await this.discard(this.dir(info.chainId));
        await fs.rename(scratch.dir, this.dir(info.chainId));
      }
    }
    await fsyncDir(this.root);
  }

  async read(chainId: Digest): Promise<SnapshotInfo> {
    try {
      return JSON.parse(await fs.readFile(path.join(this.dir(chainId), META), 'utf8')) as SnapshotInfo;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') throw errors.notFound(`snapshot ${chainId} does not exist`);
      throw err;
    }
  }

  async list(): Promise<SnapshotInfo[]> {
    const out: SnapshotInfo[] = [];
    for (const name of await fs.readdir(this.root)) {
      const chainId = `sha256:${name}`;
      if (!isDigest(chainId)) continue;
      try {
        out.push(await this.read(chainId));
      } catch (err) {
        if ((err as { code?: string }).code !== 'NotFound') throw err;
      }
    }
    return out;
  }

  async remove(chainId: Digest): Promise<void> {
    await fs.rm(this.shortLink(chainId), { force: true });
    await this.discard(this.dir(chainId));
  }

  /** Renames a directory aside, then deletes it: a crash midway leaves only a `.rm-` dir. */
  private async discard(dir: string): Promise<void> {
    const doomed = path.join(this.root, `.rm-${path.basename(dir).slice(0, 12)}-${randomBytes(6).toString('hex')}`);
    await fs.rename(dir, doomed);
    await fs.rm(doomed, { recursive: true, force: true });
  }

  /** `l/<24 hex>` relative to the root: a short name for the snapshot's fs dir. */
  async ensureShortLink(chainId: Digest): Promise<string> {
    const rel = path.join(SHORT_LINK_DIR, digestHex(chainId).slice(0, 24));
    await fs.mkdir(path.join(this.root, SHORT_LINK_DIR), { recursive: true, mode: 0o700 });
    try {
      await fs.symlink(path.join('..', digestHex(chainId), 'fs'), path.join(this.root, rel));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    return rel;
  }

  private shortLink(chainId: Digest): string {
    return path.join(this.root, SHORT_LINK_DIR, digestHex(chainId).slice(0, 24));
  }
}
