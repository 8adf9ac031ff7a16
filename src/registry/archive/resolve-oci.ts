/**
 * Resolves an archive that carries an OCI image layout (an OCI archive, or docker save 25+):
 * index.json → manifests → configs and layers, every one looked up at blobs/sha256/<hex> (where
 * the reader already checked content against name) and checked against its descriptor's size.
 *
 * An image index inside the archive (a multi-platform image) yields one image: the manifest for
 * the wanted platform (default the host's), named with the index's names. That is what `docker
 * load` and skopeo do, and it keeps one name on one image; the other platforms' blobs, usually
 * absent from such archives anyway, are not kept.
 */
import {
  ANNOTATION_IMAGE_NAME,
  ANNOTATION_REF_NAME,
  MediaTypes,
  isIndexMediaType,
  isManifestMediaType,
  type Descriptor,
  type Platform,
} from '../../config/oci-image';
import { ForgeError } from '../../errors';
import type { Digest } from '../../util/digest';
import { detectMediaType, parseImageConfig, parseIndex, parseManifest } from '../manifest';
import { defaultPlatform, formatPlatform, selectManifest } from '../platform';
import { parseReference, repositoryName } from '../reference';
import type { BlobInfo, ContentStore } from '../types';
import {
  inArchive,
  invalidArchive,
  normaliseImageName,
  parseJsonDocument,
  readMetadata,
  requireFile,
  resolveFile,
  type ArchiveContents,
} from './contents';
import type { ImportOptions, ImportedImage } from './types';

/** index.json → index → manifest is as deep as real archives go; the bound stops a cycle of indexes. */
const MAX_INDEX_DEPTH = 4;

export async function resolveOciLayout(store: ContentStore, contents: ArchiveContents, options: ImportOptions): Promise<ImportedImage[]> {
  const indexFile = requireFile(contents, 'index.json', 'the archive');
  const index = await inArchive('index.json', async () => parseIndex(await readMetadata(store, indexFile, 'index.json')));
  const platform = options.platform ?? defaultPlatform();
  const repoTags = await dockerRepoTags(store, contents);
  const images = new Map<string, ImportedImage>();
  for (const [i, descriptor] of index.manifests.entries()) {
    const image = await resolveDescriptor(store, contents, descriptor, platform, `index.json entry ${i}`, 0);
    const names = [...annotatedNames(descriptor, options.defaultName, `index.json entry ${i}`), ...(repoTags.get(image.config) ?? [])];
    const known = images.get(image.manifest.digest);
    const target = known ?? image;
    for (const n of names) if (!target.names.includes(n)) target.names.push(n);
    if (!known) images.set(image.manifest.digest, image);
  }
  return [...images.values()];
}

async function resolveDescriptor(
  store: ContentStore,
  contents: ArchiveContents,
  descriptor: Descriptor,
  platform: Platform,
  where: string,
  depth: number,
): Promise<ImportedImage> {
  const blob = layoutBlob(contents, descriptor, where);
  const bytes = await readMetadata(store, blob, `${where} (${descriptor.digest})`);
  const mediaType = await inArchive(where, () => detectMediaType(bytes, descriptor.mediaType));
  if (isIndexMediaType(mediaType)) {
    if (depth >= MAX_INDEX_DEPTH) throw invalidArchive(`${where}: image indexes nest deeper than ${MAX_INDEX_DEPTH}`);
    const index = await inArchive(where, () => parseIndex(bytes));
    let child: Descriptor;
    try {
      child = selectManifest(index, platform);
    } catch (err) {
      throw new ForgeError('NotFound', `the archive has no image for ${formatPlatform(platform)} in ${descriptor.digest}`, {
        cause: err,
        hint: err instanceof ForgeError ? err.hint : undefined,
      });
    }
    return resolveDescriptor(store, contents, child, platform, `${where} → ${child.digest}`, depth + 1);
  }
  if (!isManifestMediaType(mediaType)) throw invalidArchive(`${where} has unsupported media type "${mediaType}"`);
  const manifest = await inArchive(where, () => parseManifest(bytes, mediaType));
  const config = layoutBlob(contents, manifest.config, `config of ${descriptor.digest}`);
  const layers = manifest.layers;
  layers.forEach((l, i) => layoutBlob(contents, l, `layer ${i} of ${descriptor.digest}`));
  if (manifest.config.mediaType === MediaTypes.ociConfig || manifest.config.mediaType === MediaTypes.dockerConfig) {
    const image = await inArchive(`config ${config.digest}`, async () => parseImageConfig(await readMetadata(store, config, 'image config')));
    if (image.rootfs.diff_ids.length !== layers.length) {
      throw invalidArchive(`image ${descriptor.digest} has ${layers.length} layers but its config lists ${image.rootfs.diff_ids.length} diff_ids`);
    }
  }
  return {
    names: [],
    manifest: { mediaType, digest: descriptor.digest, size: descriptor.size },
    config: config.digest,
    layers,
  };
}

