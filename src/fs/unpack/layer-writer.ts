/**
 * Writes the entries of one layer tar into its snapshot dir, in overlayfs format:
 * - `.wh.<name>` becomes a whiteout (character device 0/0) at `<name>`, and `.wh..wh..opq`
 *   becomes `trusted.overlay.opaque=y` on its directory, because each snapshot is an overlay
 *   lowerdir of its own (containerd's overlay snapshotter does the same). A whiteout of a path this
 *   layer also creates as a directory makes that directory opaque: the lower one is deleted and
 *   this one replaces it (image-spec: a whiteout applies to the layers below only). In a bottom
 *   layer both are dropped: there is nothing below to hide.
 * - files are created with O_CREAT|O_EXCL|O_NOFOLLOW after removing whatever the layer had
 *   there; symlinks are stored as-is and never followed; hard links must target a path already in
 *   this layer, reached without symlinks; fifos are made; char/block devices are skipped (noted),
 *   since a container gets its devices from the runtime spec, never from an image.
 * - owner (lchown), then mode (chown clears setuid), then times; xattrs, whiteouts and directory
 *   metadata wait until the end (`finish`), as writing inside a directory changes its mtime.
 */
import { constants as C, promises as fs } from 'node:fs';
import { errors } from '../../errors';
import type { SpecialFiles, XattrWrite } from '../types';
import { classifyEntry, normalizeEntryPath } from './entry-path';
import { LayerTree, isAtOrUnder, type DirMeta } from './layer-tree';
import { LowerView } from './lower-view';
import type { TarEntry, TarHeader } from './tar-reader';
import type { XattrPolicy } from './xattr-policy';

export interface SkippedEntry {
  path: string;
  reason: string;
}

export interface LayerWriterOptions {
  /** Snapshot fs dirs of the layers below, nearest first; empty for a bottom layer. */
  lowers: readonly string[];
  special: SpecialFiles;
  xattrPolicy: XattrPolicy;
  /**
   * The owner new files get without a chown (this process's euid/egid), when the target dir has
   * no setgid bit to pass on: entries with that owner skip lchown, one syscall each. Default: none.
   */
  creator?: { uid: number; gid: number };
}

const OPAQUE_XATTR = 'trusted.overlay.opaque';
const MAX_NOTED = 100;

export class LayerWriter {
  readonly skipped: SkippedEntry[] = [];
  entries = 0;
  private readonly tree: LayerTree;
  private readonly xattrs = new Map<string, Map<string, Buffer>>();
  private readonly whiteouts = new Set<string>();
  private readonly opaques = new Set<string>();

  constructor(root: string, private readonly options: LayerWriterOptions) {
    this.tree = new LayerTree(root, new LowerView(options.lowers));
    this.tree.onRemoved = (rel) => {
      for (const key of [...this.xattrs.keys()]) if (isAtOrUnder(key, rel)) this.xattrs.delete(key);
    };
  }

  async write(entry: TarEntry): Promise<void> {
    this.entries++;
    const h = entry.header;
    const rel = normalizeEntryPath(h.name);
    const kind = classifyEntry(rel);
    if (kind.kind === 'aufs-meta') return this.skip(rel, 'aufs metadata');
    if (kind.kind === 'whiteout' || kind.kind === 'opaque') {
      // The marker's own parent must be a safe directory of this layer, as for any entry.
      await this.tree.ensureParent(rel);
      if (kind.kind === 'whiteout') this.whiteouts.add(kind.target);
      else this.opaques.add(kind.dir);
      return;
    }
    if (h.type === 'char' || h.type === 'block') return this.skip(rel, `${h.type} device ${h.devmajor}:${h.devminor}`);
    await this.tree.ensureParent(rel);
    switch (h.type) {
      case 'dir':
        await this.writeDir(rel, h);
        break;
      case 'file':
        await this.writeFile(rel, entry);
        break;
      case 'symlink':
        await this.writeSymlink(rel, h);
        break;
      case 'hardlink':
        await this.writeHardlink(rel, h);
        return; // a hard link shares its target's inode, metadata and xattrs
      case 'fifo':
        await this.tree.clear(rel, false);
        await this.options.special.makeFifo(this.tree.abs(rel), h.mode);
        this.tree.created(rel);
        if (this.needsChown(h)) await fs.lchown(this.tree.abs(rel), h.uid, h.gid);
        await fs.chmod(this.tree.abs(rel), h.mode);
        await fs.lutimes(this.tree.abs(rel), h.mtime, h.mtime);
        break;
    }
    this.noteXattrs(rel, h);
  }

