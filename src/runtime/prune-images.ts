/** `image prune`: remove images with no name (or, with `all`, every image no container uses). */
import type { PruneResult } from '../config/api-types';
import { familiarNames } from './image-views';
import type { RuntimeContext } from './context';
import { deleteRecords } from './remove-image';
import { syncIndex } from './sync-index';
import { collectGarbage } from './collect-garbage';

export async function pruneImages(rt: RuntimeContext, options: { all?: boolean } = {}): Promise<PruneResult> {
  const used = rt.containers.countByImage();
  const victims = rt.images.list().filter((i) => (options.all || i.names.length === 0) && !used.has(i.digest));
  const deleted: PruneResult['ImagesDeleted'] = [];
  for (const image of victims) {
    for (const name of familiarNames(image.names)) deleted.push({ Untagged: name });
  }
  deleted.push(...deleteRecords(rt, victims));
  await syncIndex(rt);
  const gc = await collectGarbage(rt);
  rt.events.publish('/images/prune', 'images', { reclaimed: String(gc.bytes) });
  return { ImagesDeleted: deleted, SpaceReclaimed: gc.bytes };
}