/** The blob a descriptor names, at its layout path, with the size the descriptor announces. */
function layoutBlob(contents: ArchiveContents, d: Descriptor, where: string): BlobInfo {
  const hex = d.digest.slice('sha256:'.length);
  const blob = resolveFile(contents, `blobs/sha256/${hex}`);
  if (!blob) throw invalidArchive(`${where} references ${d.digest}, which is not in the archive`, { details: { digest: d.digest } });
  // The reader verified the content against the path, but a symlink could lead elsewhere.
  if (blob.digest !== d.digest) throw invalidArchive(`${where}: blobs/sha256/${hex} does not hold ${d.digest}`);
  if (blob.size !== d.size) throw invalidArchive(`${where}: ${d.digest} is ${blob.size} bytes, its descriptor says ${d.size}`);
  return blob;
}

/**
 * Names from the index annotations: containerd's full name first; else ref.name when it is a
 * full reference (podman and buildah write those); a bare tag only combined with defaultName.
 */
function annotatedNames(d: Descriptor, defaultName: string | undefined, where: string): string[] {
  const full = d.annotations?.[ANNOTATION_IMAGE_NAME];
  if (full) return [normaliseImageName(full, `${where} (${ANNOTATION_IMAGE_NAME})`)];
  const refName = d.annotations?.[ANNOTATION_REF_NAME];
  if (!refName) return [];
  if (/[/:@]/.test(refName)) return [normaliseImageName(refName, `${where} (${ANNOTATION_REF_NAME})`)];
  if (defaultName === undefined) return [];
  return [normaliseImageName(`${repositoryName(parseReference(defaultName))}:${refName}`, `${where} (${ANNOTATION_REF_NAME})`)];
}

/** docker save 25+ also lists RepoTags in manifest.json; keyed by config digest to join with index.json. */
async function dockerRepoTags(store: ContentStore, contents: ArchiveContents): Promise<Map<Digest, string[]>> {
  const out = new Map<Digest, string[]>();
  const file = resolveFile(contents, 'manifest.json');
  if (!file) return out;
  const doc = parseJsonDocument(await readMetadata(store, file, 'manifest.json'), 'manifest.json');
  if (!Array.isArray(doc)) throw invalidArchive('manifest.json is not a JSON array');
  for (const [i, entry] of (doc as Array<{ Config?: unknown; RepoTags?: unknown }>).entries()) {
    if (typeof entry?.Config !== 'string') throw invalidArchive(`manifest.json entry ${i} has no Config`);
    const tags = entry.RepoTags ?? [];
    if (!Array.isArray(tags) || !tags.every((t) => typeof t === 'string')) throw invalidArchive(`manifest.json entry ${i}: RepoTags is not a list of strings`);
    const config = requireFile(contents, entry.Config, `manifest.json entry ${i}`);
    const names = (tags as string[]).map((t) => normaliseImageName(t, `manifest.json entry ${i}`));
    out.set(config.digest, [...(out.get(config.digest) ?? []), ...names]);
  }
  return out;
}
