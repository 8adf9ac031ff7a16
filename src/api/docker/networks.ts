/**
 * Docker network routes: thin handlers over runtime/networks (the native handlers where the
 * shapes are already Docker's). Docker lists `host` and `none` as networks; in ForgeOne they
 * are network modes, so they are shown here (with the containers using them) and cannot be
 * created, removed, connected or disconnected.
 */
import { ForgeError } from '../../errors';
import type { NetworkResource } from '../../config/api-types';
import type { ContainerConfig } from '../../config/container-config';
import type { RuntimeContext } from '../../runtime/context';
import { listContainers } from '../../runtime/containers/list';
import { createNetwork, fromDockerRequest } from '../../runtime/networks/create-network';
import { inspectNetwork, listNetworks } from '../../runtime/networks/list-networks';
import { pruneNetworks, removeNetwork } from '../../runtime/networks/remove-network';
import { networkHandlers } from '../routes/networks';
import { readJson, sendJson } from '../respond';
import type { DockerRoutes } from './route';
import { parseDockerFilters } from './translate/filters';
import { untilTime } from './translate/params';
import { checkNetworkCreate, matchesNetworkFilters, MODE_NETWORKS, modeNetwork, NETWORK_FILTERS } from './translate/network-shape';

type ModeName = (typeof MODE_NETWORKS)[number];
const isMode = (name: string): name is ModeName => (MODE_NETWORKS as readonly string[]).includes(name);

function modeNetworkOf(rt: RuntimeContext, name: ModeName): NetworkResource {
  const users = listContainers(rt, { all: true }).filter((c) => c.Engine === 'native' && (rt.containers.get(c.Id)?.config as ContainerConfig | undefined)?.networkMode === name);
  return modeNetwork(name, users.map((c) => ({ id: c.Id, name: c.Names[0]?.replace(/^\//, '') ?? '' })));
}

function refuseMode(name: string | undefined, verb: string): void {
  if (name && isMode(name)) throw new ForgeError('PermissionDenied', `${name} is a pre-defined network and cannot be ${verb}`);
}

export function registerDockerNetworkRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  const native = networkHandlers(rt);
  docker.route('GET', '/networks', ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), NETWORK_FILTERS);
    const all = [...listNetworks(rt), ...MODE_NETWORKS.map((m) => modeNetworkOf(rt, m))];
    sendJson(res, 200, all.filter((n) => matchesNetworkFilters(n, filters)));
  });
  docker.route('GET', '/networks/{id}', ({ res, params }) => {
    const id = params.id!;
    sendJson(res, 200, isMode(id) ? modeNetworkOf(rt, id) : inspectNetwork(rt, id));
  });
  docker.route('POST', '/networks/create', async ({ req, res }) => {
    const body = checkNetworkCreate(await readJson(req));
    const net = await createNetwork(rt, fromDockerRequest(body));
    sendJson(res, 201, { Id: net.id, Warning: '' });
  });
  docker.route('DELETE', '/networks/{id}', (ctx) => {
    refuseMode(ctx.params.id, 'removed');
    return native['DELETE /networks/{id}']!(ctx);
  });
  docker.route('POST', '/networks/{id}/connect', (ctx) => {
    refuseMode(ctx.params.id, 'connected to');
    return native['POST /networks/{id}/connect']!(ctx);
  });
  docker.route('POST', '/networks/{id}/disconnect', (ctx) => {
    refuseMode(ctx.params.id, 'disconnected from');
    // Force (for a container whose endpoint is stale) needs nothing more: disconnect always releases.
    return native['POST /networks/{id}/disconnect']!(ctx);
  });
  docker.route('POST', '/networks/prune', async ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), ['until', 'label']);
    if (!filters.until?.length && !filters.label?.length) return sendJson(res, 200, await pruneNetworks(rt));
    const until = filters.until?.length ? untilTime(filters.until[filters.until.length - 1]!, Date.now()) : undefined;
    const deleted: string[] = [];
    const candidates = listNetworks(rt).filter((n) => n.Name !== 'bridge' && matchesNetworkFilters(n, { label: filters.label ?? [] }) && (until === undefined || Date.parse(n.Created) < until));
    for (const n of candidates) {
      if (Object.keys(n.Containers).length) continue;
      try {
        await removeNetwork(rt, n.Id);
        deleted.push(n.Name);
      } catch (err) {
        if (!(err instanceof ForgeError) || (err.code !== 'Conflict' && err.code !== 'NotFound')) throw err;
      }
    }
    sendJson(res, 200, { NetworksDeleted: deleted });
  });
  // No builder, so no build cache: pruning it has nothing to do (docker system prune asks).
  docker.route('POST', '/build/prune', async ({ res }) => sendJson(res, 200, { CachesDeleted: null, SpaceReclaimed: 0 }));
}
