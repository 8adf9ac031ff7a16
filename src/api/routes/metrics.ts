/**
 * Metrics routes: `GET /metrics` (Prometheus text, or OpenMetrics when Accept asks for it),
 * `GET /v1/containers/{id}/metrics` (that container's series only) and
 * `GET /v1/containers/{id}/stats?stream=1|0&one-shot=1` (Docker-shaped stats, JSON lines when
 * streamed).
 */
import type { ServerResponse } from 'node:http';
import type { RuntimeContext } from '../../runtime/context';
import { scrapeContainerMetrics, scrapeMetrics } from '../../runtime/metrics/scrape';
import { containerStats } from '../../runtime/metrics/stats';
import type { Exposition } from '../../metrics/types';
import type { Handler, Router } from '../router';
import { boolParam, sendJson } from '../respond';

function sendExposition(res: ServerResponse, exposition: Exposition, head: boolean): void {
  res.writeHead(200, { 'Content-Type': exposition.contentType, 'Content-Length': Buffer.byteLength(exposition.body), 'Cache-Control': 'no-store' });
  res.end(head ? undefined : exposition.body);
}

/** The /metrics handler, shared with the TCP listener of `metrics-address`. */
export function metricsHandler(rt: RuntimeContext): Handler {
  return async ({ req, res }) => sendExposition(res, await scrapeMetrics(rt, req.headers.accept), req.method === 'HEAD');
}

/** Docker-shaped stats, streamed unless `stream=0`; shared with the Docker-compatible route. */
export function statsHandler(rt: RuntimeContext): Handler {
  return async ({ res, params, query }) => {
    // Docker streams unless told not to.
    const stream = query.get('stream') === null ? true : boolParam(query, 'stream');
    const abort = new AbortController();
    res.on('close', () => abort.abort());
    const docs = containerStats(rt, params.id!, { stream, oneShot: boolParam(query, 'one-shot'), signal: abort.signal });
    // The first document comes before the status line, so NotFound still becomes a 404.
    const first = await docs.next();
    if (!stream) {
      sendJson(res, 200, first.value);
      return;
    }
    res.writeHead(200, { 'Content-Type': 'application/json' });
    for (let next = first; !next.done && !res.destroyed; next = await docs.next()) res.write(JSON.stringify(next.value) + '\n');
    res.end();
  };
}

export function registerMetricsRoutes(router: Router, rt: RuntimeContext): void {
  router.add('GET', '/metrics', metricsHandler(rt));
  router.native('GET', '/containers/{id}/metrics', async ({ req, res, params }) =>
    sendExposition(res, await scrapeContainerMetrics(rt, params.id!, req.headers.accept), req.method === 'HEAD'),
  );
  router.native('GET', '/containers/{id}/stats', statsHandler(rt));
}
