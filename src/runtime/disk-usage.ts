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
  const used = rt.containers.countByImage();
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
    return { ...imageSummary(image), Containers: used.get(image.digest) ?? 0, SharedSize: shared, UniqueSize: unique };
  });
  const active = images.filter((i) => used.has(i.digest)).length;
  // Reclaimable: blobs that no image in use by a container needs.
  const keep = new Set<Digest>(images.filter((i) => used.has(i.digest)).flatMap((i) => i.blobs));
  let reclaimable = 0;
  for (const [d] of users) if (!keep.has(d)) reclaimable += sizeOf.get(d) ?? 0;
  const storeSize = blobs.reduce((n, b) => n + b.size, 0);
  const states = rt.containers.allStates();
  const running = states.filter((s) => ['running', 'paused', 'restarting'].includes(s.status)).length;
  let containerBytes = 0;
  let stoppedBytes = 0;
  for (const s of states) {
    const bytes = await rt.snapshotter.usage(s.id).then((u) => u.bytes).catch(() => 0);
    containerBytes += bytes;
    if (!['running', 'paused', 'restarting'].includes(s.status)) stoppedBytes += bytes;
  }
  const volumes = await rt.volumes.list();
  let volumeBytes = 0;
  for (const v of volumes) volumeBytes += await rt.volumes.usage(v.name).then((u) => u.bytes).catch(() => 0);
  return {
    Images: { Count: images.length, Active: active, Size: total, Reclaimable: reclaimable },
    Containers: { Count: states.length, Active: running, Size: containerBytes, Reclaimable: stoppedBytes },
    Volumes: { Count: volumes.length, Active: 0, Size: volumeBytes, Reclaimable: 0 },
    ContentStore: { Blobs: blobs.length, Size: storeSize },
    ImagesDetail: detail,
  };
}
