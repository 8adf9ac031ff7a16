/**
 * The TCP listener of `metrics-address`: GET /metrics and nothing else, so a Prometheus on the
 * network can scrape the daemon without reaching its API (which stays on the unix socket).
 * Off unless configured; bound only to the address asked.
 */
import * as http from 'node:http';
import { ForgeError } from '../errors';
import { parseListenAddress, type ListenAddress } from '../config/listen-address';
import type { RuntimeContext } from '../runtime/context';
import { sendError } from './respond';
import { metricsHandler } from './routes/metrics';

export function createMetricsServer(rt: RuntimeContext): http.Server {
  const handler = metricsHandler(rt);
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://forgeone');
    if (url.pathname !== '/metrics') return sendError(res, new ForgeError('NotFound', `only /metrics is served here, not ${url.pathname}`));
    if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, new ForgeError('InvalidArgument', `method ${req.method} is not allowed on /metrics`));
    Promise.resolve()
      .then(() => handler({ req, res, params: {}, query: url.searchParams, apiVersion: undefined }))
      .catch((err: unknown) => sendError(res, err));
  });
  server.keepAliveTimeout = 5000;
  return server;
}

/** Listens on `HOST:PORT`; resolves with the address bound (port 0 picks a free one). */
export async function listenOnAddress(server: http.Server, address: string): Promise<ListenAddress> {
  const { host, port } = parseListenAddress(address);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port, exclusive: true }, () => {
      server.off('error', reject);
      resolve();
    });
  }).catch((err: unknown) => {
    throw new ForgeError('Unavailable', `cannot serve metrics on ${address}: ${(err as Error).message}`, {
      cause: err,
      hint: 'choose another metrics-address in the daemon config, or remove it',
    });
  });
  const bound = server.address();
  return typeof bound === 'object' && bound ? { host: bound.address, port: bound.port } : { host, port };
}
