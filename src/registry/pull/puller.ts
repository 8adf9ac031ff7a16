/**
 * Pulls one image into the content store: resolve the reference, pick the platform from an
 * index, then fetch config and layers (in parallel, bounded), each verified while streaming and
 * committed atomically. Blobs already in the store are not fetched again. Everything committed
 * is leased until the caller has recorded the image, so garbage collection cannot race a pull.
 */
import { ForgeError } from '../../errors';
import { isIndexMediaType, type Descriptor, type ImageConfig, type ImageManifest, type Platform } from '../../config/oci-image';
import type { Writable } from 'node:stream';
import { Limiter } from '../../util/concurrency';
import { isWasmPlatform } from '../../config/wasm-image';
import { retry } from '../../util/retry';
import { shortId, type Digest } from '../../util/digest';
import type { ProgressSink } from '../../util/progress';
import { detectMediaType, parseImageConfig, parseIndex, parseManifest, platformString } from '../manifest';
import { selectManifest } from '../platform';
import { formatReference, type ImageReference } from '../reference';
import type { ContentStore, DistributionClient, RegistryEndpoint } from '../types';
import { isTransientError } from './transient';

export interface PullImageOptions {
  client: DistributionClient;
  store: ContentStore;
  ref: ImageReference;
  platform: Platform;
  /** Layers fetched at once. Default 3. */
  concurrency?: number;
  /** Attempts per blob for transient failures mid-download. Default 3. */
  blobAttempts?: number;
  retryDelayMs?: number;
  onProgress: ProgressSink;
  signal?: AbortSignal;
  /** Told about each layer as it downloads and once it is stored: to unpack during the pull. */
  layers?: LayerObserver;
  /** The caller unpacks the layers and reports "Pull complete" itself. Default false. */
  unpacks?: boolean;
}

export interface LayerObserver {
  /**
   * Asked once per layer that is downloaded (not one already stored): a stream that also gets
   * the layer's bytes as they arrive (WriteBlobOptions.mirror). Only the first attempt is
   * mirrored; a retried download is not.
   */
  mirror?(layer: Descriptor, index: number, config: ImageConfig): Writable | undefined;
  /** The layer is in the store (downloaded and verified now, or there already). */
  stored?(layer: Descriptor, index: number, config: ImageConfig): void;
}

export interface PulledImage {
  /** The digest the reference resolved to (an index or a manifest): the repo digest. */
  resolvedDigest: Digest;
  indexDigest: Digest | undefined;
  manifest: ImageManifest;
  manifestDescriptor: Descriptor;
  config: ImageConfig;
  platform: string;
  /** Every blob of the image, in the store. */
  blobs: Digest[];
  /** Config plus layers, as stored. */
  size: number;
  /** Layers that were fetched (not already present). */
  downloaded: number;
  /** Bytes fetched from the registry: manifests, and the config and layers not already stored. */
  fetchedBytes: number;
  /** False when everything was already in the store ("Image is up to date"). */
  newContent: boolean;
  /** Frees the lease on the image's blobs; call once the image is recorded. */
  release: () => void;
}

export async function pullImage(options: PullImageOptions): Promise<PulledImage> {
  const { client, store, ref, onProgress } = options;
  const leases: Array<() => void> = [];
  const release = () => leases.forEach((r) => r());
  try {
    const top = await client.getManifest(ref, ref.digest ?? ref.tag);
    const topDigest = top.descriptor.digest as Digest;
    leases.push(store.lease([topDigest]));

    let indexDigest: Digest | undefined;
    let manifestBytes = top.bytes;
    let fetchedBytes = top.bytes.length;
    let manifestDescriptor = top.descriptor;
    let endpoint: RegistryEndpoint = top.endpoint;
    if (isIndexMediaType(top.descriptor.mediaType)) {
      const index = parseIndex(top.bytes);
      await store.put(top.bytes, { digest: topDigest });
      indexDigest = topDigest;
      const chosen = selectManifest(index, options.platform);
      leases.push(store.lease([chosen.digest as Digest]));
      const resolved = await client.getManifest(ref, chosen.digest, endpoint);
      manifestBytes = resolved.bytes;
      fetchedBytes += resolved.bytes.length;
      manifestDescriptor = { ...resolved.descriptor, platform: chosen.platform ?? options.platform };
      endpoint = resolved.endpoint;
      if (isIndexMediaType(resolved.descriptor.mediaType)) {
        throw new ForgeError('InvalidArgument', `${formatReference(ref)}: nested image indexes are not supported`);
      }
    }
    const mediaType = detectMediaType(manifestBytes, manifestDescriptor.mediaType);
    const manifest = parseManifest(manifestBytes, mediaType);
    const manifestDigest = manifestDescriptor.digest as Digest;
    leases.push(store.lease([manifestDigest, manifest.config.digest as Digest, ...manifest.layers.map((l) => l.digest as Digest)]));

    const fetcher = new BlobFetcher(options, endpoint);
    const configInfo = await fetcher.fetch(manifest.config, false);
    const config = parseImageConfig(await store.read(manifest.config.digest as Digest));
    checkPlatform(config, options.platform, indexDigest !== undefined, onProgress);
    if (config.rootfs.diff_ids.length !== manifest.layers.length) {
      throw new ForgeError('InvalidArgument', `${formatReference(ref)}: manifest has ${manifest.layers.length} layers but config lists ${config.rootfs.diff_ids.length} diff IDs`);
    }

    const limiter = new Limiter(options.concurrency ?? 3);
    const observer = options.layers;
    const results = await Promise.all(
      manifest.layers.map((layer, i) =>
        limiter.run(async () => {
          const r = await fetcher.fetch(layer, true, observer?.mirror ? () => observer.mirror!(layer, i, config) : undefined);
          observer?.stored?.(layer, i, config);
          return r;
        }),
      ),
    );
    const manifestWasPresent = await store.has(manifestDigest);
    // The manifest is committed last: a manifest in the store means its blobs are there too.
    await store.put(manifestBytes, { digest: manifestDigest });

    return {
      resolvedDigest: topDigest,
      indexDigest,
      manifest,
      manifestDescriptor: { mediaType, digest: manifestDigest, size: manifestBytes.length },
      config,
      platform: platformString(config),
      blobs: [...(indexDigest ? [indexDigest] : []), manifestDigest, manifest.config.digest as Digest, ...manifest.layers.map((l) => l.digest as Digest)],
      size: manifest.config.size + manifest.layers.reduce((n, l) => n + l.size, 0),
      downloaded: results.filter((r) => r.fetched).length,
      fetchedBytes: fetchedBytes + [configInfo, ...results].reduce((n, r) => n + r.bytes, 0),
      newContent: !manifestWasPresent || configInfo.fetched || results.some((r) => r.fetched),
      release,
    };
  } catch (err) {
    release();
    throw err;
  }
}

