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

/** The uncompressed tar stream of the blob at `file`. */
export async function openLayer(file: string, mediaType: string, options: OpenLayerOptions = {}): Promise<Readable> {
  if (mediaType.includes('+encrypted')) {
    throw errors.notImplemented(`layer media type ${mediaType} is encrypted; decrypting layers is not supported yet`);
  }
  const head = Buffer.alloc(4);
  try {
    const handle = await fs.open(file, 'r');
    try {
      await handle.read(head, 0, 4, 0);
    } finally {
      await handle.close();
    }
  } catch (err) {
    throw fromErrno(err, `opening layer blob ${file}`) ?? err;
  }
  const stages: Array<Readable | Transform> = [createReadStream(file, { highWaterMark: 1 << 20 })];
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
