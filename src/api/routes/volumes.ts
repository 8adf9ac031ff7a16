/** Native volume routes under /v1. */
import type { RuntimeContext } from '../../runtime/context';
import { createVolume, inspectVolume, listVolumes, pruneVolumes, removeVolume } from '../../runtime/volumes/volumes';
import type { Router } from '../router';
import { boolParam, readJson, sendJson, sendNoContent } from '../respond';
import { parseFilters } from './containers';

export function registerVolumeRoutes(router: Router, rt: RuntimeContext): void {
  router.native('POST', '/volumes/create', async ({ req, res }) => sendJson(res, 201, await createVolume(rt, (await readJson(req)) as Parameters<typeof createVolume>[1])));
  router.native('GET', '/volumes', async ({ res }) => sendJson(res, 200, await listVolumes(rt)));
  router.native('POST', '/volumes/prune', async ({ res, query }) => {
    const filters = parseFilters(query.get('filters'));
    sendJson(res, 200, await pruneVolumes(rt, { all: boolParam(query, 'all') || filters.all?.[0] === 'true', ...(filters.label ? { labels: filters.label } : {}) }));
  });
  router.native('GET', '/volumes/{name}', async ({ res, params }) => sendJson(res, 200, await inspectVolume(rt, params.name!)));
  router.native('DELETE', '/volumes/{name}', async ({ res, params, query }) => {
    await removeVolume(rt, params.name!, { force: boolParam(query, 'force') });
    sendNoContent(res);
  });
}
