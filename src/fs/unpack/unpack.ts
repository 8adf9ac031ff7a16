/**
 * The project's own safe layer unpacker: blob file → decompress → sha256 → tar reader → layer
 * writer. The whole uncompressed stream (the tar's trailing padding included) is hashed while it
 * is written, and compared with the diffID at the end; the caller unpacks into a scratch dir and
 * throws it away on any error, so a mismatched or hostile layer leaves nothing behind.
 */
import { promises as fs } from 'node:fs';
import { pipeline, type Readable } from 'node:stream';
import { ForgeError, errors, fromErrno } from '../../errors';
import { HashingStream, type Digest } from '../../util/digest';
import type { SpecialFiles } from '../types';
import { ByteReader } from './byte-reader';
import { openLayer } from './decompress';
import { LayerWriter, type SkippedEntry } from './layer-writer';
import { readTar } from './tar-reader';
import { defaultXattrPolicy, type XattrPolicy } from './xattr-policy';

export interface UnpackOptions {
  /** Creates whiteouts, fifos and xattrs (the Linux adapter in production). */
  special: SpecialFiles;
  /** Snapshot fs dirs of the layers below, nearest first. Default: none (a bottom layer). */
  lowers?: readonly string[];
  /** When given, a different sha256 of the uncompressed tar fails the unpack (InvalidArgument). */
  expectedDiffId?: Digest;
  /** Which PAX xattrs to write. Default `defaultXattrPolicy` (see xattr-policy.ts). */
  xattrPolicy?: XattrPolicy;
  /** Compressed bytes read so far, for progress. */
  onBytes?: (bytes: number) => void;
}

export interface UnpackResult {
  diffId: Digest;
  /** Bytes of the uncompressed tar. */
  size: number;
  entries: number;
  /** Entries not written (devices, aufs metadata), at most 100. */
  skipped: SkippedEntry[];
}

/** Unpacks a layer blob (its file, or its bytes as they arrive) into the existing, empty directory `target`. */
export async function unpackLayer(blob: string | Readable, mediaType: string, target: string, options: UnpackOptions): Promise<UnpackResult> {
  const targetStats = await fs.lstat(target);
  if (!targetStats.isDirectory() || (await fs.readdir(target)).length > 0) {
    throw errors.failedPrecondition(`unpack target ${target} must be an empty directory`);
  }
  const setgid = (targetStats.mode & 0o2000) !== 0;
  const tarStream = await openLayer(blob, mediaType, options.onBytes ? { onBytes: options.onBytes } : {});
  const hasher = new HashingStream();
  const hashed = pipeline(tarStream, hasher, () => undefined);
  const reader = new ByteReader(hashed);
  const writer = new LayerWriter(target, {
    lowers: options.lowers ?? [],
    special: options.special,
    xattrPolicy: options.xattrPolicy ?? defaultXattrPolicy,
    ...(setgid || !process.geteuid ? {} : { creator: { uid: process.geteuid(), gid: process.getegid!() } }),
  });
  try {
    for await (const entry of readTar(reader)) await writer.write(entry);
    await reader.drain();
    const diffId = hasher.digest();
    if (options.expectedDiffId !== undefined && diffId !== options.expectedDiffId) {
      throw errors.invalidArgument(`layer content does not match its diffID: expected ${options.expectedDiffId}, got ${diffId}`, {
        details: { expected: options.expectedDiffId, actual: diffId },
      });
    }
    await writer.finish();
    return { diffId, size: hasher.bytes, entries: writer.entries, skipped: writer.skipped };
  } catch (err) {
    hashed.destroy();
    throw unpackError(err);
  }
}

function unpackError(err: unknown): ForgeError {
  if (err instanceof ForgeError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (typeof code === 'string' && code.startsWith('Z_')) {
    return errors.invalidArgument(`layer is not valid gzip: ${(err as Error).message}`, { cause: err });
  }
  return fromErrno(err, 'unpacking layer') ?? errors.internal(`unpacking layer: ${(err as Error).message}`, { cause: err });
}
