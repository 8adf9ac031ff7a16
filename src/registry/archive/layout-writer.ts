/**
 * The part both exporters share: checking what is to be exported against the store, and writing
 * an OCI image layout (oci-layout, blobs/sha256/…, index.json) into a tar stream. The Docker
 * exporter adds manifest.json and repositories beside it; the OCI exporter adds nothing.
 */
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as tar from 'tar-stream';
import { ForgeError } from '../../errors';
import { HashingStream, assertDigest, digestHex, sha256, type Digest } from '../../util/digest';
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  MediaTypes,
  isManifestMediaType,
  type Descriptor,
  type ImageIndex,
  type ImageManifest,
} from '../../config/oci-image';
import { detectMediaType, parseManifest } from '../manifest';
import { formatReference, parseReference, type ImageReference } from '../reference';
import type { BlobInfo, ContentStore } from '../types';
import type { ArchiveImage } from './types';

export interface PlannedImage {
  /** Parsed names, in the order given, without duplicates. */
  names: ImageReference[];
  manifest: Descriptor;
  config: Descriptor;
  layers: Descriptor[];
}

export interface ExportPlan {
  /** One per distinct manifest; names of repeated manifests are merged. */
  images: PlannedImage[];
  /** Every blob to write, each once, in the order written. */
  blobs: BlobInfo[];
}

/** Fixed mtime, so exporting the same images twice gives the same bytes. */
const MTIME = new Date(0);

export function blobPath(digest: string): string {
  return `blobs/sha256/${digestHex(digest as Digest)}`;
}

/** Reads every manifest and checks every blob before a byte is written: no half archive on a missing layer. */
export async function planExport(store: ContentStore, images: ArchiveImage[]): Promise<ExportPlan> {
  if (images.length === 0) throw new ForgeError('InvalidArgument', 'no images to export');
  const byDigest = new Map<string, PlannedImage>();
  const blobs = new Map<Digest, BlobInfo>();
  for (const image of images) {
    const names = image.names.map((n) => parseReference(n));
    const digest = assertDigest(image.manifest.digest, 'manifest digest');
    const known = byDigest.get(digest);
    if (known) {
      known.names.push(...names);
      continue;
    }
    const bytes = await store.read(digest);
    if (sha256(bytes) !== digest || bytes.length !== image.manifest.size) {
      throw corrupt(`manifest ${digest} does not match its descriptor`);
    }
    const { manifest, mediaType } = imageManifest(bytes, digest, image.manifest.mediaType);
    const planned: PlannedImage = {
      names,
      manifest: { mediaType, digest, size: bytes.length },
      config: manifest.config,
      layers: manifest.layers,
    };
    for (const d of [manifest.config, ...manifest.layers]) {
      const info = await store.stat(assertDigest(d.digest, `blob digest in manifest ${digest}`));
      if (!info) {
        throw new ForgeError('NotFound', `blob ${d.digest} of image ${digest} is not in the content store`, {
          hint: 'pull the image again to fetch its missing layers',
          details: { manifest: digest, blob: d.digest },
        });
      }
      if (info.size !== d.size) throw corrupt(`blob ${d.digest} is ${info.size} bytes, its descriptor says ${d.size}`);
      blobs.set(info.digest, info);
    }
    blobs.set(digest, { digest, size: bytes.length });
    byDigest.set(digest, planned);
  }
  for (const image of byDigest.values()) image.names = dedupe(image.names);
  return { images: [...byDigest.values()], blobs: [...blobs.values()] };
}

function imageManifest(bytes: Buffer, digest: string, declared: string): { manifest: ImageManifest; mediaType: string } {
  const mediaType = detectMediaType(bytes, declared);
  if (!isManifestMediaType(mediaType)) {
    throw new ForgeError('InvalidArgument', `${digest} is not an image manifest (media type ${mediaType})`, {
      hint: 'export one platform image of a multi-platform index, not the index itself',
    });
  }
  return { manifest: parseManifest(bytes, mediaType), mediaType };
}

