/**
 * The streaming half of an import: reads the (optionally gzip) tar once, front to back, and
 * commits each regular file to the content store as it goes by; the store hashes it. Nothing is
 * ever written to a path taken from the archive. Entries that could mean harm on extraction
 * (absolute or `..` names, hardlinks, devices, fifos, symlinks out of the archive) fail the import
 * at once. In-archive symlinks are kept as name aliases only, because skopeo's docker-archive
 * writer (and docker save before 25) link `<id>/layer.tar` to the real layer file.
 */
import { PassThrough, pipeline, type Readable } from 'node:stream';
import { createGunzip } from 'node:zlib';
import * as tar from 'tar-stream';
import { ForgeError, fromErrno } from '../../errors';
import type { Digest } from '../../util/digest';
import type { BlobInfo, ContentStore } from '../types';
import { invalidArchive, normalizeArchivePath, symlinkTarget, type ArchiveContents } from './contents';

export interface ReadArchiveOptions {
  /** Largest entry accepted, in bytes. Default: no limit. */
  maxEntrySize?: number;
  /** Called as soon as a blob is committed, so the caller can lease it before anything else runs. */
  onCommitted: (blob: BlobInfo) => void;
}

type TarEntry = tar.ExtractEvents['entry'][1];

/** A file under blobs/sha256/ must hash to its name (OCI image layout). */
const LAYOUT_BLOB = /^blobs\/sha256\/([a-f0-9]{64})$/;
/** No image archive has this many entries; the bound keeps a hostile one from running for hours. */
const MAX_ENTRIES = 100_000;

/** Reads the whole archive into the store; consumes `input`, and destroys it on failure. */
export async function readArchive(store: ContentStore, input: Readable, options: ReadArchiveOptions): Promise<ArchiveContents> {
  const contents: ArchiveContents = { files: new Map(), links: new Map() };
  const head = await peek(input, 6);
  const compression = compressionOf(head);
  if (compression !== 'none' && compression !== 'gzip') {
    input.destroy();
    throw invalidArchive(`it is compressed with ${compression}; only uncompressed and gzip archives can be loaded`);
  }
  let source: Readable = input;
  if (compression === 'gzip') {
    const gunzip = createGunzip();
    pipeline(input, gunzip, () => undefined); // errors reach the extractor through `source`
    source = gunzip;
  }
  const extract = tar.extract();
  source.on('error', (err) => extract.destroy(err));
  source.pipe(extract as unknown as NodeJS.WritableStream);

  let count = 0;
  try {
    for await (const entry of extract) {
      if (++count > MAX_ENTRIES) throw invalidArchive(`it has more than ${MAX_ENTRIES} entries`);
      await take(store, entry, contents, options);
    }
  } catch (err) {
    extract.destroy();
    source.destroy();
    input.destroy();
    throw archiveError(err);
  }
  return contents;
}

/** Checks one entry and, for a regular file, streams it into the store. */
async function take(store: ContentStore, entry: TarEntry, contents: ArchiveContents, options: ReadArchiveOptions): Promise<void> {
  const { header } = entry;
  const name = normalizeArchivePath(header.name);
  if (header.type === 'directory') return void entry.resume();
  if (name === '') throw invalidArchive(`entry "${header.name}" has no name`);
  if (contents.files.has(name) || contents.links.has(name)) throw invalidArchive(`entry "${header.name}" appears more than once`);
  if (header.type === 'symlink') {
    contents.links.set(name, symlinkTarget(name, header.linkname));
    return void entry.resume();
  }
  if (header.type !== 'file' && header.type !== 'contiguous-file') {
    throw invalidArchive(`entry "${header.name}" is a ${header.type ?? 'entry of unknown type'}; an image archive holds only files, directories and symlinks within it`);
  }
  if (options.maxEntrySize !== undefined && header.size > options.maxEntrySize) {
    throw invalidArchive(`entry "${header.name}" is ${header.size} bytes, more than the ${options.maxEntrySize} allowed`);
  }
  const claimed = LAYOUT_BLOB.exec(name)?.[1];
  // A layout blob is verified against its name before it is committed, and one already in the
  // store is not written again.
  const expected = claimed ? { digest: `sha256:${claimed}` as Digest, size: header.size } : undefined;
  const blob = await store.write(nodeStream(entry), expected ? { expected } : {}).catch((err: unknown) => {
    throw entryError(err, header.name);
  });
  options.onCommitted(blob);
  contents.files.set(name, blob);
}

/** The first `n` bytes (fewer if the stream is shorter), pushed back so the stream still starts at 0. */
function peek(input: Readable, n: number): Promise<Buffer> {
  if (input.readableEnded) return Promise.resolve(Buffer.alloc(0));
  return new Promise((resolve, reject) => {
    const done = (err: Error | null, head: Buffer | null): void => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', onError);
      if (err) return reject(archiveError(err));
      if (head && head.length > 0) input.unshift(head);
      resolve(head ?? Buffer.alloc(0));
    };
    const onReadable = (): void => {
      const head = input.read(n) as Buffer | null;
      if (head !== null) done(null, head);
    };
    const onEnd = (): void => done(null, null);
    const onError = (err: Error): void => done(err, null);
    input.on('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', onError);
  });
}

function compressionOf(head: Buffer): string {
  if (head[0] === 0x1f && head[1] === 0x8b) return 'gzip';
  if (head.subarray(0, 4).equals(Buffer.from([0x28, 0xb5, 0x2f, 0xfd]))) return 'zstd';
  if (head.subarray(0, 6).equals(Buffer.from([0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]))) return 'xz';
  if (head.subarray(0, 3).toString('latin1') === 'BZh') return 'bzip2';
  return 'none';
}

/**
 * A node stream fed from a tar entry (a streamx stream). When the store stops reading early (a
 * blob it already has), the rest of the entry is drained here: destroying the entry itself would
 * destroy the whole extractor.
 */
function nodeStream(entry: TarEntry): Readable {
  const out = new PassThrough();
  // The entry can fail (truncated archive) before the store starts reading `out`; the store's
  // pipeline still sees the error, and so does the extractor loop, so none is lost here.
  out.on('error', () => undefined);
  entry.on('data', (chunk: unknown) => {
    if (!out.destroyed && !out.write(chunk as Buffer)) entry.pause();
  });
  out.on('drain', () => entry.resume());
  out.on('close', () => entry.resume());
  entry.on('end', () => out.end());
  entry.on('error', (err: unknown) => out.destroy(err as Error));
  return out;
}

function entryError(err: unknown, name: string): unknown {
  if (err instanceof ForgeError && err.code === 'InvalidArgument' && !err.message.startsWith('invalid image archive')) {
    return invalidArchive(`entry "${name}": ${err.message}`, { cause: err });
  }
  return err;
}

/** Errors of the archive bytes (tar, gzip) are the caller's InvalidArgument; I/O errors keep their errno code. */
function archiveError(err: unknown): ForgeError {
  if (err instanceof ForgeError) return err;
  const errno = fromErrno(err, 'reading the archive');
  if (errno) return errno;
  const message = err instanceof Error ? err.message : String(err);
  return invalidArchive(`it is truncated, corrupt or not a tar archive (${message})`, { cause: err });
}
