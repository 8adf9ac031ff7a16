/** The layers of a stored image, as the snapshotter wants them (blob paths from the store). */
import { ForgeError } from '../../errors';
import type { ImageConfig } from '../../config/oci-image';
import type { LayerSource } from '../../fs/types';
import { parseImageConfig, parseManifest } from '../../registry/manifest';
import type { ImageRecord } from '../../state/types';
import type { Digest } from '../../util/digest';
import type { RuntimeContext } from '../context';

export interface ImageForContainer {
  config: ImageConfig;
  layers: LayerSource[];
}

export async function imageForContainer(rt: RuntimeContext, image: ImageRecord): Promise<ImageForContainer> {
  const manifest = parseManifest(await rt.store.read(image.digest), image.mediaType);
  const config = parseImageConfig(await rt.store.read(image.configDigest));
  if (config.rootfs.diff_ids.length !== manifest.layers.length) {
    throw new ForgeError('InvalidArgument', `image ${image.configDigest}: ${manifest.layers.length} layers but ${config.rootfs.diff_ids.length} diff IDs`);
  }
  const layers = manifest.layers.map((l, i) => ({
    digest: l.digest as Digest,
    mediaType: l.mediaType,
    diffId: config.rootfs.diff_ids[i] as Digest,
    path: rt.store.path(l.digest as Digest),
    size: l.size,
  }));
  return { config, layers };
}
