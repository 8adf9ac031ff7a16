/**
 * Garbage collection of the content store, by reference: a blob survives when an image record
 * lists it or an operation in progress holds a lease on it. Never by guess (age, name).
 * Then of snapshots: one survives when it is in the layer chain of a stored image; the
 * snapshotter itself refuses to remove one a container layer uses or a prepare is making.
 */
import { ForgeError } from '../errors';
import { chainIds } from '../fs/chain-id';
import { parseImageConfig } from '../registry/manifest';
import type { Digest } from '../util/digest';
import type { RuntimeContext } from './context';

export interface GarbageReport {
  removed: Digest[];
  bytes: number;
  /** Snapshots removed. */
  snapshots?: number;
}

export function collectGarbage(rt: RuntimeContext): Promise<GarbageReport> {
  return rt.storeMutex.run(async () => {
    const keep = rt.images.referencedBlobs();
    for (const d of rt.store.leased()) keep.add(d);
    const removed: Digest[] = [];
    let bytes = 0;
    for (const blob of await rt.store.list()) {
      if (keep.has(blob.digest)) continue;
      await rt.store.delete(blob.digest);
      removed.push(blob.digest);
      bytes += blob.size;
    }
    if (removed.length > 0) {
      rt.blobSources.forget(removed);
      rt.logger.info('garbage collected blobs', { count: removed.length, bytes });
    }
    const snapshots = await collectSnapshots(rt);
    return { removed, bytes, ...(snapshots > 0 ? { snapshots } : {}) };
  });
}

/** Removes snapshots no stored image's chain holds, top layers first (a parent goes after its children). */
async function collectSnapshots(rt: RuntimeContext): Promise<number> {
  const keep = new Set<string>();
  for (const image of rt.images.list()) {
    const config = await rt.store.read(image.configDigest).then(parseImageConfig, () => undefined);
    if (!config) continue;
    try {
      for (const id of chainIds(config.rootfs.diff_ids)) keep.add(id);
    } catch {
      // A WASM artifact's config may list no tar layers: nothing of it is a snapshot.
    }
  }
  let candidates = (await rt.snapshotter.list()).filter((s) => !keep.has(s.chainId));
  let removed = 0;
  for (let round = 0; candidates.length > 0 && round < 64; round++) {
    const parents = new Set(candidates.map((s) => s.parent).filter((p): p is Digest => p !== undefined));
    const leaves = candidates.filter((s) => !parents.has(s.chainId));
    if (leaves.length === 0) break;
    for (const s of leaves) {
      try {
        await rt.snapshotter.remove(s.chainId);
        removed++;
      } catch (err) {
        // In use by a container layer, being prepared, or under a kept snapshot: it stays.
        if (!(err instanceof ForgeError) || (err.code !== 'FailedPrecondition' && err.code !== 'NotFound')) throw err;
      }
    }
    const gone = new Set(leaves.map((s) => s.chainId));
    candidates = candidates.filter((s) => !gone.has(s.chainId));
  }
  if (removed > 0) rt.logger.info('garbage collected snapshots', { count: removed });
  return removed;
}
