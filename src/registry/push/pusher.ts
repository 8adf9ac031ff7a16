/**
 * Pushes one image from the content store to a registry: each blob is skipped when the
 * repository has it, mounted when the same registry holds it in another repository, or
 * uploaded; the manifest goes last, so the registry never serves a manifest with missing blobs.
 */
import { ForgeError } from '../../errors';
import type { Descriptor } from '../../config/oci-image';
import { Limiter } from '../../util/concurrency';
import { shortId, type Digest } from '../../util/digest';
import type { ProgressSink } from '../../util/progress';
import { retry } from '../../util/retry';
import { detectMediaType, parseManifest } from '../manifest';
import type { ImageReference } from '../reference';
import type { ContentStore, DistributionClient } from '../types';
import { isTransientError } from '../pull/transient';

export interface PushImageOptions {
  client: DistributionClient;
  store: ContentStore;
  /** Target reference; must carry a tag. */
  ref: ImageReference & { tag: string };
  manifest: Descriptor;
  /** Other repositories of the target registry known to hold a blob (for cross-repo mount). */
  mountSources?: (digest: Digest) => string[];
  /** Blobs uploaded at once. Default 3. */
  concurrency?: number;
  blobAttempts?: number;
  retryDelayMs?: number;
  onProgress: ProgressSink;
}

export interface PushedImage {
  digest: Digest;
  size: number;
  /** Blobs now known to be in the target repository. */
  blobs: Digest[];
}

export async function pushImage(options: PushImageOptions): Promise<PushedImage> {
  const { client, store, ref, onProgress } = options;
  const manifestDigest = options.manifest.digest as Digest;
  const bytes = await store.read(manifestDigest);
  const mediaType = detectMediaType(bytes, options.manifest.mediaType);
  const manifest = parseManifest(bytes, mediaType);
  const blobs: Descriptor[] = [...manifest.layers, manifest.config];
  const limiter = new Limiter(options.concurrency ?? 3);

  await Promise.all(
    blobs.map((blob) =>
      limiter.run(async () => {
        const digest = blob.digest as Digest;
        const id = shortId(digest);
        const isConfig = blob === manifest.config;
        if (!isConfig) onProgress({ id, status: 'Preparing' });
        if (await client.hasBlob(ref, digest)) {
          if (!isConfig) onProgress({ id, status: 'Layer already exists' });
          return;
        }
        for (const from of options.mountSources?.(digest) ?? []) {
          if (from === ref.path) continue;
          if (await client.mountBlob(ref, digest, from)) {
            if (!isConfig) onProgress({ id, status: `Mounted from ${from}` });
            return;
          }
        }
        const info = await store.stat(digest);
        if (!info) {
          throw new ForgeError('FailedPrecondition', `blob ${digest} of the image is missing from the content store`, {
            hint: 'pull the image again',
          });
        }
        await retry(
          () =>
            client.uploadBlob(
              ref,
              { descriptor: info, open: () => store.open(digest) },
              isConfig ? undefined : (current) => onProgress({ id, status: 'Pushing', progressDetail: { current, total: info.size } }),
            ),
          { attempts: options.blobAttempts ?? 3, baseDelayMs: options.retryDelayMs ?? 250, isTransient: isTransientError },
        );
        if (!isConfig) onProgress({ id, status: 'Pushed' });
      }),
    ),
  );
  const digest = await client.putManifest(ref, ref.tag, mediaType, bytes);
  onProgress({ status: `${ref.tag}: digest: ${digest} size: ${bytes.length}` });
  return { digest, size: bytes.length, blobs: blobs.map((b) => b.digest as Digest) };
}
