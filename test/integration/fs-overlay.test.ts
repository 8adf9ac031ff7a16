/**
 * The overlay snapshotter for real, as root: fixture images prepared from their OCI layout blobs,
 * mounted with overlayfs, run with chroot; whiteouts, opaque dirs and hard links seen through the
 * mount; read-only views; busy unmounts; many-layer images; no mount left behind.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import { ForgeError } from '../../src/errors';
import { LinuxMounter } from '../../src/fs/linux/mounter';
import { readMountInfo } from '../../src/fs/linux/mountinfo';
import { runMounterSuite } from '../../src/fs/testsuite';
import { createSnapshotter, type OverlaySnapshotter } from '../../src/fs/snapshots/overlay/overlay-snapshotter';
import type { LayerSource } from '../../src/fs/types';
import type { Digest } from '../../src/util/digest';
import { buildBusyboxImage, buildMultiLayerImage, type BuiltImage, type MultiLayerImage } from '../fixtures/images';
import { TempDirs } from '../fixtures/tmp';
import { makeTar, writeLayer, type RawEntry } from '../unit/fs/helpers/tar';

const run = promisify(execFile);
const isRoot = process.getuid?.() === 0;

/** The image's layers as runtime/ hands them over: blob paths in the layout, diffIDs from the config. */
async function layersOf(image: BuiltImage): Promise<LayerSource[]> {
  const blob = (d: string) => path.join(image.layoutDir, 'blobs', 'sha256', d.replace(/^sha256:/, ''));
  const manifest = JSON.parse(await fs.readFile(blob(image.manifestDigest), 'utf8')) as { layers: Array<{ digest: string; mediaType: string; size: number }> };
  return manifest.layers.map((l, i) => ({
    digest: l.digest as Digest,
    mediaType: l.mediaType,
    diffId: image.diffIds[i] as Digest,
    path: blob(l.digest),
    size: l.size,
  }));
}

async function mountsUnder(dir: string): Promise<string[]> {
  return (await readMountInfo()).map((m) => m.mountPoint).filter((p) => p.startsWith(`${dir}/`));
}

const code = (c: string) => (err: unknown) => err instanceof ForgeError && err.code === c;

if (isRoot) {
  runMounterSuite('linux (mount(8))', () => ({
    mounter: new LinuxMounter(),
    makeBusy: async (target) => {
      const child = spawn('sleep', ['60'], { cwd: target, stdio: 'ignore' });
      await new Promise((resolve) => child.once('spawn', resolve));
      return () => child.kill('SIGKILL');
    },
  }));
}

