/**
 * `forgeone load`: imports every image of a Docker or OCI archive (optionally gzip) into the
 * content store. The archive is read once as a stream (tar-reader.ts), then resolved by its
 * format: index.json means an OCI layout (OCI archive, docker save 25+), manifest.json alone
 * means a classic Docker archive.
 *
 * Blob lifecycle: each blob is leased the moment it is committed, so garbage collection cannot
 * take it mid-import. At the end, blobs no image needs lose their lease and are deleted unless
 * they were in the store before or another operation leases them; on failure that is every blob
 * the import wrote. The leases on the blobs kept are handed to the caller as `release`.
 */
import type { Readable } from 'node:stream';
import type { Digest } from '../../util/digest';
import type { BlobInfo, ContentStore } from '../types';
import { invalidArchive, resolveFile, type ArchiveContents } from './contents';
import { resolveDockerArchive } from './resolve-docker';
import { resolveOciLayout } from './resolve-oci';
import { readArchive } from './tar-reader';
import type { ImportOptions, ImportResult, ImportedImage } from './types';

/**
 * Reads `input` to its end and imports every image in it. Throws InvalidArgument (saying what is
 * wrong) for a truncated, corrupt, non-tar or hostile archive, NotFound when an image index in it
 * has nothing for the platform; the store is then left as it was.
 */
export async function importArchive(store: ContentStore, input: Readable, options: ImportOptions = {}): Promise<ImportResult> {
  // What was there before is never deleted, even if this archive also carried it.
  const before = new Set((await store.list()).map((b) => b.digest));
  const leases = new Map<Digest, () => void>();
  const onCommitted = (blob: BlobInfo): void => {
    if (!leases.has(blob.digest)) leases.set(blob.digest, store.lease([blob.digest]));
  };
  try {
    const contents = await readArchive(store, input, { maxEntrySize: options.maxEntrySize, onCommitted });
    const images = await resolveImages(store, contents, options, onCommitted);
    const needed = new Set<string>(images.flatMap((i) => [i.manifest.digest, i.config, ...i.layers.map((l) => l.digest)]));
    await discard(store, leases, before, (d) => !needed.has(d));
    const kept = [...leases.values()];
    let released = false;
    return {
      images,
      release: () => {
        if (released) return;
        released = true;
        for (const release of kept) release();
      },
    };
  } catch (err) {
    await discard(store, leases, before, () => true).catch(() => undefined);
    throw err;
  }
}

async function resolveImages(
  store: ContentStore,
  contents: ArchiveContents,
  options: ImportOptions,
  onCommitted: (blob: BlobInfo) => void,
): Promise<ImportedImage[]> {
  let images: ImportedImage[];
  if (resolveFile(contents, 'index.json')) images = await resolveOciLayout(store, contents, options);
  else if (resolveFile(contents, 'manifest.json')) images = await resolveDockerArchive(store, contents, onCommitted);
  else if (contents.files.size === 0 && contents.links.size === 0) throw invalidArchive('it is empty');
  else throw invalidArchive('it has neither index.json (OCI archive) nor manifest.json (Docker archive)');
  if (images.length === 0) throw invalidArchive('it lists no images');
  return images;
}

/** Drops this import's lease on each selected blob, deleting those that are new and nobody else leases. */
async function discard(
  store: ContentStore,
  leases: Map<Digest, () => void>,
  before: Set<Digest>,
  select: (digest: Digest) => boolean,
): Promise<void> {
  for (const [digest, release] of [...leases]) {
    if (!select(digest)) continue;
    release();
    leases.delete(digest);
    // Checked right after our release, in the same tick: a concurrent pull or import holding it keeps it.
    if (!before.has(digest) && !store.leased().has(digest)) await store.delete(digest);
  }
}
