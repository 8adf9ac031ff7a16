/** `load`: import images from a docker-archive or oci-archive tar stream and record them. */
import type { Readable } from 'node:stream';
import type { LoadResult } from '../config/api-types';
import { importArchive } from '../registry/archive/import';
import { parseImageConfig, parseManifest } from '../registry/manifest';
import type { Digest } from '../util/digest';
import type { ProgressSink } from '../util/progress';
import type { RuntimeContext } from './context';
import { familiarNames } from './image-views';
import { imageRecordOf } from './record-image';
import { syncIndex } from './sync-index';

export async function loadImages(rt: RuntimeContext, input: Readable, onProgress: ProgressSink): Promise<LoadResult> {
  const result = await importArchive(rt.store, input, { platform: rt.hostPlatform });
  try {
    const loaded: LoadResult['images'] = [];
    for (const image of result.images) {
      const manifestDigest = image.manifest.digest as Digest;
      const manifest = parseManifest(await rt.store.read(manifestDigest), image.manifest.mediaType);
      const config = parseImageConfig(await rt.store.read(image.config));
      const record = imageRecordOf({
        manifestDigest,
        manifestMediaType: image.manifest.mediaType,
        manifestSize: image.manifest.size,
        manifest,
        config,
      });
      rt.images.save(record, image.names, []);
      rt.events.publish('/images/load', image.names[0] ?? record.configDigest, { id: record.configDigest });
      for (const name of familiarNames(image.names)) onProgress({ status: `Loaded image: ${name}` });
      if (image.names.length === 0) onProgress({ status: `Loaded image ID: ${record.configDigest}` });
      loaded.push({ id: record.configDigest, names: familiarNames(image.names) });
    }
    await syncIndex(rt);
    return { images: loaded };
  } finally {
    result.release();
  }
}