describe('overlay snapshotter (real mounts)', { skip: !isRoot && 'needs root (mount, mknod)' }, () => {
  const tmp = new TempDirs();
  let root: string;
  let snap: OverlaySnapshotter;
  let busybox: LayerSource[];
  let multi: MultiLayerImage;
  let multiLayers: LayerSource[];

  before(async () => {
    root = await tmp.make('forgeone-fs-it-');
    busybox = await layersOf(await buildBusyboxImage(path.join(root, 'images/busybox')));
    multi = await buildMultiLayerImage(path.join(root, 'images/multi'));
    multiLayers = await layersOf(multi);
    snap = createSnapshotter({ root: path.join(root, 'data') });
  });

  after(async () => {
    // Whatever a failed test left mounted goes first, so the temp dir can be removed.
    for (const m of (await mountsUnder(root)).reverse()) await run('umount', ['-l', m]).catch(() => undefined);
    assert.deepEqual(await mountsUnder(root), [], 'no mount leaked');
    await tmp.cleanup();
  });

  it('prepares busybox, mounts it and runs a shell in it with chroot', async () => {
    const { chainIds } = await snap.prepare(busybox);
    const { rootfs } = await snap.mount('bb', chainIds);
    const info = (await readMountInfo()).find((m) => m.mountPoint === rootfs);
    assert.equal(info?.fsType, 'overlay', 'a single-layer image still gets overlay');
    const { stdout } = await run('chroot', [rootfs, '/bin/sh', '-c', 'echo hi; echo written > /tmp/new']);
    assert.equal(stdout, 'hi\n');
    assert.equal(await fs.readFile(path.join(root, 'data/containers/bb/upper/tmp/new'), 'utf8'), 'written\n');
    assert.ok((await snap.usage('bb')).bytes >= 8);
    await snap.unmount('bb');
    assert.equal(await snap.isMounted('bb'), false);
    assert.ok(!(await readMountInfo()).some((m) => m.mountPoint === rootfs), 'gone from /proc/self/mountinfo');
    await snap.removeContainerLayer('bb');
    await assert.rejects(fs.access(path.join(root, 'data/containers/bb')));
  });

  it('shows the multi-layer image merged: whiteouts, opaque dir, modified file, hard link, symlink', async () => {
    const { chainIds } = await snap.prepare(multiLayers);
    const { rootfs } = await snap.mount('multi', chainIds);
    for (const [file, content] of Object.entries(multi.expectedFiles)) {
      const p = path.join(rootfs, file);
      if (content === null) await assert.rejects(fs.lstat(p), /ENOENT/, `${file} must be absent`);
      else assert.equal(await fs.readFile(p, 'utf8'), content, file);
    }
    for (const [link, target] of Object.entries(multi.expectedSymlinks)) assert.equal(await fs.readlink(path.join(rootfs, link)), target);
    for (const [a, b] of multi.expectedHardlinks) {
      assert.equal((await fs.stat(path.join(rootfs, a))).ino, (await fs.stat(path.join(rootfs, b))).ino, `${a} and ${b}`);
    }
    assert.deepEqual((await fs.readdir(path.join(rootfs, 'opaque'))).sort(), ['new.txt']);
    const { stdout } = await run('chroot', [rootfs, '/bin/sh', '-c', 'ls /data; cat /data/link-to-keep']);
    assert.equal(stdout, 'keep.txt\nlayer3-hardlink\nlayer3.txt\nlink-to-keep\nmodified.txt\nkeep\n');
    // Deleting in the container whiteouts in its upper; the snapshots stay as they were.
    await fs.rm(path.join(rootfs, 'data/keep.txt'));
    const whiteout = await fs.lstat(path.join(root, 'data/containers/multi/upper/data/keep.txt'));
    assert.ok(whiteout.isCharacterDevice() && whiteout.rdev === 0);
    await snap.unmount('multi');
    await snap.removeContainerLayer('multi');
  });

  it('gives each container its own upper over shared snapshots', async () => {
    const { chainIds } = await snap.prepare(busybox);
    const [a, b] = await Promise.all([snap.mount('share-a', chainIds), snap.mount('share-b', chainIds)]);
    await fs.writeFile(path.join(a.rootfs, 'etc/only-a'), 'a');
    await assert.rejects(fs.access(path.join(b.rootfs, 'etc/only-a')));
    for (const id of ['share-a', 'share-b']) {
      await snap.unmount(id);
      await snap.removeContainerLayer(id);
    }
  });

  it('mounts read-only views that refuse writes (overlay for many layers, bind for one)', async () => {
    const multiChain = (await snap.prepare(multiLayers)).chainIds;
    const bbChain = (await snap.prepare(busybox)).chainIds;
    for (const [id, chain, type] of [['ro-multi', multiChain, 'overlay'], ['ro-one', bbChain, 'bind']] as const) {
      const { rootfs } = await snap.mount(id, chain, { readonly: true });
      const info = (await readMountInfo()).filter((m) => m.mountPoint === rootfs).at(-1);
      if (type === 'overlay') assert.equal(info?.fsType, 'overlay');
      await assert.rejects(fs.writeFile(path.join(rootfs, 'etc/x'), 'x'), /EROFS/, id);
      assert.ok((await fs.stat(path.join(rootfs, 'bin/busybox'))).isFile());
      await snap.unmount(id);
      await snap.removeContainerLayer(id);
    }
  });

  it('detaches lazily when the rootfs is busy', async () => {
    const { chainIds } = await snap.prepare(busybox);
    const { rootfs } = await snap.mount('busy', chainIds);
    const child = spawn('sleep', ['30'], { cwd: rootfs, stdio: 'ignore' });
    try {
      await assert.rejects(run('umount', [rootfs]), /busy/, 'the mount is really busy');
      await snap.unmount('busy');
      assert.equal(await snap.isMounted('busy'), false);
    } finally {
      child.kill('SIGKILL');
    }
    await snap.removeContainerLayer('busy');
  });

  it('applies whiteouts and opaque dirs of middle layers through the real overlay', async () => {
    const blobs = path.join(root, 'synthetic');
    const stack: RawEntry[][] = [
      [{ name: 'a/x', content: 'x' }, { name: 'a/y', content: 'y' }, { name: 'd/old', content: 'o' }, { name: 'r/old', content: 'o' }, { name: 'gone/f', content: 'g' }],
      [{ name: 'a/.wh.x', content: '' }, { name: 'd/.wh..wh..opq', content: '' }, { name: 'd/mid', content: 'm' }, { name: '.wh.r', content: '' }, { name: 'r/fresh', content: 'f' }, { name: '.wh.gone', content: '' }],
      [{ name: 'd/top', content: 't' }, { name: 'gone/back', content: 'b' }],
    ];
    const layers: LayerSource[] = [];
    for (const entries of stack) layers.push(await writeLayer(blobs, makeTar(entries)));
    const { chainIds } = await snap.prepare(layers);
    const { rootfs } = await snap.mount('wh', chainIds);
    const ls = async (d: string) => (await fs.readdir(path.join(rootfs, d))).sort();
    assert.deepEqual(await ls('a'), ['y']);
    assert.deepEqual(await ls('d'), ['mid', 'top'], 'opaque in the middle hides the bottom, not the top');
    assert.deepEqual(await ls('r'), ['fresh'], 'whiteout + same-layer dir replaces the lower dir');
    assert.deepEqual(await ls('gone'), ['back'], 'a dir deleted below and re-created above starts empty');
    await snap.unmount('wh');
    await snap.removeContainerLayer('wh');
  });

  it('refuses a later layer that writes through an earlier symlink, and keeps no snapshot of it', async () => {
    const blobs = path.join(root, 'hostile');
    const outside = path.join(root, 'outside');
    await fs.mkdir(outside);
    const layers = [
      await writeLayer(blobs, makeTar([{ name: 'evil', type: 'symlink', linkname: outside }])),
      await writeLayer(blobs, makeTar([{ name: 'evil/pwned', content: 'pwned' }])),
    ];
    await assert.rejects(snap.prepare(layers), code('InvalidArgument'));
    assert.deepEqual(await fs.readdir(outside), []);
    assert.equal((await snap.list()).some((s) => s.diffId === layers[1]!.diffId), false);
  });

  it('mounts an image whose lowerdirs do not fit one page (short links)', async () => {
    const blobs = path.join(root, 'many');
    const layers: LayerSource[] = [];
    for (let i = 0; i < 70; i++) layers.push(await writeLayer(blobs, makeTar([{ name: `layers/${i}`, content: String(i) }])));
    const { chainIds } = await snap.prepare(layers);
    const { rootfs } = await snap.mount('many', chainIds);
    assert.equal((await fs.readdir(path.join(rootfs, 'layers'))).length, 70);
    assert.equal(await fs.readFile(path.join(rootfs, 'layers/0'), 'utf8'), '0');
    await snap.unmount('many');
    await snap.removeContainerLayer('many');
    for (const id of [...chainIds].reverse()) await snap.remove(id);
  });

  it('cleans up: no mounts, no container layers, no snapshots', async () => {
    // Leaves first: a snapshot with a child cannot be removed.
    for (let left = await snap.list(); left.length > 0; left = await snap.list()) {
      const parents = new Set(left.map((s) => s.parent));
      for (const s of left.filter((x) => !parents.has(x.chainId))) await snap.remove(s.chainId);
    }
    assert.deepEqual((await fs.readdir(path.join(root, 'data/snapshots'))).filter((n) => n !== 'l'), []);
    assert.deepEqual(await fs.readdir(path.join(root, 'data/containers')), []);
    assert.deepEqual(await mountsUnder(root), []);
  });
});
