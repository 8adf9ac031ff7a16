/**
 * Unpack while pulling, as Docker and Podman do, so the first `run` after a `pull` has nothing
 * left to unpack. The bottom layer is unpacked from its bytes as they download (the content
 * store mirrors them, with backpressure: the slower of download and unpack sets the pace). A
 * layer above needs the snapshots below it in place first (the unpacker checks each entry's
 * parents against them), so it is unpacked from its stored blob as soon as it and every layer
 * below are stored, one after another, while the remaining layers still download. Whatever
 * failed on the way (a retried download, a full disk) is done again from the blobs at the end
 * (`finish`); a layer that cannot be unpacked at all fails the pull.
 *
 * WebAssembly images are not unpacked: the wasm engine reads the module from its blob.
 */
import { PassThrough, type Writable } from 'node:stream';
import type { Descriptor, ImageConfig, ImageManifest } from '../config/oci-image';
import { isWasmLayer, isWasmPlatform } from '../config/wasm-image';
import type { LayerSource } from '../fs/types';
import type { Digest } from '../util/digest';
import type { ProgressEvent, ProgressSink } from '../util/progress';
import type { LayerObserver } from '../registry/pull/puller';
import type { RuntimeContext } from './context';

export class PullUnpacker {
  private readonly streamed: Array<Promise<unknown>> = [];
  /** Unpacks from stored blobs, one after another, bottom first. */
  private chain: Promise<unknown> = Promise.resolve();
  private readonly storedLayers: Descriptor[] = [];
  /** The next layer index the chain will unpack. */
  private next = 0;
  /** Short IDs of the layers this pull downloaded: their final line is "Pull complete". */
  private readonly downloaded = new Set<string>();

  constructor(
    private readonly rt: RuntimeContext,
    private readonly onProgress: ProgressSink,
  ) {}

  /** The puller's progress sink: passes everything on, noting which layers are downloaded. */
  readonly progress: ProgressSink = (e: ProgressEvent) => {
    if (e.id && e.status === 'Pulling fs layer') this.downloaded.add(e.id);
    this.onProgress(e);
  };

  /** The puller's LayerObserver. */
  readonly layers: LayerObserver = {
    mirror: (layer, index, config) => this.mirror(layer, index, config),
    stored: (layer, index, config) => this.stored(layer, index, config),
  };

  /** A stream to unpack the bottom layer from while it downloads. */
  private mirror(layer: Descriptor, index: number, config: ImageConfig): Writable | undefined {
    if (index !== 0 || isWasmPlatform(config) || isWasmLayer(layer.mediaType)) return undefined;
    const diffId = config.rootfs.diff_ids[0];
    if (!diffId) return undefined;
    const stream = new PassThrough({ highWaterMark: 1 << 20 });
    // A failed download destroys the stream with its error, maybe before the unpack reads it:
    // the unpack reports it (and the pull its own), so an unheard 'error' must not crash the daemon.
    stream.on('error', () => undefined);
    const source: LayerSource = { ...this.sourceOf(layer, diffId), stream };
    // Quiet: "Downloading" is the line to show meanwhile; the final prepare reports the outcome.
    const unpack = this.rt.snapshotter.prepare([source]).finally(() => stream.destroy());
    this.streamed.push(unpack.catch((err: unknown) => this.rt.logger.debug('unpacking while downloading failed; unpacking from the blob', { layer: layer.digest, error: (err as Error).message })));
    return stream;
  }

  /** Layers stored in order so far are unpacked (the bottom one may be streaming: prepare joins it). */
  private stored(layer: Descriptor, index: number, config: ImageConfig): void {
    if (isWasmPlatform(config) || isWasmLayer(layer.mediaType)) return;
    this.storedLayers[index] = layer;
    while (this.storedLayers[this.next] !== undefined) {
      const upTo = this.next++;
      if (upTo === 0) continue; // the bottom layer: streaming, or unpacked by finish()
      const sources = this.storedLayers.slice(0, upTo + 1).map((l, i) => this.sourceOf(l, config.rootfs.diff_ids[i]!));
      this.chain = this.chain
        .then(() => Promise.all(this.streamed))
        .then(() => this.rt.snapshotter.prepare(sources))
        .catch((err: unknown) => this.rt.logger.debug('unpacking during the pull failed; retried at the end', { layer: layer.digest, error: (err as Error).message }));
    }
  }

  /** After the downloads: every layer unpacked (the streamed one joined or redone), bottom first. */
  async finish(manifest: ImageManifest, config: ImageConfig): Promise<void> {
    await Promise.all(this.streamed);
    await this.chain;
    if (isWasmPlatform(config) || manifest.layers.some((l) => isWasmLayer(l.mediaType)) || manifest.layers.length === 0) return;
    const layers = manifest.layers.map((l, i) => this.sourceOf(l, config.rootfs.diff_ids[i]!));
    await this.rt.snapshotter.prepare(layers, {
      onProgress: (e) => this.onProgress(e.id && e.status === 'Already exists' && this.downloaded.has(e.id) ? { ...e, status: 'Pull complete' } : e),
    });
  }

  private sourceOf(layer: Descriptor, diffId: string): LayerSource {
    return { digest: layer.digest as Digest, mediaType: layer.mediaType, diffId: diffId as Digest, path: this.rt.store.path(layer.digest as Digest), size: layer.size };
  }
}

