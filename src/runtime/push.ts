/** `push`: upload a named image to its registry, mounting blobs the registry already holds. */
import { ForgeError } from '../errors';
import type { PushResult } from '../config/api-types';
import { familiarString, formatReference, parseTaggedReference, repositoryName } from '../registry/reference';
import { pushImage } from '../registry/push/pusher';
import type { DecodedRegistryAuth } from '../registry/auth/docker-config';
import { credentialsFor } from './registry-auth';
import type { ProgressSink } from '../util/progress';
import type { RuntimeContext } from './context';

export interface PushOptions {
  /** Credentials from the request (X-Registry-Auth); used only for the registry they name. */
  auth?: DecodedRegistryAuth;
  onProgress: ProgressSink;
}

export async function push(rt: RuntimeContext, input: string, options: PushOptions): Promise<PushResult> {
  const ref = parseTaggedReference(input);
  const name = formatReference(ref);
  const image = rt.images.byName(name);
  if (!image) {
    throw new ForgeError('NotFound', `An image does not exist locally with the tag: ${familiarString(ref)}`, {
      hint: `tag an image first: forgeone tag IMAGE ${familiarString(ref)}`,
    });
  }
  options.onProgress({ status: `The push refers to repository [${repositoryName(ref)}]` });
  const release = rt.store.lease(image.blobs);
  try {
    const pushed = await pushImage({
      client: rt.distribution(ref.domain, credentialsFor(options.auth, ref.domain)),
      store: rt.store,
      ref,
      manifest: { mediaType: image.mediaType, digest: image.digest, size: image.manifestSize },
      mountSources: (digest) => rt.blobSources.repositoriesWith(digest, ref.domain),
      concurrency: rt.config['max-concurrent-uploads'],
      blobAttempts: Math.min(rt.config['registry-retries'], 3),
      retryDelayMs: rt.config['registry-retry-delay-ms'],
      onProgress: options.onProgress,
    });
    for (const blob of pushed.blobs) rt.blobSources.record(blob, ref.domain, ref.path);
    rt.images.save(
      { ...image },
      [],
      [`${repositoryName(ref)}@${pushed.digest}`],
    );
    rt.events.publish('/images/push', name, { id: image.configDigest, digest: pushed.digest });
    return { reference: name, digest: pushed.digest, size: pushed.size };
  } finally {
    release();
  }
}
