/**
 * Blob upload (OCI distribution spec, "pushing blobs"): POST opens a session, then either one
 * PUT ?digest= with the whole blob (up to the chunk size) or PATCHes of chunk-size pieces with
 * Content-Range, each to the Location the previous answer gave, closed by a PUT ?digest=.
 *
 * A transient failure restarts the upload from a new session, because after a lost answer we
 * cannot know how much of a chunk the registry kept; so single requests here are not retried.
 * At most one chunk is held in memory.
 */
import type { Readable } from 'node:stream';
import { ForgeError } from '../../errors';
import { retry } from '../../util/retry';
import { repositoryName, type ImageReference } from '../reference';
import type { UploadSource } from '../types';
import { discard, readBody } from './body';
import { isTransient, type ErrorContext } from './errors';
import { registryRequest, type RequestScope } from './request';
import { pushScope } from './scopes';
import type { HttpResponse } from './transport';

export interface UploadOptions {
  /** Blobs up to this size go in one PUT; larger ones in PATCHes of this size. */
  chunkSize: number;
  /** Called with the total bytes the registry has accepted so far. */
  onProgress?: (bytes: number) => void;
}

const OCTET_STREAM = { 'content-type': 'application/octet-stream' };

export async function uploadBlob(scope: RequestScope, ref: ImageReference, source: UploadSource, options: UploadOptions): Promise<void> {
  await retry(() => uploadOnce(scope, ref, source, options), {
    attempts: scope.attempts,
    baseDelayMs: scope.baseDelayMs,
    isTransient,
    ...(scope.signal ? { signal: scope.signal } : {}),
  });
}

async function uploadOnce(scope: RequestScope, ref: ImageReference, source: UploadSource, options: UploadOptions): Promise<void> {
  const { digest, size } = source.descriptor;
  const context: ErrorContext = { kind: 'upload', registry: scope.endpoint.registry, repository: repositoryName(ref), subject: digest };
  const scopes = [pushScope(ref.path)];
  const send = async (method: 'POST' | 'PATCH' | 'PUT', target: string | URL, expect: number[], body: Buffer, headers = {}) => {
    const res = await registryRequest(scope, { method, target, body, headers, scopes, expect, context, retry: false });
    await discard(res.body);
    return res;
  };

  const started = await send('POST', `/v2/${ref.path}/blobs/uploads/`, [202], Buffer.alloc(0));
  let location = nextLocation(started, undefined, scope.endpoint.host);
  try {
    if (size <= options.chunkSize) {
      const data = await readBody(source.open(), size, `blob ${digest}`);
      if (data.length !== size) throw sizeMismatch(digest, data.length, size);
      await send('PUT', withDigest(location, digest), [201, 204], data, OCTET_STREAM);
      options.onProgress?.(size);
      return;
    }
    let offset = 0;
    for await (const chunk of chunksOf(source.open(), options.chunkSize)) {
      const range = `${offset}-${offset + chunk.length - 1}`;
      const res = await send('PATCH', location, [202], chunk, { ...OCTET_STREAM, 'content-range': range });
      location = nextLocation(res, location, scope.endpoint.host);
      offset += chunk.length;
      options.onProgress?.(offset);
    }
    if (offset !== size) throw sizeMismatch(digest, offset, size);
    await send('PUT', withDigest(location, digest), [201, 204], Buffer.alloc(0));
  } catch (err) {
    await cancelUpload(scope, location, scopes, context);
    throw err;
  }
}

/** Ends an upload session we will not finish, so the registry can free it; never throws. */
export async function cancelUpload(scope: RequestScope, location: URL, scopes: readonly string[], context: ErrorContext): Promise<void> {
  try {
    const res = await registryRequest(
      { ...scope, attempts: 1 },
      { method: 'DELETE', target: location, scopes, expect: [200, 202, 204, 404], context, retry: false },
    );
    await discard(res.body);
  } catch {
    // Best effort: registries expire abandoned sessions on their own.
  }
}

/** The Location of an upload answer, absolute or relative to the request, required after POST. */
export function nextLocation(res: HttpResponse, previous: URL | undefined, host: string): URL {
  const location = res.headers.location;
  if (typeof location === 'string' && location !== '') return new URL(location, res.url);
  if (previous) return previous;
  throw new ForgeError('Internal', `registry ${host} started an upload without a Location header`, { details: { url: res.url.toString() } });
}

/** Adds ?digest= to an upload URL, keeping the registry's own query (`_state`, ...). */
export function withDigest(location: URL, digest: string): URL {
  const url = new URL(location);
  url.searchParams.set('digest', digest);
  return url;
}

/** Splits a stream into buffers of exactly `size` bytes (the last may be shorter). */
export async function* chunksOf(stream: Readable, size: number): AsyncGenerator<Buffer> {
  let parts: Buffer[] = [];
  let length = 0;
  for await (const data of stream as AsyncIterable<Buffer | string>) {
    let buf = typeof data === 'string' ? Buffer.from(data) : data;
    while (buf.length > 0) {
      const take = Math.min(size - length, buf.length);
      parts.push(buf.subarray(0, take));
      length += take;
      buf = buf.subarray(take);
      if (length === size) {
        yield Buffer.concat(parts);
        parts = [];
        length = 0;
      }
    }
  }
  if (length > 0) yield Buffer.concat(parts);
}

function sizeMismatch(digest: string, got: number, expected: number): ForgeError {
  return new ForgeError('Internal', `blob ${digest} gave ${got} bytes to upload, its descriptor says ${expected}`, { details: { digest, got, expected } });
}
