/**
 * The content store as an OCI image layout (oci-layout, index.json, blobs/sha256/<hex>), so
 * skopeo and umoci read it as they read any layout. Writes go to an ingest area beside it
 * (same filesystem), are verified while streaming, fsynced, and renamed into place: a reader
 * or a crash never sees a half blob.
 */
import { createReadStream, createWriteStream, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { randomBytes } from 'node:crypto';
import { PassThrough, Readable, Transform } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { ForgeError, fromErrno } from '../../errors';
import { MirrorStream } from '../../util/mirror-stream';
import { HashingStream, digestHex, isDigest, sha256, type Digest } from '../../util/digest';
import { SingleFlight } from '../../util/concurrency';
import { writeFileAtomic, fsyncDir } from '../../util/atomic-file';
import { ANNOTATION_REF_NAME, MediaTypes } from '../../config/oci-image';
import type { BlobInfo, ContentStore, ExpectedBlob, IndexEntry, WriteBlobOptions } from '../types';

export interface OciLayoutStoreOptions {
  /** The layout directory. */
  root: string;
  /** Staging directory; must be on the same filesystem as root. Default `<root>/../ingest`. */
  ingest?: string;
}

export class OciLayoutStore implements ContentStore {
  readonly root: string;
  private readonly ingestDir: string;
  private readonly blobsDir: string;
  private readonly writes = new SingleFlight<BlobInfo>();
  private readonly leases = new Map<Digest, number>();

  constructor(options: OciLayoutStoreOptions) {
    this.root = options.root;
    this.ingestDir = options.ingest ?? path.join(path.dirname(options.root), 'ingest');
    this.blobsDir = path.join(this.root, 'blobs', 'sha256');
  }

  async init(): Promise<void> {
    await fs.mkdir(this.blobsDir, { recursive: true, mode: 0o700 });
    await fs.rm(this.ingestDir, { recursive: true, force: true });
    await fs.mkdir(this.ingestDir, { recursive: true, mode: 0o700 });
    const layoutFile = path.join(this.root, 'oci-layout');
    if (!(await exists(layoutFile))) {
      await writeFileAtomic(layoutFile, JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    }
    if (!(await exists(path.join(this.root, 'index.json')))) await this.writeIndex([]);
  }

  path(digest: Digest): string {
    if (!isDigest(digest)) throw new ForgeError('InvalidArgument', `invalid digest "${digest}"`);
    return path.join(this.blobsDir, digestHex(digest));
  }

  async has(digest: Digest): Promise<boolean> {
    return (await this.stat(digest)) !== undefined;
  }

  async stat(digest: Digest): Promise<BlobInfo | undefined> {
    try {
      const st = await fs.stat(this.path(digest));
      return { digest, size: st.size };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  async read(digest: Digest): Promise<Buffer> {
    try {
      return await fs.readFile(this.path(digest));
    } catch (err) {
      throw this.blobError(err, digest);
    }
  }

  open(digest: Digest): Readable {
    // Piped through a PassThrough so that a missing blob surfaces as a ForgeError NotFound.
    const out = new PassThrough();
    const file = createReadStream(this.path(digest));
    file.on('error', (err) => out.destroy(this.blobError(err, digest)));
    out.on('close', () => file.destroy());
    return file.pipe(out);
  }

  async write(source: Readable | (() => Promise<Readable>), options: WriteBlobOptions = {}): Promise<BlobInfo> {
    try {
      return await this.writeShared(source, options);
    } finally {
      // The blob was there already, or another write of it did the work: this mirror got nothing.
      const m = options.mirror;
      if (m && !m.destroyed && !m.writableEnded) m.destroy(new Error('the blob was not downloaded by this write'));
    }
  }

  private writeShared(source: Readable | (() => Promise<Readable>), options: WriteBlobOptions): Promise<BlobInfo> {
    const expected = options.expected;
    if (!expected) return this.writeUnshared(source, options);
    // Two pulls of the same layer at once download it once; the second one waits.
    return this.writes.do(expected.digest, async () => {
      const existing = await this.stat(expected.digest);
      if (existing && (expected.size === undefined || existing.size === expected.size)) {
        if (typeof source !== 'function') source.destroy();
        return existing;
      }
      return this.writeUnshared(source, options);
    });
  }

  private async writeUnshared(source: Readable | (() => Promise<Readable>), options: WriteBlobOptions): Promise<BlobInfo> {
    const { expected, onProgress, signal } = options;
    const tmp = path.join(this.ingestDir, `${Date.now()}-${randomBytes(8).toString('hex')}`);
    const hasher = new HashingStream();
    let mirror: MirrorStream | undefined;
    let lastReport = 0;
    if (onProgress) {
      hasher.on('data', () => {
        const now = Date.now();
        if (now - lastReport >= 100) {
          lastReport = now;
          onProgress(hasher.bytes);
        }
      });
    }
    try {
      const input = typeof source === 'function' ? await source() : source;
      const limit = expected?.size;
      const guard = new SizeGuard(limit, expected?.digest);
      const out = createWriteStream(tmp, { mode: 0o644 });
      mirror = options.mirror ? new MirrorStream(options.mirror) : undefined;
      await (mirror ? pipeline(input, guard, hasher, mirror, out, signal ? { signal } : {}) : pipeline(input, guard, hasher, out, signal ? { signal } : {}));
      const digest = hasher.digest();
      const size = hasher.bytes;
      if (expected) {
        if (expected.size !== undefined && size !== expected.size) {
          throw new ForgeError('InvalidArgument', `blob ${expected.digest} is ${size} bytes, expected ${expected.size}`, {
            details: { digest: expected.digest, size, expectedSize: expected.size },
          });
        }
        if (digest !== expected.digest) {
          throw new ForgeError('InvalidArgument', `blob content does not match its digest: expected ${expected.digest}, got ${digest}`, {
            details: { expected: expected.digest, actual: digest },
          });
        }
      }
      onProgress?.(size);
      const handle = await fs.open(tmp, 'r');
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fs.rename(tmp, this.path(digest));
      await fsyncDir(this.blobsDir);
      mirror?.finish();
      return { digest, size };
    } catch (err) {
      mirror?.abort(err as Error);
      await fs.rm(tmp, { force: true });
      if (err instanceof ForgeError) throw err;
      throw fromErrno(err, 'writing blob to the content store') ?? err;
    }
  }

  async put(data: Buffer, expected?: ExpectedBlob): Promise<BlobInfo> {
    const digest = sha256(data);
    if (expected && expected.digest !== digest) {
      throw new ForgeError('InvalidArgument', `content does not match its digest: expected ${expected.digest}, got ${digest}`);
    }
    if (expected?.size !== undefined && expected.size !== data.length) {
      throw new ForgeError('InvalidArgument', `blob ${digest} is ${data.length} bytes, expected ${expected.size}`);
    }
    return this.write(Readable.from([data]), { expected: { digest, size: data.length } });
  }

  async delete(digest: Digest): Promise<void> {
    await fs.rm(this.path(digest), { force: true });
  }

  async list(): Promise<BlobInfo[]> {
    const names = await fs.readdir(this.blobsDir);
    const out: BlobInfo[] = [];
    for (const name of names) {
      const digest = `sha256:${name}`;
      if (!isDigest(digest)) continue;
      const info = await this.stat(digest);
      if (info) out.push(info);
    }
    return out;
  }

  async writeIndex(entries: IndexEntry[]): Promise<void> {
    const manifests = [...entries]
      .sort((a, b) => a.name.localeCompare(b.name))
      .map((e) => ({
        ...e.descriptor,
        annotations: { ...(e.descriptor.annotations ?? {}), [ANNOTATION_REF_NAME]: e.name },
      }));
    const index = { schemaVersion: 2, mediaType: MediaTypes.ociIndex, manifests };
    await writeFileAtomic(path.join(this.root, 'index.json'), JSON.stringify(index, null, 2) + '\n');
  }

  lease(digests: Iterable<Digest>): () => void {
    const held = [...digests];
    for (const d of held) this.leases.set(d, (this.leases.get(d) ?? 0) + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      for (const d of held) {
        const n = (this.leases.get(d) ?? 1) - 1;
        if (n <= 0) this.leases.delete(d);
        else this.leases.set(d, n);
      }
    };
  }

  leased(): Set<Digest> {
    return new Set(this.leases.keys());
  }

  private blobError(err: unknown, digest: Digest): Error {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      return new ForgeError('NotFound', `blob ${digest} is not in the content store`, { cause: err });
    }
    return fromErrno(err, `reading blob ${digest}`) ?? (err as Error);
  }
}

/** Fails the stream as soon as more bytes arrive than the descriptor announced. */
class SizeGuard extends Transform {
  private seen = 0;
  constructor(private readonly limit: number | undefined, private readonly digest: string | undefined) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null, data?: Buffer) => void): void {
    this.seen += chunk.length;
    if (this.limit !== undefined && this.seen > this.limit) {
      cb(new ForgeError('InvalidArgument', `blob ${this.digest ?? ''} is larger than its descriptor says (${this.limit} bytes)`));
      return;
    }
    cb(null, chunk);
  }
}

async function exists(file: string): Promise<boolean> {
  try {
    await fs.access(file);
    return true;
  } catch {
    return false;
  }
}
