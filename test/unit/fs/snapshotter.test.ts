/**
 * The overlay snapshotter's logic with a recording mounter: snapshots keyed by chain ID, unpacked
 * once, verified, crash-safe; container layers and their mounts; removal rules. Real unpacking
 * (as root), fake mounts: test/integration/fs-overlay.test.ts mounts for real.
 */
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../../src/errors';
import { chainIds } from '../../../src/fs/chain-id';
import { LinuxSpecialFiles } from '../../../src/fs/linux/special-files';
import { OverlaySnapshotter } from '../../../src/fs/snapshots/overlay/overlay-snapshotter';
import { RecordingMounter } from '../../../src/fs/testing/recording-mounter';
import type { LayerSource, SpecialFiles } from '../../../src/fs/types';
import type { ProgressEvent } from '../../../src/util/progress';
import { makeTempDir, removeDir } from '../../fixtures/tmp';
import { isRoot, makeTar, sha256, writeLayer } from './helpers/tar';

/** Counts syncFs calls: with `durable`, one per layer actually unpacked. */
class CountingSpecialFiles extends LinuxSpecialFiles implements SpecialFiles {
  unpacked = 0;
  override async syncFs(p: string): Promise<void> {
    this.unpacked++;
    await super.syncFs(p);
  }
}

const code = (c: string) => (err: unknown) => err instanceof ForgeError && err.code === c;

