/**
 * Keeps the content store's index.json equal to the image names in the database, so OCI tools
 * (skopeo, umoci) see every named image. The database is the source of truth; index.json is
 * rewritten from it, atomically, after every change and at start-up.
 */
import type { RuntimeContext } from './context';

export function syncIndex(rt: RuntimeContext): Promise<void> {
  return rt.storeMutex.run(async () => {
    const entries = rt.images.allNames().map((n) => ({
      name: n.name,
      descriptor: { mediaType: n.mediaType, digest: n.digest, size: n.size },
    }));
    await rt.store.writeIndex(entries);
  });
}