/** index.json of the layout: one entry per name (as Docker 25 writes it), one unnamed entry for a dangling image. */
export function layoutIndex(plan: ExportPlan): ImageIndex {
  const manifests: Descriptor[] = [];
  for (const image of plan.images) {
    if (image.names.length === 0) manifests.push(image.manifest);
    for (const ref of image.names) {
      const annotations: Record<string, string> = { [ANNOTATION_IMAGE_NAME]: formatReference(ref) };
      // skopeo's oci-archive:FILE:TAG looks the image up by this annotation, which holds a tag only.
      if (ref.tag !== undefined) annotations[ANNOTATION_REF_NAME] = ref.tag;
      manifests.push({ ...image.manifest, annotations });
    }
  }
  return { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests };
}

/** Adds entries to a tar stream; every method resolves once its entry is fully written. */
export class TarWriter {
  constructor(private readonly pack: tar.Pack) {}

  dir(name: string): Promise<void> {
    return this.add({ name, type: 'directory', mode: 0o755, mtime: MTIME }, Buffer.alloc(0));
  }

  file(name: string, data: string | Buffer): Promise<void> {
    const body = typeof data === 'string' ? Buffer.from(data) : data;
    return this.add({ name, type: 'file', size: body.length, mode: 0o644, mtime: MTIME }, body);
  }

  /** Streams a blob from the store, hashing it on the way so a corrupt store never exports silently. */
  async blob(store: ContentStore, blob: BlobInfo): Promise<void> {
    const hasher = new HashingStream();
    await Promise.all([
      pipeline(store.open(blob.digest), hasher),
      this.add({ name: blobPath(blob.digest), type: 'file', size: blob.size, mode: 0o644, mtime: MTIME }, hasher),
    ]);
    if (hasher.digest() !== blob.digest) throw corrupt(`blob ${blob.digest} in the content store does not match its digest`);
  }

  private add(header: Partial<tar.Header> & { name: string }, body: Buffer | Readable): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const done = (err?: Error | null): void => (err ? reject(err) : resolve());
      if (Buffer.isBuffer(body)) {
        this.pack.entry(header, body, done);
        return;
      }
      const sink = this.pack.entry(header, done);
      // A failing source must fail the entry (tar-stream then destroys the whole pack).
      body.once('error', (err) => sink.destroy(err));
      body.pipe(sink);
    });
  }
}

/**
 * Runs `fill` against a tar stream piped into `out`, and finishes the archive. `out` is ended
 * on success and destroyed on failure, so a caller never mistakes a half archive for a whole one.
 */
export async function writeTar(out: Writable, fill: (tar: TarWriter) => Promise<void>): Promise<void> {
  const pack = tar.pack();
  // Readable.from adapts tar-stream's streamx stream to node's pipeline (errors and back-pressure).
  const piping = pipeline(Readable.from(pack, { objectMode: false }), out);
  piping.catch(() => undefined); // awaited below; this only keeps an early failure from being unhandled
  try {
    await fill(new TarWriter(pack));
    pack.finalize();
  } catch (err) {
    pack.destroy(err as Error);
    await piping.catch(() => undefined);
    throw err;
  }
  await piping;
}

export async function writeLayout(tarw: TarWriter, store: ContentStore, plan: ExportPlan): Promise<void> {
  await tarw.file('oci-layout', JSON.stringify({ imageLayoutVersion: '1.0.0' }));
  await tarw.dir('blobs/');
  await tarw.dir('blobs/sha256/');
  for (const blob of plan.blobs) await tarw.blob(store, blob);
  await tarw.file('index.json', JSON.stringify(layoutIndex(plan)));
}

function dedupe(refs: ImageReference[]): ImageReference[] {
  const seen = new Set<string>();
  return refs.filter((r) => {
    const key = formatReference(r);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function corrupt(message: string): ForgeError {
  return new ForgeError('Internal', `content store is inconsistent: ${message}`, {
    hint: 'remove the image and pull it again',
  });
}
