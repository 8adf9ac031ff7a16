/**
 * Opens a layer blob as a stream of uncompressed tar bytes. The compression is read from the
 * blob's first bytes (as containerd does), not trusted from the media type, so a mislabelled
 * layer still unpacks and the diffID check still guards its content. gzip uses node:zlib; zstd
 * uses fzstd (pure JS: Node 20's zlib has no zstd). Encrypted layers are refused.
 */
import { createReadStream, promises as fs } from 'node:fs';
import { Transform, pipeline, type Readable, type TransformCallback } from 'node:stream';
import { createGunzip } from 'node:zlib';
import { Decompress } from 'fzstd';
import { errors, fromErrno } from '../../errors';

export type Compression = 'gzip' | 'zstd' | 'none';

const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const ZSTD_MAGIC = Buffer.from([0x28, 0xb5, 0x2f, 0xfd]);

export function detectCompression(head: Buffer): Compression {
  if (head.subarray(0, 2).equals(GZIP_MAGIC)) return 'gzip';
  if (head.subarray(0, 4).equals(ZSTD_MAGIC)) return 'zstd';
  return 'none';
}

export interface OpenLayerOptions {
  /** Called with the count of compressed bytes read so far, for progress. */
  onBytes?: (bytes: number) => void;
}

/** The uncompressed tar stream of a layer blob: the file at `source`, or its bytes as they arrive. */
export async function openLayer(source: string | Readable, mediaType: string, options: OpenLayerOptions = {}): Promise<Readable> {
  if (mediaType.includes('+encrypted')) {
    throw errors.notImplemented(`layer media type ${mediaType} is encrypted; decrypting layers is not supported yet`);
  }
  let input: Readable;
  let head: Buffer;
  if (typeof source === 'string') {
    head = Buffer.alloc(4);
    try {
      const handle = await fs.open(source, 'r');
      try {
        await handle.read(head, 0, 4, 0);
      } finally {
        await handle.close();
      }
    } catch (err) {
      throw fromErrno(err, `opening layer blob ${source}`) ?? err;
    }
    input = createReadStream(source, { highWaterMark: 1 << 20 });
  } else {
    head = await peek(source, 4);
    input = source;
  }
  const stages: Array<Readable | Transform> = [input];
  if (options.onBytes) {
    const onBytes = options.onBytes;
    let bytes = 0;
    stages.push(
      new Transform({
        transform(chunk: Buffer, _enc, cb) {
          bytes += chunk.length;
          onBytes(bytes);
          cb(null, chunk);
        },
      }),
    );
  }
  const compression = detectCompression(head);
  if (compression === 'gzip') stages.push(createGunzip({ chunkSize: 1 << 20 }));
  if (compression === 'zstd') stages.push(new ZstdDecompress());
  if (stages.length === 1) return stages[0]!;
  // pipeline() tears every stage down when the last one is destroyed or any one fails, so a
  // consumer that stops early never leaves the blob file open; errors reach the last stage.
  pipeline(stages, () => undefined);
  return stages.at(-1)!;
}

/**
 * The first `n` bytes of a stream (fewer if it ends first), put back so they are read again.
 * A stream destroyed before or while it is peeked at rejects: a layer mirrored from a download
 * is destroyed, maybe before its unpack starts, when another write got the blob (a peek that
 * waited for 'readable' or 'end' there hung the unpack, and every prepare of that snapshot).
 */
export function peek(input: Readable, n: number): Promise<Buffer> {
  return new Promise<Buffer>((resolve, reject) => {
    const closedEarly = () => input.errored ?? errors.unavailable('the layer stream was closed before it was read to its end');
    if (input.destroyed) return reject(closedEarly());
    const chunks: Buffer[] = [];
    let length = 0;
    const done = (err?: Error) => {
      input.off('readable', onReadable);
      input.off('end', onEnd);
      input.off('error', done);
      input.off('close', onClose);
      const got = Buffer.concat(chunks);
      // A stream that ended shorter than `n` cannot take its bytes back; such a layer is no tar,
      // and its digest check fails.
      if (got.length > 0 && !input.destroyed && !input.readableEnded) input.unshift(got);
      if (err) reject(err);
      else resolve(got.subarray(0, n));
    };
    const onReadable = () => {
      let chunk: Buffer | null;
      while (length < n && (chunk = input.read() as Buffer | null) !== null) {
        chunks.push(chunk);
        length += chunk.length;
      }
      if (length >= n) done();
    };
    const onEnd = () => done();
    const onClose = () => done(closedEarly());
    input.on('readable', onReadable);
    input.once('end', onEnd);
    input.once('error', done);
    input.once('close', onClose);
    if (input.readableEnded) done();
  });
}

/** A Transform over fzstd's streaming decompressor. */
class ZstdDecompress extends Transform {
  private readonly inner = new Decompress((data) => {
    // fzstd may reuse its output memory for the window: copy before handing it on.
    if (data.length > 0) this.push(Buffer.from(data));
  });

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    try {
      this.inner.push(chunk);
      cb();
    } catch (err) {
      cb(zstdError(err));
    }
  }

  override _flush(cb: TransformCallback): void {
    try {
      this.inner.push(new Uint8Array(0), true);
      cb();
    } catch (err) {
      cb(zstdError(err));
    }
  }
}

function zstdError(err: unknown) {
  return errors.invalidArgument(`layer is not valid zstd: ${(err as Error).message}`, { cause: err });
}