class BlobFetcher {
  constructor(
    private readonly options: PullImageOptions,
    private readonly endpoint: RegistryEndpoint,
  ) {}

  async fetch(desc: Descriptor, isLayer: boolean, mirror?: () => Writable | undefined): Promise<{ fetched: boolean; bytes: number }> {
    const { client, store, ref, onProgress, signal } = this.options;
    const id = shortId(desc.digest);
    const digest = desc.digest as Digest;
    if (await store.has(digest)) {
      if (isLayer) onProgress({ id, status: 'Already exists' });
      return { fetched: false, bytes: 0 };
    }
    if (isLayer) onProgress({ id, status: 'Pulling fs layer' });
    let attempt = 0;
    await retry(
      async () => {
        const mirrored = attempt++ === 0 ? mirror?.() : undefined;
        await store.write(() => client.getBlob(ref, desc, this.endpoint), {
          ...(mirrored ? { mirror: mirrored } : {}),
          expected: { digest, size: desc.size },
          ...(signal ? { signal } : {}),
          onProgress: isLayer
            ? (current) => onProgress({ id, status: 'Downloading', progressDetail: { current, total: desc.size } })
            : undefined,
        });
      },
      {
        attempts: this.options.blobAttempts ?? 3,
        baseDelayMs: this.options.retryDelayMs ?? 250,
        isTransient: isTransientError,
        onRetry: (err, attempt, delay) =>
          onProgress({ id, status: `Retrying in ${Math.ceil(delay / 1000)}s (attempt ${attempt + 1}): ${(err as Error).message}` }),
        ...(signal ? { signal } : {}),
      },
    ).catch((err: unknown) => {
      const what = isLayer ? `layer ${digest}` : `config ${digest}`;
      // A body cut mid-download surfaces as a raw socket error from the stream, not a ForgeError.
      const known = err instanceof ForgeError
        ? err
        : isTransientError(err)
          ? new ForgeError('Unavailable', `the connection to the registry broke mid-download: ${(err as Error).message}`, { cause: err })
          : undefined;
      if (known) {
        throw new ForgeError(known.code, `pulling ${what} of ${formatReference(ref)} from ${this.endpoint.host}: ${known.message}`, {
          cause: known,
          ...(known.hint ? { hint: known.hint } : {}),
          details: { digest, registry: this.endpoint.host },
        });
      }
      throw err;
    });
    if (isLayer) {
      onProgress({ id, status: 'Verifying Checksum' });
      onProgress({ id, status: 'Download complete' });
      if (!this.options.unpacks) onProgress({ id, status: 'Pull complete' });
    }
    return { fetched: true, bytes: desc.size };
  }
}

function checkPlatform(config: ImageConfig, wanted: Platform, fromIndex: boolean, onProgress: ProgressSink): void {
  // WebAssembly images (issue 5) run on any host platform: no warning for them.
  if (fromIndex || isWasmPlatform(config)) return;
  if (config.os !== wanted.os || config.architecture !== wanted.architecture) {
    onProgress({
      status: `WARNING: the image's platform (${platformString(config)}) does not match the requested platform (${platformString(wanted)})`,
    });
  }
}
