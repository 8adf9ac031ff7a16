/** Builds the API's image shapes (Docker's field names) from records and stored configs. */
import type { ImageInspect, ImageSummary } from '../config/api-types';
import { familiarString, parseReference } from '../registry/reference';
import { parseImageConfig, parseManifest } from '../registry/manifest';
import type { ImageRecord } from '../state/types';
import type { RuntimeContext } from './context';

export function familiarNames(names: string[]): string[] {
  return names.map((n) => familiarString(parseReference(n)));
}

function familiarRepoDigest(repoDigest: string): string {
  try {
    return familiarString(parseReference(repoDigest));
  } catch {
    return repoDigest;
  }
}

export function imageSummary(image: ImageRecord): ImageSummary {
  return {
    Id: image.configDigest,
    Digest: image.digest,
    RepoTags: familiarNames(image.names),
    RepoDigests: image.repoDigests.map(familiarRepoDigest),
    Created: image.created ? Math.floor(new Date(image.created).getTime() / 1000) || 0 : 0,
    Size: image.size,
    Platform: image.platform,
    Containers: 0,
  };
}

export async function imageInspect(rt: RuntimeContext, image: ImageRecord): Promise<ImageInspect> {
  const manifest = parseManifest(await rt.store.read(image.digest), image.mediaType);
  const config = parseImageConfig(await rt.store.read(image.configDigest));
  return {
    Id: image.configDigest,
    RepoTags: familiarNames(image.names),
    RepoDigests: image.repoDigests.map(familiarRepoDigest),
    Created: config.created ?? new Date(0).toISOString(),
    Author: config.author ?? '',
    Architecture: config.architecture,
    Os: config.os,
    ...(config.variant ? { Variant: config.variant } : {}),
    Size: image.size,
    Config: (config.config ?? {}) as Record<string, unknown>,
    RootFS: { Type: config.rootfs.type, Layers: config.rootfs.diff_ids },
    Metadata: { LastTagTime: new Date(image.addedAt).toISOString() },
    Descriptor: { mediaType: image.mediaType, digest: image.digest, size: image.manifestSize },
    Manifest: { layers: manifest.layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })) },
    History: (config.history ?? []) as Array<Record<string, unknown>>,
  };
}