describe('overlay snapshotter', { skip: !isRoot && 'needs root (unpacking sets owners)' }, () => {
  let dir: string;
  let mounter: RecordingMounter;
  let special: CountingSpecialFiles;
  let snap: OverlaySnapshotter;
  let layers: LayerSource[];

  const make = () =>
    new OverlaySnapshotter({
      snapshotsDir: path.join(dir, 'snapshots'),
      containersDir: path.join(dir, 'containers'),
      mounter,
      special,
      durable: true,
    });

  beforeEach(async () => {
    dir = await makeTempDir('forgeone-snap-');
    mounter = new RecordingMounter();
    special = new CountingSpecialFiles();
    snap = make();
    const blobs = path.join(dir, 'blobs');
    layers = [
      await writeLayer(blobs, makeTar([{ name: 'etc', type: 'dir' }, { name: 'etc/base', content: 'base' }])),
      await writeLayer(blobs, makeTar([{ name: 'etc/.wh.base', content: '' }, { name: 'etc/mid', content: 'mid' }])),
      await writeLayer(blobs, makeTar([{ name: 'top', content: 'x'.repeat(1000) }])),
    ];
  });
  afterEach(() => removeDir(dir));

  it('unpacks each layer into snapshots/<chainId>/fs and records it', async () => {
    const events: ProgressEvent[] = [];
    const prepared = await snap.prepare(layers, { onProgress: (e) => events.push(e) });
    const ids = chainIds(layers.map((l) => l.diffId));
    assert.deepEqual(prepared, { chainIds: ids, topChainId: ids[2] });
    assert.equal(await fs.readFile(path.join(dir, 'snapshots', ids[0]!.slice(7), 'fs/etc/base'), 'utf8'), 'base');
    const list = (await snap.list()).sort((a, b) => ids.indexOf(a.chainId) - ids.indexOf(b.chainId));
    assert.deepEqual(list.map((s) => [s.chainId, s.parent, s.diffId, s.digest]), ids.map((c, i) => [c, ids[i - 1], layers[i]!.diffId, layers[i]!.digest]));
    assert.deepEqual(events.filter((e) => e.status !== 'Extracting').map((e) => e.status), ['Pull complete', 'Pull complete', 'Pull complete']);
    assert.ok(events.some((e) => e.status === 'Extracting' && e.progressDetail?.total === layers[0]!.size));
    events.length = 0;
    await snap.prepare(layers, { onProgress: (e) => events.push(e) });
    assert.deepEqual(events.map((e) => e.status), ['Already exists', 'Already exists', 'Already exists']);
    assert.equal(special.unpacked, 3);
  });

  it('unpacks a layer once when prepares of the same image (or a shared base) run at once', async () => {
    const other = await writeLayer(path.join(dir, 'blobs'), makeTar([{ name: 'other', content: 'o' }]));
    await Promise.all([snap.prepare(layers), snap.prepare(layers), snap.prepare(layers.slice(0, 1)), snap.prepare([layers[0]!, other])]);
    assert.equal(special.unpacked, 4);
    assert.equal((await snap.list()).length, 4);
  });

  it('refuses a diffID mismatch and leaves nothing behind', async () => {
    const wrong = { ...layers[0]!, diffId: sha256(Buffer.from('not it')) };
    await assert.rejects(snap.prepare([wrong]), code('InvalidArgument'));
    assert.deepEqual(await fs.readdir(path.join(dir, 'snapshots')), []);
  });

  it('reuses a snapshot only on the same parents (chain ID, not diffID)', async () => {
    await snap.prepare(layers);
    await snap.prepare([layers[2]!]);
    assert.equal(special.unpacked, 4);
  });

  it('cleans what a crash left: scratch dirs and a chain-ID dir without a record', async () => {
    const ids = chainIds(layers.map((l) => l.diffId));
    await fs.mkdir(path.join(dir, 'snapshots', '.tmp-abc-123', 'fs'), { recursive: true });
    await fs.mkdir(path.join(dir, 'snapshots', '.rm-abc-123', 'fs'), { recursive: true });
    await fs.mkdir(path.join(dir, 'snapshots', ids[0]!.slice(7), 'fs'), { recursive: true });
    await fs.writeFile(path.join(dir, 'snapshots', ids[0]!.slice(7), 'fs', 'half'), '');
    const fresh = make();
    assert.deepEqual(await fresh.list(), [], 'a dir without its record is not a snapshot');
    await fresh.prepare(layers.slice(0, 1));
    assert.deepEqual((await fs.readdir(path.join(dir, 'snapshots'))).sort(), [ids[0]!.slice(7)]);
    assert.ok(!existsSync(path.join(dir, 'snapshots', ids[0]!.slice(7), 'fs', 'half')));
  });

  it('mounts overlay: lowers top first, its own upper and work, a record; idempotent', async () => {
    const { chainIds: ids } = await snap.prepare(layers);
    const { rootfs } = await snap.mount('c1', ids);
    const c = path.join(dir, 'containers', 'c1');
    assert.equal(rootfs, path.join(c, 'rootfs'));
    const spec = mounter.mountAt(rootfs)!;
    const fsDir = (id: string) => path.join(dir, 'snapshots', id.slice(7), 'fs');
    assert.deepEqual(spec.options, [`lowerdir=${[...ids].reverse().map(fsDir).join(':')}`, `upperdir=${c}/upper`, `workdir=${c}/work`, 'index=off']);
    for (const d of ['upper', 'work', 'rootfs']) assert.ok((await fs.stat(path.join(c, d))).isDirectory());
    assert.deepEqual(JSON.parse(await fs.readFile(path.join(c, 'layer.json'), 'utf8')), { chain: ids, readonly: false });
    assert.ok(await snap.isMounted('c1'));
    await snap.mount('c1', ids);
    assert.equal(mounter.calls.length, 1, 'a second mount with the same chain is a no-op');
    await assert.rejects(snap.mount('c1', ids.slice(0, 1)), code('FailedPrecondition'));
  });

  it('mounts read-only without an upper (a bind mount for one layer)', async () => {
    const { chainIds: ids } = await snap.prepare(layers);
    await snap.mount('ro1', ids.slice(0, 1), { readonly: true });
    assert.equal(mounter.mountAt(path.join(dir, 'containers/ro1/rootfs'))!.type, 'bind');
    await snap.mount('ro3', ids, { readonly: true });
    assert.ok(mounter.mountAt(path.join(dir, 'containers/ro3/rootfs'))!.options.includes('ro'));
    assert.ok(!existsSync(path.join(dir, 'containers/ro3/upper')));
  });

  it('refuses to mount a missing snapshot or a bad container ID', async () => {
    const { chainIds: ids } = await snap.prepare(layers.slice(0, 1));
    await assert.rejects(snap.mount('c1', [...ids, sha256(Buffer.from('nope'))]), code('NotFound'));
    for (const bad of ['../x', 'a/b', '', '.hidden']) await assert.rejects(snap.mount(bad, ids), code('InvalidArgument'));
  });

  it('names lowers by short links when absolute paths would overflow the mount data', async () => {
    const many: LayerSource[] = [];
    for (let i = 0; i < 60; i++) many.push(await writeLayer(path.join(dir, 'blobs'), makeTar([{ name: `f${i}`, content: String(i) }])));
    const { chainIds: ids } = await snap.prepare(many);
    const spec = mounter.mountAt((await snap.mount('big', ids)).rootfs)!;
    assert.equal(spec.cwd, path.join(dir, 'snapshots'));
    const short = spec.options[0]!.slice('lowerdir='.length).split(':');
    assert.equal(short.length, 60);
    assert.equal(await fs.realpath(path.join(spec.cwd!, short[0]!)), path.join(dir, 'snapshots', ids[59]!.slice(7), 'fs'));
  });

  it('unmounts idempotently, detaching lazily when busy', async () => {
    const { chainIds: ids } = await snap.prepare(layers);
    const { rootfs } = await snap.mount('c1', ids);
    mounter.busy.add(rootfs);
    await snap.unmount('c1');
    assert.deepEqual(mounter.calls.slice(1).map((c) => c.op === 'unmount' && c.detach), [false, true]);
    assert.equal(await snap.isMounted('c1'), false);
    await snap.unmount('c1');
    await snap.unmount('never-mounted');
  });

  it('removes a container layer only when unmounted, keeping the runtime\'s files', async () => {
    const { chainIds: ids } = await snap.prepare(layers);
    await snap.mount('c1', ids);
    await fs.writeFile(path.join(dir, 'containers/c1/upper/written'), 'abcdef');
    assert.deepEqual(await snap.usage('c1'), { bytes: 6, inodes: 1 });
    await fs.writeFile(path.join(dir, 'containers/c1/config.json'), '{}');
    await assert.rejects(snap.removeContainerLayer('c1'), code('FailedPrecondition'));
    await snap.unmount('c1');
    await snap.removeContainerLayer('c1');
    assert.deepEqual(await fs.readdir(path.join(dir, 'containers/c1')), ['config.json']);
    await assert.rejects(snap.usage('c1'), code('NotFound'));
    await snap.removeContainerLayer('c1');
  });

  it('removes snapshots top down, never one in use, a parent, or one being prepared', async () => {
    const { chainIds: ids } = await snap.prepare(layers);
    await snap.mount('c1', ids);
    await snap.unmount('c1');
    await assert.rejects(snap.remove(ids[2]!), code('FailedPrecondition'), 'a container layer still records it');
    await snap.removeContainerLayer('c1');
    await assert.rejects(snap.remove(ids[0]!), code('FailedPrecondition'), 'it has a child');
    const preparing = snap.prepare(layers);
    await assert.rejects(snap.remove(ids[2]!), code('FailedPrecondition'), 'being prepared');
    await preparing;
    for (const id of [...ids].reverse()) await snap.remove(id);
    await assert.rejects(snap.remove(ids[0]!), code('NotFound'));
    assert.deepEqual(await snap.list(), []);
    assert.deepEqual((await fs.readdir(path.join(dir, 'snapshots'))).filter((n) => n !== 'l'), []);
  });

  it('refuses an image without layers', async () => {
    await assert.rejects(snap.prepare([]), code('InvalidArgument'));
  });
});
