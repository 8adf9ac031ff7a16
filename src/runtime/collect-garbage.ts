/**
 * Garbage collection of the content store, by reference: a blob survives when an image record
 * lists it or an operation in progress holds a lease on it. Never by guess (age, name).
 */
import type { Digest } from '../util/digest';
import type { RuntimeContext } from './context';

export interface GarbageReport {
  removed: Digest[];
  bytes: number;
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
    return { removed, bytes };
  });
}
