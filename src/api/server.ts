/**
 * The HTTP API on a unix socket. Each request is routed to a thin handler; any error becomes
 * the standard error body with the status the code maps to (http-errors.ts).
 */
import * as http from 'node:http';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../errors';
import type { RuntimeContext } from '../runtime/context';
import { API_VERSION } from '../runtime/system-info';
import { Router } from './router';
import { sendError } from './respond';
import { errorBody } from './http-errors';
import type { Duplex } from 'node:stream';
import { registerContainerRoutes } from './routes/containers';
import { registerArchiveRoutes, registerContainerStreamRoutes } from './routes/container-streams';
import { registerVolumeRoutes } from './routes/volumes';
import { registerImageRoutes } from './routes/images';
import { registerSystemRoutes } from './routes/system';
import { registerMetricsRoutes } from './routes/metrics';
import { registerDockerRoutes } from './docker/routes';
import { registerNetworkRoutes } from './routes/networks';

export function createRouter(rt: RuntimeContext): Router {
  const router = new Router();
  registerDockerRoutes(router, rt);
  registerSystemRoutes(router, rt);
  registerImageRoutes(router, rt);
  registerContainerRoutes(router, rt);
  registerContainerStreamRoutes(router, rt);
  registerArchiveRoutes(router, rt);
  registerVolumeRoutes(router, rt);
  registerMetricsRoutes(router, rt);
  registerNetworkRoutes(router, rt);
  return router;
}

export function createApiServer(rt: RuntimeContext, router: Router = createRouter(rt)): http.Server {
  const server = http.createServer((req, res) => {
    res.setHeader('Server', `ForgeOne/${rt.version}`);
    res.setHeader('API-Version', API_VERSION);
    const url = new URL(req.url ?? '/', 'http://forgeone');
    const started = performance.now();
    // metrics (issue 6): latency by route pattern, never the raw path, so labels stay bounded.
    let route = 'unmatched';
    res.on('finish', () => {
      const seconds = (performance.now() - started) / 1000;
      rt.logger.debug('api', { method: req.method, path: url.pathname, status: res.statusCode, ms: Math.round(seconds * 1000) });
      rt.metrics.apiRequest({ method: req.method ?? 'GET', route, status: res.statusCode, seconds });
    });
    const match = router.match(req.method ?? 'GET', url.pathname);
    if (match === undefined) {
      sendError(res, new ForgeError('NotFound', `no such API route: ${req.method} ${url.pathname}`));
      return;
    }
    if (match === 'method-not-allowed') {
      sendError(res, new ForgeError('InvalidArgument', `method ${req.method} is not allowed on ${url.pathname}`));
      return;
    }
    route = match.pattern;
    const apiVersion = match.params.__version;
    Promise.resolve()
      .then(() => match.handler({ req, res, params: match.params, query: url.searchParams, apiVersion }))
      .catch((err: unknown) => {
        if (!(err instanceof ForgeError)) rt.logger.error('request failed', { path: url.pathname, error: (err as Error)?.stack ?? String(err) });
        sendError(res, err);
      });
  });
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex, head: Buffer) => {
    const url = new URL(req.url ?? '/', 'http://forgeone');
    const match = router.matchUpgrade(req.method ?? 'POST', url.pathname);
    const fail = (err: unknown) => {
      const { status, body } = errorBody(err);
      const text = JSON.stringify(body);
      socket.end(`HTTP/1.1 ${status} ${http.STATUS_CODES[status] ?? 'Error'}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\nConnection: close\r\n\r\n${text}`);
    };
    if (!match) {
      fail(new ForgeError('NotFound', `no such API route for an upgrade: ${req.method} ${url.pathname}`));
      return;
    }
    socket.on('error', (err) => rt.logger.debug('hijacked connection error', { path: url.pathname, error: err.message }));
    Promise.resolve()
      .then(() => match.handler({ req, socket, head, params: match.params, query: url.searchParams, apiVersion: match.params.__version }))
      .catch((err: unknown) => {
        if (!(err instanceof ForgeError)) rt.logger.error('upgrade request failed', { path: url.pathname, error: (err as Error)?.stack ?? String(err) });
        if (socket.writable && !(socket as { upgraded?: boolean }).upgraded) fail(err);
        else socket.destroy();
      });
  });
  server.keepAliveTimeout = 5000;
  return server;
}

export interface ListenOptions {
  socket: string;
  /** Group allowed to use the socket besides root; ignored when it does not exist. */
  group?: number | undefined;
}

/** Listens on the unix socket, replacing a stale one, with mode 0660 (root and the group). */
export async function listenOnSocket(server: http.Server, options: ListenOptions): Promise<void> {
  await fs.mkdir(path.dirname(options.socket), { recursive: true, mode: 0o711 });
  await fs.rm(options.socket, { force: true });
  const oldMask = process.umask(0o117);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.socket, () => {
        server.off('error', reject);
        resolve();
      });
    });
  } finally {
    process.umask(oldMask);
  }
  await fs.chmod(options.socket, 0o660);
  if (options.group !== undefined) await fs.chown(options.socket, 0, options.group);
}
