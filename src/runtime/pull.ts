/**
 * `pull`: fetch an image into the store and record it. The reference is parsed before any I/O.
 * With the registry unreachable, a name already in the store is served from it (offline cache).
 * Two pulls of one reference at once share the work.
 */
import type { PullResult } from '../config/api-types';
import { familiarString, formatReference, parseReference, repositoryName } from '../registry/reference';
import { parsePlatform } from '../registry/platform';
import { platformString } from '../registry/manifest';
import { pullImage } from '../registry/pull/puller';
import { isTransientError } from '../registry/pull/transient';
import type { DecodedRegistryAuth } from '../registry/auth/docker-config';
import { credentialsFor } from './registry-auth';
import type { ProgressSink } from '../util/progress';
import type { Digest } from '../util/digest';
import type { RuntimeContext } from './context';
import { imageRecordOf } from './record-image';
import { syncIndex } from './sync-index';
import { collectGarbage } from './collect-garbage';
import { PullUnpacker } from './unpack-on-pull';

export interface PullOptions {
  /** `os/arch[/variant]`; default the host's platform. */
  platform?: string;
  /** Credentials from the request (X-Registry-Auth); used only for the registry they name. */
  auth?: DecodedRegistryAuth;
  onProgress: ProgressSink;
  signal?: AbortSignal;
}

export async function pull(rt: RuntimeContext, input: string, options: PullOptions): Promise<PullResult> {
  const ref = parseReference(input);
  const platform = options.platform ? parsePlatform(options.platform) : rt.hostPlatform;
  const name = formatReference(ref);
  const repository = repositoryName(ref);

  // A digest names immutable content: when we have it, there is nothing to ask the registry.
  if (ref.digest) {
    const local = rt.images.byRepoDigest(repository, ref.digest);
    if (local) {
      options.onProgress({ status: `Digest: ${ref.digest}` });
      options.onProgress({ status: `Status: Image is up to date for ${familiarString(ref)}` });
      rt.metrics.imagePull('up-to-date', 0); // metrics (issue 6)
      return { reference: name, id: local.configDigest, digest: local.digest, repoDigest: `${repository}@${ref.digest}`, outcome: 'up-to-date' };
    }
  }

  const key = `${name}|${platformString(platform)}`;
  if (rt.pulls.has(key)) options.onProgress({ status: `Waiting for another pull of ${familiarString(ref)} to finish` });
  return rt.pulls.do(key, async (): Promise<PullResult> => {
    options.onProgress({ status: ref.tag ? `${ref.tag}: Pulling from ${ref.path}` : `Pulling from ${ref.path}` });
    let pulled;
    const unpacker = new PullUnpacker(rt, options.onProgress);
    try {
      pulled = await pullImage({
        client: rt.distribution(ref.domain, credentialsFor(options.auth, ref.domain)),
        store: rt.store,
        ref,
        platform,
        concurrency: rt.config['max-concurrent-downloads'],
        blobAttempts: Math.min(rt.config['registry-retries'], 3),
        retryDelayMs: rt.config['registry-retry-delay-ms'],
        onProgress: unpacker.progress,
        layers: unpacker.layers,
        unpacks: true,
        ...(options.signal ? { signal: options.signal } : {}),
      });
    } catch (err) {
      // Blobs committed before the failure (the config, finished layers) belong to no image:
      // collect them now, as start-up recovery would after a crash. Leased blobs of other pulls stay.
      await collectGarbage(rt).catch((gcErr: unknown) => rt.logger.warn('garbage collection after a failed pull failed', { error: (gcErr as Error).message }));
      const local = ref.tag ? rt.images.byName(name) : undefined;
      if (local && isTransientError(err)) {
        rt.metrics.imagePull('offline', 0); // metrics (issue 6)
        options.onProgress({ status: `Registry ${ref.domain} is unreachable (${(err as Error).message}); using the image in the local store` });
        options.onProgress({ status: `Status: Image is up to date for ${familiarString(ref)} (offline)` });
        const repoDigest = local.repoDigests.find((d) => d.startsWith(`${repository}@`)) ?? `${repository}@${local.digest}`;
        return { reference: name, id: local.configDigest, digest: local.digest, repoDigest, outcome: 'offline' } satisfies PullResult;
      }
      rt.metrics.imagePull('error', 0); // metrics (issue 6)
      throw err;
    }
    try {
      await unpacker.finish(pulled.manifest, pulled.config).catch(async (err: unknown) => {
        rt.metrics.imagePull('error', pulled.fetchedBytes); // metrics (issue 6)
        pulled.release();
        await collectGarbage(rt).catch(() => undefined);
        throw err;
      });
      const record = imageRecordOf({
        manifestDigest: pulled.manifestDescriptor.digest as Digest,
        manifestMediaType: pulled.manifestDescriptor.mediaType,
        manifestSize: pulled.manifestDescriptor.size,
        manifest: pulled.manifest,
        config: pulled.config,
        indexDigest: pulled.indexDigest,
      });
      const repoDigest = `${repository}@${pulled.resolvedDigest}`;
      const before = ref.tag ? rt.images.byName(name) : undefined;
      rt.images.save(record, ref.tag ? [name] : [], [repoDigest]);
      for (const layer of pulled.manifest.layers) rt.blobSources.record(layer.digest as Digest, ref.domain, ref.path);
      await syncIndex(rt);
      rt.events.publish('/images/pull', name, { id: record.configDigest, digest: record.digest });
      const upToDate = before?.digest === record.digest && !pulled.newContent;
      rt.metrics.imagePull(upToDate ? 'up-to-date' : 'downloaded', pulled.fetchedBytes); // metrics (issue 6)
      options.onProgress({ status: `Digest: ${pulled.resolvedDigest}` });
      options.onProgress({
        status: upToDate ? `Status: Image is up to date for ${familiarString(ref)}` : `Status: Downloaded newer image for ${familiarString(ref)}`,
      });
      return { reference: name, id: record.configDigest, digest: record.digest, repoDigest, outcome: upToDate ? 'up-to-date' : 'downloaded' } satisfies PullResult;
    } finally {
      pulled.release();
    }
  });
}
