/**
 * Resolves a classic Docker archive (docker save before 25, skopeo's docker-archive:): manifest.json
 * names a config file and layer tars by path. There is no manifest, so one is built: an OCI
 * manifest whose layers are checked, one by one, against the config's rootfs.diff_ids, which is
 * the only thing in such an archive that says what the layers must be.
 */
import { Writable, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { pipeline } from 'node:stream/promises';
import { MediaTypes, type Descriptor, type ImageManifest } from '../../config/oci-image';
import { HashingStream, type Digest } from '../../util/digest';
import { parseImageConfig } from '../manifest';
import type { BlobInfo, ContentStore } from '../types';
import {
  inArchive,
  invalidArchive,
  normaliseImageName,
  parseJsonDocument,
  readMetadata,
  requireFile,
  type ArchiveContents,
} from './contents';
import type { ImportedImage } from './types';

interface ManifestJsonEntry {
  Config: string;
  RepoTags: string[];
  Layers: string[];
}

export async function resolveDockerArchive(
  store: ContentStore,
  contents: ArchiveContents,
  onCommitted: (blob: BlobInfo) => void,
): Promise<ImportedImage[]> {
  const file = requireFile(contents, 'manifest.json', 'the archive');
  const entries = manifestJson(parseJsonDocument(await readMetadata(store, file, 'manifest.json'), 'manifest.json'));
  const images = new Map<string, ImportedImage>();
  for (const [i, entry] of entries.entries()) {
    const where = `manifest.json entry ${i}`;
    const names = entry.RepoTags.map((t) => normaliseImageName(t, where));
    const config = requireFile(contents, entry.Config, where);
    const image = await inArchive(`config "${entry.Config}"`, async () => parseImageConfig(await readMetadata(store, config, 'image config')));
    const diffIds = image.rootfs.diff_ids;
    if (diffIds.length !== entry.Layers.length) {
      throw invalidArchive(`${where} lists ${entry.Layers.length} layers but its config has ${diffIds.length} diff_ids`);
    }
    const layers: Descriptor[] = [];
    for (const [n, layerPath] of entry.Layers.entries()) {
      const blob = requireFile(contents, layerPath, where);
      layers.push(await layerDescriptor(store, blob, diffIds[n]!, `layer ${n} ("${layerPath}") of ${where}`));
    }
    const manifest: ImageManifest = {
      schemaVersion: 2,
      mediaType: MediaTypes.ociManifest,
      config: { mediaType: MediaTypes.ociConfig, digest: config.digest, size: config.size },
      layers,
    };
    const put = await store.put(Buffer.from(JSON.stringify(manifest)));
    onCommitted(put);
    const known = images.get(put.digest);
    if (known) {
      for (const n of names) if (!known.names.includes(n)) known.names.push(n);
      continue;
    }
    images.set(put.digest, {
      names: [...new Set(names)],
      manifest: { mediaType: MediaTypes.ociManifest, digest: put.digest, size: put.size },
      config: config.digest,
      layers,
    });
  }
  return [...images.values()];
}

function manifestJson(doc: unknown): ManifestJsonEntry[] {
  if (!Array.isArray(doc)) throw invalidArchive('manifest.json is not a JSON array');
  return doc.map((raw: unknown, i) => {
    const e = raw as { Config?: unknown; RepoTags?: unknown; Layers?: unknown } | null;
    const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');
    if (typeof e?.Config !== 'string') throw invalidArchive(`manifest.json entry ${i} has no Config path`);
    if (!strings(e.Layers)) throw invalidArchive(`manifest.json entry ${i}: Layers is not a list of paths`);
    const tags = e.RepoTags ?? [];
    if (!strings(tags)) throw invalidArchive(`manifest.json entry ${i}: RepoTags is not a list of names`);
    return { Config: e.Config, RepoTags: tags, Layers: e.Layers };
  });
}

/**
 * A layer as docker save writes it is an uncompressed tar whose digest is its diff_id. Other
 * writers (go-containerregistry's tarball) gzip it; then the diff_id is checked on the
 * decompressed bytes, which costs one more read of the layer but keeps the same guarantee.
 */
async function layerDescriptor(store: ContentStore, blob: BlobInfo, diffId: string, where: string): Promise<Descriptor> {
  const gzip = await isGzip(store.open(blob.digest));
  let uncompressed: Digest = blob.digest;
  if (gzip) {
    const hasher = new HashingStream();
    try {
      await pipeline(store.open(blob.digest), createGunzip(), hasher, devNull());
    } catch (err) {
      throw invalidArchive(`${where} is not valid gzip`, { cause: err });
    }
    uncompressed = hasher.digest();
  }
  if (uncompressed !== diffId) {
    throw invalidArchive(`${where} has content ${uncompressed}, but the config's rootfs.diff_ids says ${diffId}`, {
      details: { actual: uncompressed, expected: diffId },
    });
  }
  return { mediaType: gzip ? MediaTypes.ociLayerGzip : MediaTypes.ociLayer, digest: blob.digest, size: blob.size };
}

async function isGzip(stream: Readable): Promise<boolean> {
  try {
    for await (const chunk of stream) {
      const b = chunk as Buffer;
      return b.length >= 2 && b[0] === 0x1f && b[1] === 0x8b;
    }
    return false;
  } finally {
    stream.destroy();
  }
}

function devNull(): Writable {
  return new Writable({ write: (_chunk, _enc, cb) => cb() });
}
