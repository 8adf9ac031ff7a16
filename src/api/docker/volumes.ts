/** Docker volume routes: create, list (filters), inspect, remove, prune. */
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { containersUsingVolume, createVolume, inspectVolume, listVolumes, pruneVolumes, removeVolume } from '../../runtime/volumes/volumes';
import { boolParam, readJson, sendJson, sendNoContent } from '../respond';
import type { DockerRoutes } from './route';
import { VOLUME_FILTERS, boolFilter, matchLabels, parseDockerFilters } from './translate/filters';
import { isRecord } from './translate/zero';

export function registerDockerVolumeRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  docker.route('POST', '/volumes/create', async ({ req, res }) => {
    const body = await readJson(req);
    const str = (k: string) => (typeof body[k] === 'string' && body[k] !== '' ? (body[k] as string) : undefined);
    const record = (k: string) => (isRecord(body[k]) ? (body[k] as Record<string, string>) : undefined);
    const unknown = Object.keys(body).find((k) => !['Name', 'Driver', 'DriverOpts', 'Labels'].includes(k) && body[k] !== null);
    if (unknown) throw new ForgeError('InvalidArgument', `volume field ${unknown} is not supported by ForgeOne`);
    const name = str('Name');
    const driver = str('Driver');
    const opts = record('DriverOpts');
    const labels = record('Labels');
    const v = await createVolume(rt, { ...(name ? { Name: name } : {}), ...(driver ? { Driver: driver } : {}), ...(opts ? { DriverOpts: opts } : {}), ...(labels ? { Labels: labels } : {}) });
    sendJson(res, 201, v);
  });

  docker.route('GET', '/volumes', async ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), VOLUME_FILTERS);
    const dangling = boolFilter(filters, 'dangling');
    const { Volumes } = await listVolumes(rt);
    const out = Volumes.filter(
      (v) =>
        (!filters.name?.length || filters.name.some((n) => v.Name.includes(n))) &&
        (!filters.driver?.length || filters.driver.includes(v.Driver)) &&
        matchLabels(v.Labels, filters.label) &&
        (dangling === undefined || (containersUsingVolume(rt, v.Name).length === 0) === dangling),
    );
    sendJson(res, 200, { Volumes: out, Warnings: null });
  });

  docker.route('GET', '/volumes/{name}', async ({ res, params }) => sendJson(res, 200, await inspectVolume(rt, params.name!)));

  docker.route('DELETE', '/volumes/{name}', async ({ res, params, query }) => {
    await removeVolume(rt, params.name!, { force: boolParam(query, 'force') });
    sendNoContent(res);
  });

  docker.route('POST', '/volumes/prune', async ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), ['label', 'all']);
    const all = boolFilter(filters, 'all') ?? false;
    sendJson(res, 200, await pruneVolumes(rt, { all, ...(filters.label?.length ? { labels: filters.label } : {}) }));
  });
}
