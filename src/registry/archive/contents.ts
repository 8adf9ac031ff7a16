/**
 * What an import knows once the tar stream has gone by: which archive path became which blob in
 * the store, and which paths are symlinks to other paths. Also the path rules (no absolute paths,
 * no `..`) and the small readers both resolvers share. Nothing here touches the host filesystem:
 * archive paths are only names, looked up in these maps.
 */
import * as posix from 'node:path/posix';
import { ForgeError } from '../../errors';
import { formatReference, parseReference } from '../reference';
import type { BlobInfo, ContentStore } from '../types';

export interface ArchiveContents {
  /** Normalised path of each regular file → the blob it was committed as. */
  files: Map<string, BlobInfo>;
  /** Normalised path of each symlink → normalised path of its target, inside the archive. */
  links: Map<string, string>;
}

/** manifest.json, index.json, manifests and configs are read into memory; nothing legitimate is this big. */
export const MAX_METADATA_BYTES = 16 * 1024 * 1024;
/** Longest chain of symlinks followed (skopeo writes one hop). */
const MAX_LINK_HOPS = 8;

export function invalidArchive(message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}): ForgeError {
  return new ForgeError('InvalidArgument', `invalid image archive: ${message}`, {
    ...options,
    hint: 'the file must be a tar (optionally gzip) written by docker save, podman save, skopeo or forgeone save',
  });
}

/** `./a//b/` → `a/b`; refuses absolute paths and any `..` component, whatever it would resolve to. */
export function normalizeArchivePath(name: string): string {
  if (name.includes('\0')) throw invalidArchive(`entry name ${JSON.stringify(name)} contains a NUL byte`);
  if (name.startsWith('/')) throw invalidArchive(`entry "${name}" has an absolute path`);
  const parts = name.split('/').filter((p) => p !== '' && p !== '.');
  if (parts.includes('..')) throw invalidArchive(`entry "${name}" has a ".." path component`);
  return parts.join('/');
}

/** Where a symlink at `name` points, as an archive path; refuses targets outside the archive. */
export function symlinkTarget(name: string, target: string): string {
  if (target === '' || target.startsWith('/')) {
    throw invalidArchive(`symlink "${name}" points to "${target}", outside the archive`);
  }
  const resolved = posix.normalize(posix.join(posix.dirname(name), target));
  if (resolved === '..' || resolved.startsWith('../') || resolved === '.') {
    throw invalidArchive(`symlink "${name}" points to "${target}", outside the archive`);
  }
  return resolved;
}

/** The blob at an archive path named by manifest.json or index.json, following in-archive symlinks. */
export function resolveFile(contents: ArchiveContents, name: string): BlobInfo | undefined {
  let current = normalizeArchivePath(name);
  for (let hop = 0; hop <= MAX_LINK_HOPS; hop++) {
    const file = contents.files.get(current);
    if (file) return file;
    const next = contents.links.get(current);
    if (next === undefined) return undefined;
    current = next;
  }
  throw invalidArchive(`"${name}" is a chain of more than ${MAX_LINK_HOPS} symlinks`);
}

/** Like resolveFile, but a missing file is an error naming who referenced it. */
export function requireFile(contents: ArchiveContents, name: string, referrer: string): BlobInfo {
  const file = resolveFile(contents, name);
  if (!file) throw invalidArchive(`${referrer} references "${name}", which is not in the archive`, { details: { path: name } });
  return file;
}

/** Reads a small blob (a JSON document) the import committed, refusing sizes no such document has. */
export async function readMetadata(store: ContentStore, blob: BlobInfo, what: string): Promise<Buffer> {
  if (blob.size > MAX_METADATA_BYTES) {
    throw invalidArchive(`${what} is ${blob.size} bytes, more than the ${MAX_METADATA_BYTES} allowed`);
  }
  return store.read(blob.digest);
}

export function parseJsonDocument(bytes: Buffer, what: string): unknown {
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw invalidArchive(`${what} is not valid JSON`, { cause: err });
  }
}

/** A name the archive gives an image, normalised to the full form; a malformed one fails the import. */
export function normaliseImageName(name: string, where: string): string {
  try {
    return formatReference(parseReference(name));
  } catch (err) {
    throw invalidArchive(`${where} names the image "${name}", which is not a valid reference`, { cause: err });
  }
}

/** Wraps the InvalidArgument errors of shared parsers so the message says it was the archive. */
export async function inArchive<T>(what: string, work: () => Promise<T> | T): Promise<T> {
  try {
    return await work();
  } catch (err) {
    if (err instanceof ForgeError && err.code === 'InvalidArgument' && !err.message.startsWith('invalid image archive')) {
      throw invalidArchive(`${what}: ${err.message}`, { cause: err });
    }
    throw err;
  }
}

