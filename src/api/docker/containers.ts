/** Docker container routes (non-streaming): create, list, inspect, lifecycle verbs, wait, top, prune, stats. */
import type { ServerResponse } from 'node:http';
import { pipeline } from 'node:stream/promises';
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
import type { NetworkSettings } from '../../config/api-types';
import type { ContainerConfig } from '../../config/container-config';
import { createContainer } from '../../runtime/containers/create';
import { start } from '../../runtime/containers/start';
import { stop } from '../../runtime/containers/stop';
import { kill } from '../../runtime/containers/kill';
import { restart } from '../../runtime/containers/restart';
import { pause, unpause } from '../../runtime/containers/pause';
import { removeContainer } from '../../runtime/containers/remove';
import { rename } from '../../runtime/containers/rename';
import { listContainers } from '../../runtime/containers/list';
import { inspectContainer } from '../../runtime/containers/inspect';
import { findContainer } from '../../runtime/containers/find-container';
import { waitContainer, type WaitCondition } from '../../runtime/containers/wait';
import { top } from '../../runtime/containers/top';
import { pruneContainers } from '../../runtime/containers/prune';
import { readArchive } from '../../runtime/containers/archive';
import { statsHandler } from '../routes/metrics';
import { boolParam, readJson, sendJson, sendNoContent } from '../respond';
import { notImplemented, type DockerRoutes } from './route';
import { translateCreateBody } from './translate/create-body';
import { dockerInspect, dockerSummary, effectiveConfig } from './translate/container-shape';
import { inspectImage } from '../../runtime/inspect-image';
import { overlayEnv } from '../../runtime/spec/env';
import { CONTAINER_FILTERS, parseDockerFilters } from './translate/filters';
import { dockerContainerFilter } from './translate/container-filters';
import { untilTime } from './translate/params';
import { networkSettings } from '../../runtime/networks/settings';
import { findNetwork } from '../../runtime/networks/find-network';
import { connectNetwork } from '../../runtime/networks/connect';

function seconds(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  // Docker: -1 means wait forever; ForgeOne caps it at a day rather than never killing.
  if (n === -1) return 86_400;
  if (!Number.isInteger(n) || n < 0) throw new ForgeError('InvalidArgument', `${name} must be a whole number of seconds, got "${v}"`);
  return n;
}

function notModified(res: ServerResponse): void {
  res.writeHead(304);
  res.end();
}

/** A container's network mode and endpoints for `ps` (WASM containers have no network namespace). */
function containerNetworks(rt: RuntimeContext, id: string, engine: string): { mode: string; settings: NetworkSettings } {
  const empty: NetworkSettings = { Networks: {}, IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Ports: {}, SandboxKey: '' };
  const config = rt.containers.get(id)?.config as ContainerConfig | undefined; // undefined: removed since it was listed
  if (engine !== 'native' || !config) return { mode: 'none', settings: empty };
  return { mode: config.networkMode ?? 'none', settings: networkSettings(rt, id, config) };
}

