/** Native image routes under /v1: parse, call the runtime verb, respond. */
import type { IncomingMessage } from 'node:http';
import { PassThrough } from 'node:stream';
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { pull } from '../../runtime/pull';
import { push } from '../../runtime/push';
import { listImages } from '../../runtime/list-images';
import { inspectImage } from '../../runtime/inspect-image';
import { tag } from '../../runtime/tag';
import { removeImage } from '../../runtime/remove-image';
import { pruneImages } from '../../runtime/prune-images';
import { resolveSaveSet, saveImages } from '../../runtime/save-images';
import { loadImages } from '../../runtime/load-images';
import { parseRegistryAuthHeader } from '../../runtime/registry-auth';
import type { Router } from '../router';
import { boolParam, sendJson, streamProgress } from '../respond';

function required(query: URLSearchParams, name: string): string {
  const value = query.get(name);
  if (!value) throw new ForgeError('InvalidArgument', `query parameter "${name}" is required`);
  return value;
}

const registryAuth = parseRegistryAuthHeader;

export function registerImageRoutes(router: Router, rt: RuntimeContext): void {
  router.native('POST', '/images/pull', async ({ req, res, query }) => {
    const reference = required(query, 'reference');
    const auth = registryAuth(req.headers['x-registry-auth']);
    const platform = query.get('platform') ?? undefined;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    await streamProgress(
      res,
      (emit) => pull(rt, reference, { auth, onProgress: emit, signal: abort.signal, ...(platform ? { platform } : {}) }),
      (result) => ({ status: 'done', aux: { ...result } }),
    );
  });

  router.native('POST', '/images/push', async ({ req, res, query }) => {
    const reference = required(query, 'reference');
    const auth = registryAuth(req.headers['x-registry-auth']);
    await streamProgress(
      res,
      (emit) => push(rt, reference, { auth, onProgress: emit }),
      (result) => ({ status: 'done', aux: { ...result } }),
    );
  });

  router.native('GET', '/images', ({ res, query }) => {
    const reference = query.get('reference') ?? undefined;
    const dangling = query.get('dangling');
    sendJson(res, 200, listImages(rt, { ...(reference ? { reference } : {}), ...(dangling !== null ? { dangling: dangling === 'true' } : {}) }));
  });

  router.native('GET', '/images/inspect', async ({ res, query }) => {
    sendJson(res, 200, await inspectImage(rt, required(query, 'name')));
  });

  router.native('POST', '/images/tag', async ({ res, query }) => {
    sendJson(res, 201, await tag(rt, required(query, 'source'), required(query, 'target')));
  });

  router.native('DELETE', '/images', async ({ res, query }) => {
    const result = await removeImage(rt, required(query, 'name'), { force: boolParam(query, 'force'), noPrune: boolParam(query, 'noprune') });
    sendJson(res, 200, result);
  });

  router.native('POST', '/images/prune', async ({ res, query }) => {
    sendJson(res, 200, await pruneImages(rt, { all: boolParam(query, 'all') }));
  });

  router.native('GET', '/images/save', async ({ res, query }) => {
    const names = query.getAll('name');
    const format = query.get('format') ?? 'docker-archive';
    if (format !== 'docker-archive' && format !== 'oci-archive') {
      throw new ForgeError('InvalidArgument', `unknown archive format "${format}": use docker-archive or oci-archive`);
    }
    const images = resolveSaveSet(rt, names);
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    try {
      await saveImages(rt, images, format, res);
    } catch (err) {
      rt.logger.error('save failed after the response started', { error: (err as Error).message });
      res.destroy(err as Error);
    }
  });

  router.native('POST', '/images/load', async ({ req, res }) => {
    // The importer destroys its input when it fails; destroying the request itself would reset
    // the connection before the client reads the error. It reads a copy; on failure the rest of
    // the upload is drained, then the error is sent.
    const input = new PassThrough();
    req.pipe(input);
    req.on('error', (err) => input.destroy(err));
    req.on('close', () => {
      if (!req.complete) input.destroy(new ForgeError('Unavailable', 'the client closed the connection before the end of the archive'));
    });
    await streamProgress(
      res,
      async (emit) => {
        try {
          return await loadImages(rt, input, emit);
        } catch (err) {
          req.unpipe(input);
          await drain(req);
          throw err;
        }
      },
      (result) => ({ status: 'done', aux: { ...result } }),
    );
  });
}

/** Reads and discards what is left of a request body. */
function drain(req: IncomingMessage): Promise<void> {
  if (req.readableEnded || req.destroyed) return Promise.resolve();
  return new Promise((resolve) => {
    req.once('end', resolve);
    req.once('close', resolve);
    req.resume();
  });
}
