/** `save`: write images (by name or ID) to a tar stream, as docker-archive or oci-archive. */
import type { Writable } from 'node:stream';
import { ForgeError } from '../errors';
import type { ArchiveFormat, ArchiveImage } from '../registry/archive/types';
import { exportDockerArchive } from '../registry/archive/docker-archive';
import { exportOciArchive } from '../registry/archive/oci-archive';
import { formatReference } from '../registry/reference';
import type { RuntimeContext } from './context';
import { findImage } from './find-image';

/** Resolves every input before any byte is written, so a bad name fails with a clean error. */
export function resolveSaveSet(rt: RuntimeContext, inputs: string[]): ArchiveImage[] {
  if (inputs.length === 0) throw new ForgeError('InvalidArgument', 'name at least one image to save');
  const byDigest = new Map<string, ArchiveImage>();
  for (const input of inputs) {
    const { image, ref, by } = findImage(rt, input);
    const entry = byDigest.get(image.digest) ?? {
      names: [],
      manifest: { mediaType: image.mediaType, digest: image.digest, size: image.manifestSize },
    };
    const names = by === 'name' && ref ? [formatReference(ref)] : by === 'id' ? image.names : [];
    for (const n of names) if (!entry.names.includes(n)) entry.names.push(n);
    byDigest.set(image.digest, entry);
  }
  return [...byDigest.values()];
}

export async function saveImages(rt: RuntimeContext, images: ArchiveImage[], format: ArchiveFormat, out: Writable): Promise<void> {
  const release = rt.store.lease(images.flatMap((i) => rt.images.get(i.manifest.digest as never)?.blobs ?? []));
  try {
    if (format === 'oci-archive') await exportOciArchive(rt.store, images, out);
    else await exportDockerArchive(rt.store, images, out);
    rt.events.publish('/images/save', images.flatMap((i) => i.names).join(',') || 'images', { format });
  } finally {
    release();
  }
}
