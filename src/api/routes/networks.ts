/**
 * Native network routes under /v1, with docker's bodies and shapes (NetworkCreate,
 * NetworkResource, NetworkConnect, NetworkDisconnect), so the Docker-compatible layer can
 * register the same handlers under its prefixes.
 */
import { ForgeError } from '../../errors';
import type { NetworkCreateRequest } from '../../config/api-types';
import type { RuntimeContext } from '../../runtime/context';
import { createNetwork, fromDockerRequest } from '../../runtime/networks/create-network';
import { inspectNetwork, listNetworks } from '../../runtime/networks/list-networks';
import { pruneNetworks, removeNetwork } from '../../runtime/networks/remove-network';
import { connectNetwork, disconnectNetwork } from '../../runtime/networks/connect';
import type { Handler, Router } from '../router';
import { readJson, sendJson, sendNoContent } from '../respond';
import { parseFilters } from './containers';

/** docker answers connect and disconnect with 200 and no body. */
function sendOk(res: Parameters<Handler>[0]['res']): void {
  res.writeHead(200);
  res.end();
}

function containerOf(body: Record<string, unknown>): string {
  if (typeof body.Container !== 'string' || !body.Container) throw new ForgeError('InvalidArgument', 'Container is required');
  return body.Container;
}

/** The handlers by route, for the native and Docker-compatible routers alike. */
export function networkHandlers(rt: RuntimeContext): Record<string, Handler> {
  return {
    'POST /networks/create': async ({ req, res }) => {
      const net = await createNetwork(rt, fromDockerRequest((await readJson(req)) as unknown as NetworkCreateRequest));
      sendJson(res, 201, { Id: net.id, Warning: '' });
    },
    'GET /networks': ({ res, query }) => sendJson(res, 200, listNetworks(rt, parseFilters(query.get('filters')))),
    'POST /networks/prune': async ({ res }) => sendJson(res, 200, await pruneNetworks(rt)),
    'GET /networks/{id}': ({ res, params }) => sendJson(res, 200, inspectNetwork(rt, params.id!)),
    'DELETE /networks/{id}': async ({ res, params }) => {
      await removeNetwork(rt, params.id!);
      sendNoContent(res);
    },
    'POST /networks/{id}/connect': async ({ req, res, params }) => {
      const body = await readJson(req);
      const endpoint = (body.EndpointConfig ?? {}) as { Aliases?: unknown };
      const aliases = Array.isArray(endpoint.Aliases) ? endpoint.Aliases.map(String) : [];
      await connectNetwork(rt, params.id!, containerOf(body), { aliases });
      sendOk(res);
    },
    'POST /networks/{id}/disconnect': async ({ req, res, params }) => {
      await disconnectNetwork(rt, params.id!, containerOf(await readJson(req)));
      sendOk(res);
    },
  };
}

export function registerNetworkRoutes(router: Router, rt: RuntimeContext): void {
  for (const [key, handler] of Object.entries(networkHandlers(rt))) {
    const [method, pattern] = key.split(' ') as [string, string];
    router.native(method, pattern, handler);
  }
}
