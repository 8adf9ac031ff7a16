/** Native container routes under /v1: parse, call the runtime verb, respond. */
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../../runtime/context';
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
import { waitContainer, type WaitCondition } from '../../runtime/containers/wait';
import { top } from '../../runtime/containers/top';
import { pruneContainers } from '../../runtime/containers/prune';
import type { Router } from '../router';
import { boolParam, readJson, sendJson, sendNoContent } from '../respond';

export function parseFilters(raw: string | null): Record<string, string[]> {
  if (!raw) return {};
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw new ForgeError('InvalidArgument', 'filters must be JSON like {"status":["exited"]}');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ForgeError('InvalidArgument', 'filters must be a JSON object');
  const out: Record<string, string[]> = {};
  for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
    // Docker accepts both {"k":["v"]} and the older {"k":{"v":true}}.
    if (Array.isArray(v)) out[k] = v.map(String);
    else if (v && typeof v === 'object') out[k] = Object.keys(v);
    else throw new ForgeError('InvalidArgument', `filter "${k}" must be a list`);
  }
  return out;
}

function seconds(query: URLSearchParams, name: string): number | undefined {
  const v = query.get(name);
  if (v === null || v === '') return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new ForgeError('InvalidArgument', `${name} must be a whole number of seconds, got "${v}"`);
  return n;
}

export function registerContainerRoutes(router: Router, rt: RuntimeContext): void {
  router.native('POST', '/containers/create', async ({ req, res, query }) => {
    const body = await readJson(req);
    const name = query.get('name');
    if (name) body.name = name.replace(/^\//, '');
    sendJson(res, 201, await createContainer(rt, body));
  });
  router.native('GET', '/containers/json', ({ res, query }) => {
    const limit = query.get('limit');
    sendJson(res, 200, listContainers(rt, { all: boolParam(query, 'all'), filters: parseFilters(query.get('filters')), ...(limit ? { limit: Number(limit) } : {}) }));
  });
  router.native('POST', '/containers/prune', async ({ res }) => sendJson(res, 200, await pruneContainers(rt)));
  router.native('GET', '/containers/{id}/json', ({ res, params }) => sendJson(res, 200, inspectContainer(rt, params.id!)));
  router.native('POST', '/containers/{id}/start', async ({ res, params }) => {
    await start(rt, params.id!);
    sendNoContent(res);
  });
  router.native('POST', '/containers/{id}/stop', async ({ res, params, query }) => {
    const t = seconds(query, 't');
    await stop(rt, params.id!, t === undefined ? {} : { timeoutSeconds: t });
    sendNoContent(res);
  });
  router.native('POST', '/containers/{id}/restart', async ({ res, params, query }) => {
    const t = seconds(query, 't');
    await restart(rt, params.id!, t === undefined ? {} : { timeoutSeconds: t });
    sendNoContent(res);
  });
  router.native('POST', '/containers/{id}/kill', async ({ res, params, query }) => {
    await kill(rt, params.id!, query.get('signal') ?? 'SIGKILL');
    sendNoContent(res);
  });
  router.native('POST', '/containers/{id}/pause', async ({ res, params }) => {
    await pause(rt, params.id!);
    sendNoContent(res);
  });
  router.native('POST', '/containers/{id}/unpause', async ({ res, params }) => {
    await unpause(rt, params.id!);
    sendNoContent(res);
  });
  router.native('POST', '/containers/{id}/rename', async ({ res, params, query }) => {
    const name = query.get('name');
    if (!name) throw new ForgeError('InvalidArgument', 'query parameter "name" is required');
    await rename(rt, params.id!, name);
    sendNoContent(res);
  });
  router.native('DELETE', '/containers/{id}', async ({ res, params, query }) => {
    await removeContainer(rt, params.id!, { force: boolParam(query, 'force'), volumes: boolParam(query, 'v') });
    sendNoContent(res);
  });
  router.native('POST', '/containers/{id}/wait', async ({ res, params, query }) => {
    // A client that hangs up stops the wait (res 'close' before the answer was sent).
    const abort = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) abort.abort();
    });
    const condition = (query.get('condition') ?? 'not-running') as WaitCondition;
    try {
      sendJson(res, 200, await waitContainer(rt, params.id!, condition, abort.signal));
    } catch (err) {
      if (!abort.signal.aborted) throw err; // the client left: nobody to answer
    }
  });
  router.native('GET', '/containers/{id}/top', async ({ res, params }) => sendJson(res, 200, await top(rt, params.id!)));
}
