/**
 * `system df`: space used by images (blobs shared between images counted once), containers and
 * volumes, and what a prune would reclaim.
 */
import type { DiskUsage } from '../config/api-types';
import type { Digest } from '../util/digest';
import type { RuntimeContext } from './context';
import { imageSummary } from './image-views';

export async function diskUsage(rt: RuntimeContext): Promise<DiskUsage> {
  const images = rt.images.list();
  const blobs = await rt.store.list();
  const sizeOf = new Map<Digest, number>(blobs.map((b) => [b.digest, b.size]));
  const users = new Map<Digest, number>();
  for (const image of images) for (const d of new Set(image.blobs)) users.set(d, (users.get(d) ?? 0) + 1);

  let total = 0;
  for (const [d] of users) total += sizeOf.get(d) ?? 0;
  const detail = images.map((image) => {
    let shared = 0;
    let unique = 0;
    for (const d of new Set(image.blobs)) {
      const size = sizeOf.get(d) ?? 0;
      if ((users.get(d) ?? 0) > 1) shared += size;
      else unique += size;
    }
    return { ...imageSummary(image), SharedSize: shared, UniqueSize: unique };
  });
  // No container uses an image yet, so all of it is reclaimable; the engine issue narrows this.
  const active = 0;
  const storeSize = blobs.reduce((n, b) => n + b.size, 0);
  return {
    Images: { Count: images.length, Active: active, Size: total, Reclaimable: total },
    Containers: { Count: 0, Active: 0, Size: 0, Reclaimable: 0 },
    Volumes: { Count: 0, Active: 0, Size: 0, Reclaimable: 0 },
    ContentStore: { Blobs: blobs.length, Size: storeSize },
    ImagesDetail: detail,
  };
}
