/** Content digests (OCI `algorithm:hex`), and a hashing pass-through for verified streaming. */
import { createHash, type Hash } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { ForgeError } from '../errors';

const DIGEST_RE = /^sha256:[a-f0-9]{64}$/;

export type Digest = `sha256:${string}`;

export function isDigest(value: string): value is Digest {
  return DIGEST_RE.test(value);
}

export function assertDigest(value: string, what = 'digest'): Digest {
  if (!isDigest(value)) {
    throw new ForgeError('InvalidArgument', `invalid ${what} "${value}": expected sha256:<64 hex chars>`);
  }
  return value;
}

export function sha256(data: Buffer | string): Digest {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`;
}

export function digestHex(digest: Digest): string {
  return digest.slice('sha256:'.length);
}

/** The short 12-character ID Docker prints. */
export { shortId } from './short-id';

/** Counts and hashes bytes as they pass; `digest()` is valid once the stream ended. */
export class HashingStream extends Transform {
  private readonly hash: Hash = createHash('sha256');
  bytes = 0;

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.bytes += chunk.length;
    cb(null, chunk);
  }

  digest(): Digest {
    return `sha256:${this.hash.digest('hex')}`;
  }
}