  /** Applies the deferred work: directory owners and modes, whiteouts, xattrs, directory times. */
  async finish(): Promise<void> {
    const hasLowers = this.options.lowers.length > 0;
    const dirs = [...this.tree.dirMeta].sort(([a], [b]) => depth(b) - depth(a));
    for (const [rel, meta] of dirs) {
      if (await this.isRealDir(rel)) {
        await fs.lchown(this.tree.abs(rel), meta.uid, meta.gid);
        await fs.chmod(this.tree.abs(rel), meta.mode);
      }
    }
    const writes: XattrWrite[] = [];
    const devices: string[] = [];
    for (const target of hasLowers ? this.whiteouts : []) {
      const v = await this.tree.verify(target);
      // A parent replaced by a non-directory later in the layer already hides everything below.
      if (!v.ok) continue;
      if (!v.stats) devices.push(this.tree.abs(target));
      else if (v.stats.isDirectory()) this.opaques.add(target);
      // A non-directory of this layer at the target hides the lower one by itself.
    }
    for (const dir of hasLowers ? this.opaques : []) {
      if (await this.isRealDir(dir)) writes.push({ path: this.tree.abs(dir), name: OPAQUE_XATTR, value: Buffer.from('y') });
    }
    for (const [rel, attrs] of this.xattrs) {
      if (!(await this.tree.verify(rel)).ok) continue;
      for (const [name, value] of attrs) writes.push({ path: this.tree.abs(rel), name, value });
    }
    if (devices.length > 0) await this.options.special.makeWhiteouts(devices);
    if (writes.length > 0) await this.options.special.setXattrs(writes);
    for (const [rel, meta] of dirs) {
      if (meta.mtime !== undefined && (await this.isRealDir(rel))) {
        await fs.lutimes(this.tree.abs(rel), meta.mtime, meta.mtime);
      }
    }
  }

  private async writeDir(rel: string, h: TarHeader): Promise<void> {
    if ((await this.tree.clear(rel, true)) === 'clear') await fs.mkdir(this.tree.abs(rel), { mode: 0o700 });
    this.tree.created(rel, true);
    const meta: DirMeta = { mode: h.mode, uid: h.uid, gid: h.gid, mtime: h.mtime };
    this.tree.dirMeta.set(rel, meta);
  }

  private async writeFile(rel: string, entry: TarEntry): Promise<void> {
    const h = entry.header;
    await this.tree.clear(rel, false);
    const flags = C.O_WRONLY | C.O_CREAT | C.O_EXCL | C.O_NOFOLLOW;
    const handle = await fs.open(this.tree.abs(rel), flags, 0o600);
    this.tree.created(rel);
    try {
      for await (const chunk of entry.body()) {
        let offset = 0;
        while (offset < chunk.length) offset += (await handle.write(chunk, offset)).bytesWritten;
      }
      if (this.needsChown(h)) await handle.chown(h.uid, h.gid);
      await handle.chmod(h.mode);
      await handle.utimes(h.mtime, h.mtime);
    } finally {
      await handle.close();
    }
  }

  private async writeSymlink(rel: string, h: TarHeader): Promise<void> {
    if (h.linkname === '' || h.linkname.includes('\0') || Buffer.byteLength(h.linkname) > 4095) {
      throw errors.invalidArgument(`layer symlink "${rel}" has an invalid target`);
    }
    await this.tree.clear(rel, false);
    await fs.symlink(h.linkname, this.tree.abs(rel));
    this.tree.created(rel);
    if (this.needsChown(h)) await fs.lchown(this.tree.abs(rel), h.uid, h.gid);
    await fs.lutimes(this.tree.abs(rel), h.mtime, h.mtime);
  }

  private async writeHardlink(rel: string, h: TarHeader): Promise<void> {
    const target = normalizeEntryPath(h.linkname, 'hard link target');
    const refuse = (why: string) => errors.invalidArgument(`layer hard link "${rel}" → "${h.linkname}": ${why}`, { details: { path: rel } });
    if (target === '' || target === rel) throw refuse('the target is not a file');
    const v = await this.tree.verify(target);
    if (!v.ok) throw refuse(v.reason === 'symlink' ? 'the target resolves through a symlink' : 'the target is not in this layer');
    if (!v.stats) throw refuse('the target is not in this layer (a tar hard link can only name an earlier entry)');
    if (v.stats.isDirectory()) throw refuse('the target is a directory');
    if (isAtOrUnder(target, rel)) throw refuse('the link would replace its own target');
    await this.tree.clear(rel, false);
    // link(2) never follows a symlink named as its target, so linking to a symlink is harmless.
    await fs.link(this.tree.abs(target), this.tree.abs(rel));
    this.tree.created(rel);
  }

  private needsChown(h: TarHeader): boolean {
    const c = this.options.creator;
    return c === undefined || c.uid !== h.uid || c.gid !== h.gid;
  }

  private noteXattrs(rel: string, h: TarHeader): void {
    const kept = new Map<string, Buffer>();
    for (const [name, value] of h.xattrs) {
      if (this.options.xattrPolicy(name, h.type)) kept.set(name, value);
    }
    if (kept.size > 0) this.xattrs.set(rel, kept);
    else this.xattrs.delete(rel);
  }

  private async isRealDir(rel: string): Promise<boolean> {
    const v = await this.tree.verify(rel);
    return v.ok && v.stats !== undefined && v.stats.isDirectory();
  }

  private skip(path: string, reason: string): void {
    if (this.skipped.length < MAX_NOTED) this.skipped.push({ path, reason });
  }
}

function depth(rel: string): number {
  return rel === '' ? 0 : rel.split('/').length;
}
