/**
 * Docker image routes: create (pull, with Docker's JSON progress stream), list, inspect, history,
 * tag, remove, push, get (save) and load, prune. Search, build, import and commit are 501.
 */
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
import { boolParam, sendJson } from '../respond';
import { dockerProgress } from './progress';
import { notImplemented, supportsVersion, type DockerRoutes } from './route';
import { dockerImageHistory, dockerImageInspect, dockerImageSummary } from './translate/image-shape';
import { IMAGE_FILTERS, parseDockerFilters } from './translate/filters';
import { filterImages, pullReference } from './translate/image-filters';

export function registerDockerImageRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  docker.route('POST', '/images/create', async ({ req, res, query }) => {
    if (query.get('fromSrc')) throw new ForgeError('NotImplemented', 'importing a root filesystem (docker import) is not supported', { hint: 'use docker load with an image archive' });
    const reference = pullReference(query.get('fromImage'), query.get('tag'));
    const auth = parseRegistryAuthHeader(req.headers['x-registry-auth']);
    const platform = query.get('platform') || undefined;
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    await dockerProgress(res, (emit) => pull(rt, reference, { auth, onProgress: emit, signal: abort.signal, ...(platform ? { platform } : {}) }));
  });

  docker.route('GET', '/images/json', async ({ res, query, apiVersion }) => {
    const filters = parseDockerFilters(query.get('filters'), IMAGE_FILTERS);
    const withLabels = await Promise.all(
      listImages(rt).map(async (i) => ({ summary: i, labels: ((await inspectImage(rt, i.Id)).Config.Labels ?? {}) as Record<string, string> })),
    );
    sendJson(res, 200, filterImages(withLabels, filters).map((i) => dockerImageSummary(i.summary, i.labels, !supportsVersion(apiVersion, '1.44'))));
  });

  docker.route('GET', '/images/{name*}/json', async ({ res, params, apiVersion }) =>
    sendJson(res, 200, dockerImageInspect(await inspectImage(rt, params.name!), !supportsVersion(apiVersion, '1.44'))),
  );
  docker.route('GET', '/images/{name*}/history', async ({ res, params }) => sendJson(res, 200, dockerImageHistory(await inspectImage(rt, params.name!))));

  docker.route('POST', '/images/{name*}/tag', async ({ res, params, query }) => {
    const repo = query.get('repo');
    if (!repo) throw new ForgeError('InvalidArgument', 'Bad parameter: repo is required');
    const t = query.get('tag');
    await tag(rt, params.name!, t ? `${repo}:${t}` : repo);
    res.writeHead(201, { 'Content-Length': 0 });
    res.end();
  });

  docker.route('DELETE', '/images/{name*}', async ({ res, params, query }) => {
    sendJson(res, 200, await removeImage(rt, params.name!, { force: boolParam(query, 'force'), noPrune: boolParam(query, 'noprune') }));
  });

  docker.route('POST', '/images/{name*}/push', async ({ req, res, params, query }) => {
    const t = query.get('tag');
    const reference = t ? `${params.name}:${t}` : params.name!;
    const auth = parseRegistryAuthHeader(req.headers['x-registry-auth']);
    await dockerProgress(
      res,
      (emit) => push(rt, reference, { auth, onProgress: emit }),
      (r) => ({ status: `${r.reference.slice(r.reference.lastIndexOf(':') + 1)}: digest: ${r.digest} size: ${r.size}`, aux: { Tag: r.reference.slice(r.reference.lastIndexOf(':') + 1), Digest: r.digest, Size: r.size } }),
    );
  });

  const save = async (res: Parameters<Parameters<DockerRoutes['route']>[2]>[0]['res'], names: string[]) => {
    const images = resolveSaveSet(rt, names);
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    try {
      await saveImages(rt, images, 'docker-archive', res);
    } catch (err) {
      rt.logger.error('save failed after the response started', { error: (err as Error).message });
      res.destroy(err as Error);
    }
  };
  docker.route('GET', '/images/get', async ({ res, query }) => save(res, query.getAll('names')));
  docker.route('GET', '/images/{name*}/get', async ({ res, params }) => save(res, [params.name!]));

  docker.route('POST', '/images/load', async ({ req, res, query }) => {
    const quiet = boolParam(query, 'quiet');
    const input = new PassThrough();
    req.pipe(input);
    req.on('close', () => {
      if (!req.complete) input.destroy(new ForgeError('Unavailable', 'the client closed the connection before the end of the archive'));
    });
    res.writeHead(200, { 'Content-Type': 'application/json' });
    const line = (o: object) => res.write(JSON.stringify(o) + '\n');
    try {
      const result = await loadImages(rt, input, () => undefined);
      for (const image of result.images) {
        if (image.names.length === 0) line({ stream: `Loaded image ID: ${image.id}\n` });
        for (const name of image.names) line({ stream: `Loaded image: ${name}\n` });
      }
    } catch (err) {
      req.unpipe(input);
      req.resume();
      const message = (err as Error).message;
      line({ errorDetail: { message }, error: message });
    }
    if (quiet) rt.logger.debug('load: quiet asked; Docker prints the same lines either way');
    res.end();
  });

  docker.route('POST', '/images/prune', async ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), ['dangling', 'until', 'label']);
    if (filters.until?.length || filters.label?.length) throw new ForgeError('InvalidArgument', 'image prune filters until and label are not supported yet');
    const dangling = filters.dangling?.[0];
    const result = await pruneImages(rt, { all: dangling === 'false' || dangling === '0' });
    sendJson(res, 200, { ImagesDeleted: result.ImagesDeleted.length ? result.ImagesDeleted : null, SpaceReclaimed: result.SpaceReclaimed });
  });

  docker.route('GET', '/images/search', notImplemented('searching a registry (docker search)', 'browse the registry, or pull the image by its full name'));
  docker.route('POST', '/build', notImplemented('building images (docker build)'));
  docker.route('POST', '/session', notImplemented('build sessions'));
}
