/**
 * Docker network routes, as far as they can be truthful before the network/ module lands
 * (branch `networking`; its Docker routes replace this file): every container is in `none`
 * (loopback only), so that is the one network listed; creating or connecting is 501.
 */
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import { listContainers } from '../../runtime/containers/list';
import { sendJson } from '../respond';
import { notImplemented, type DockerRoutes } from './route';
import { parseDockerFilters } from './translate/filters';

function noneNetwork(containers: string[]): Record<string, unknown> {
  return {
    Name: 'none',
    Id: 'none',
    Created: '0001-01-01T00:00:00Z',
    Scope: 'local',
    Driver: 'null',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: null, Config: [] },
    Internal: false,
    Attachable: false,
    Ingress: false,
    Containers: Object.fromEntries(containers.map((id) => [id, { Name: '', EndpointID: '', MacAddress: '', IPv4Address: '', IPv6Address: '' }])),
    Options: {},
    Labels: {},
  };
}

const NO_NETWORKING = 'container networking is not available in this ForgeOne build yet (containers have a loopback interface only)';

export function registerDockerNetworkRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  docker.route('GET', '/networks', ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), ['name', 'id', 'driver', 'label', 'scope', 'type', 'dangling']);
    const matches = (key: string, value: string) => !filters[key]?.length || filters[key]!.includes(value);
    const keep = matches('name', 'none') && matches('id', 'none') && matches('driver', 'null') && matches('scope', 'local') && matches('type', 'builtin') && !filters.label?.length;
    sendJson(res, 200, keep ? [noneNetwork([])] : []);
  });
  docker.route('GET', '/networks/{id}', ({ res, params }) => {
    if (params.id !== 'none') throw new ForgeError('NotFound', `network ${params.id} not found`);
    sendJson(res, 200, noneNetwork(listContainers(rt).map((c) => c.Id)));
  });
  docker.route('POST', '/networks/prune', ({ res }) => sendJson(res, 200, { NetworksDeleted: null }));
  docker.route('POST', '/networks/create', notImplemented('creating networks', NO_NETWORKING));
  docker.route('POST', '/networks/{id}/connect', notImplemented('connecting containers to networks', NO_NETWORKING));
  docker.route('POST', '/networks/{id}/disconnect', notImplemented('disconnecting containers from networks', NO_NETWORKING));
  docker.route('DELETE', '/networks/{id}', ({ params }) => {
    if (params.id === 'none') throw new ForgeError('PermissionDenied', 'none is a pre-defined network and cannot be removed');
    throw new ForgeError('NotFound', `network ${params.id} not found`);
  });
  // No builder, so no build cache: pruning it has nothing to do (docker system prune asks).
  docker.route('POST', '/build/prune', ({ res }) => sendJson(res, 200, { CachesDeleted: null, SpaceReclaimed: 0 }));
}