export function registerDockerContainerRoutes(docker: DockerRoutes, rt: RuntimeContext): void {
  docker.route('POST', '/containers/create', async ({ req, res, query }) => {
    const { config, warnings, moreNetworks } = translateCreateBody(await readJson(req, 4 * 1024 * 1024), query.get('name') ?? undefined);
    const platform = query.get('platform');
    if (platform && !/^linux(\/|$)/.test(platform)) throw new ForgeError('InvalidArgument', `platform "${platform}" is not supported on this host`);
    for (const n of moreNetworks) findNetwork(rt, n.name); // 404 before anything is created
    const created = await createContainer(rt, config);
    try {
      for (const n of moreNetworks) await connectNetwork(rt, n.name, created.Id, { aliases: n.aliases });
    } catch (err) {
      // All or nothing, as dockerd: a create that cannot join every network leaves no container.
      await removeContainer(rt, created.Id, { force: true, volumes: false }).catch(() => undefined);
      throw err;
    }
    sendJson(res, 201, { Id: created.Id, Warnings: [...warnings, ...created.Warnings] });
  });

  docker.route('GET', '/containers/json', async ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), CONTAINER_FILTERS);
    const limitText = query.get('limit');
    const limit = limitText ? Number(limitText) : -1;
    if (!Number.isInteger(limit)) throw new ForgeError('InvalidArgument', `limit must be a number, got "${limitText}"`);
    const native: Record<string, string[]> = {};
    for (const key of ['status', 'name', 'id', 'ancestor', 'exited'] as const) if (filters[key]) native[key] = filters[key];
    const all = boolParam(query, 'all') || limit > 0;
    const list = listContainers(rt, { all, filters: native });
    const networks = new Map(list.map((c) => [c.Id, containerNetworks(rt, c.Id, c.Engine)]));
    let out = dockerContainerFilter(list, filters, (id) => networks.get(id)?.settings).sort((a, b) => b.Created - a.Created);
    if (limit > 0) out = out.slice(0, limit);
    const size = boolParam(query, 'size');
    sendJson(res, 200, await Promise.all(out.map(async (c) => dockerSummary(c, size ? { rw: await rt.snapshotter.usage(c.Id).then((u) => u.bytes).catch(() => 0) } : undefined, networks.get(c.Id)))));
  });

  docker.route('GET', '/containers/{id}/json', async ({ res, params, query }) => {
    const c = findContainer(rt, params.id!);
    // The image (kept while a container uses it) gives the settings the container inherits.
    const image = await inspectImage(rt, c.record.imageId).then((i) => i.Config, () => undefined);
    const view = dockerInspect(inspectContainer(rt, c.record.id), {
      cpuShares: c.config.resources.cpuShares ?? 0,
      stopTimeout: c.config.stopTimeout,
      stdinOnce: c.config.stdinOnce,
      config: effectiveConfig(c.config, image, overlayEnv),
      network: c.config,
    });
    if (boolParam(query, 'size')) view.SizeRw = await rt.snapshotter.usage(c.record.id).then((u) => u.bytes).catch(() => 0);
    sendJson(res, 200, view);
  });

  docker.route('POST', '/containers/{id}/start', async ({ res, params }) => {
    const c = findContainer(rt, params.id!);
    if (c.state.status === 'running') return notModified(res);
    await start(rt, c.record.id);
    sendNoContent(res);
  });

  docker.route('POST', '/containers/{id}/stop', async ({ res, params, query }) => {
    const t = seconds(query, 't');
    const signal = query.get('signal');
    const { noop } = await stop(rt, params.id!, { ...(t !== undefined ? { timeoutSeconds: t } : {}), ...(signal ? { signal } : {}) });
    if (noop) notModified(res);
    else sendNoContent(res);
  });

  docker.route('POST', '/containers/{id}/restart', async ({ res, params, query }) => {
    const t = seconds(query, 't');
    const signal = query.get('signal');
    await restart(rt, params.id!, { ...(t !== undefined ? { timeoutSeconds: t } : {}), ...(signal ? { signal } : {}) });
    sendNoContent(res);
  });

  docker.route('POST', '/containers/{id}/kill', async ({ res, params, query }) => {
    await kill(rt, params.id!, query.get('signal') || 'SIGKILL');
    sendNoContent(res);
  });

  docker.route('POST', '/containers/{id}/pause', async ({ res, params }) => {
    await pause(rt, params.id!);
    sendNoContent(res);
  });

  docker.route('POST', '/containers/{id}/unpause', async ({ res, params }) => {
    await unpause(rt, params.id!);
    sendNoContent(res);
  });

  docker.route('POST', '/containers/{id}/rename', async ({ res, params, query }) => {
    const name = query.get('name');
    if (!name) throw new ForgeError('InvalidArgument', 'query parameter "name" is required');
    await rename(rt, params.id!, name.replace(/^\//, ''));
    sendNoContent(res);
  });

  docker.route('DELETE', '/containers/{id}', async ({ res, params, query }) => {
    if (boolParam(query, 'link')) throw new ForgeError('InvalidArgument', 'links are not supported (link=true)');
    await removeContainer(rt, params.id!, { force: boolParam(query, 'force'), volumes: boolParam(query, 'v') });
    sendNoContent(res);
  });

  docker.route('POST', '/containers/{id}/wait', async ({ res, params, query }) => {
    const condition = (query.get('condition') || 'not-running') as WaitCondition;
    if (!['not-running', 'next-exit', 'removed'].includes(condition)) {
      throw new ForgeError('InvalidArgument', `invalid condition: "${condition}" (use not-running, next-exit or removed)`);
    }
    const c = findContainer(rt, params.id!);
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    // The wait is registered before the status line goes out: clients (docker run) send start
    // as soon as they have the headers, and the exit must not be missed.
    const result = waitContainer(rt, c.record.id, condition, abort.signal);
    result.catch(() => undefined);
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.flushHeaders();
    try {
      res.end(JSON.stringify(await result));
    } catch (err) {
      if (abort.signal.aborted) return; // the client left: nobody to answer
      res.end(JSON.stringify({ StatusCode: -1, Error: { Message: (err as Error).message } }));
    }
  });

  docker.route('GET', '/containers/{id}/top', async ({ res, params, query }) => {
    const psArgs = query.get('ps_args');
    if (psArgs && psArgs !== '-ef') throw new ForgeError('InvalidArgument', `ps_args "${psArgs}" is not supported (only the default -ef columns)`);
    sendJson(res, 200, await top(rt, params.id!));
  });

  docker.route('POST', '/containers/prune', async ({ res, query }) => {
    const filters = parseDockerFilters(query.get('filters'), ['until', 'label']);
    const until = filters.until?.length ? untilTime(filters.until[filters.until.length - 1]!, Date.now()) : undefined;
    const result = await pruneContainers(rt, { ...(until !== undefined ? { createdBefore: until } : {}), ...(filters.label?.length ? { labels: filters.label } : {}) });
    sendJson(res, 200, { ContainersDeleted: result.ContainersDeleted.length ? result.ContainersDeleted : null, SpaceReclaimed: result.SpaceReclaimed });
  });

  docker.route('GET', '/containers/{id}/stats', statsHandler(rt));

  docker.route('GET', '/containers/{id}/changes', notImplemented('container changes (docker diff)'));
  // export: the container's filesystem as one tar, the same archive `cp CONTAINER:/ -` reads.
  docker.route('GET', '/containers/{id}/export', async ({ res, params }) => {
    const { stream } = await readArchive(rt, params.id!, '/');
    res.writeHead(200, { 'Content-Type': 'application/x-tar' });
    await pipeline(stream, res).catch((err: unknown) => {
      rt.logger.warn('export failed after the response started', { id: params.id, error: (err as Error).message });
      res.destroy();
    });
  });
  docker.route('POST', '/containers/{id}/update', notImplemented('updating a container\'s resources'));
  docker.route('POST', '/commit', notImplemented('commit'));
}
