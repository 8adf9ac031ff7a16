/** Turns an image that is complete in the content store into its database record. */
import type { ImageConfig, ImageManifest } from '../config/oci-image';
import { platformString } from '../registry/manifest';
import type { NewImage } from '../state/types';
import type { Digest } from '../util/digest';

export interface CompleteImage {
  manifestDigest: Digest;
  manifestMediaType: string;
  manifestSize: number;
  manifest: ImageManifest;
  config: ImageConfig;
  indexDigest?: Digest | undefined;
}

export function imageRecordOf(image: CompleteImage): NewImage {
  const layers = image.manifest.layers.map((l) => l.digest as Digest);
  const config = image.manifest.config.digest as Digest;
  return {
    digest: image.manifestDigest,
    mediaType: image.manifestMediaType,
    manifestSize: image.manifestSize,
    configDigest: config,
    indexDigest: image.indexDigest,
    platform: platformString(image.config),
    created: image.config.created,
    size: image.manifest.config.size + image.manifest.layers.reduce((n, l) => n + l.size, 0),
    blobs: [...new Set([...(image.indexDigest ? [image.indexDigest] : []), image.manifestDigest, config, ...layers])],
  };
}
