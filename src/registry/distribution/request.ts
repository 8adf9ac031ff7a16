/**
 * One request to a registry endpoint as the distribution client makes it: Authorization sent up
 * front when known, one retry after answering a 401 challenge, redirects followed (GET/HEAD, at
 * most 5 hops, Authorization dropped when the host changes), statuses mapped to ForgeError, and
 * transient failures retried with exponential backoff.
 */
import type { RegistryCredentials, RegistryEndpoint } from '../types';
import { retry } from '../../util/retry';
import { ForgeError } from '../../errors';
import type { Authorizer } from './authorizer';
import { discard, readText } from './body';
import { isTransient, parseRegistryErrors, statusError, unauthorizedError, type ErrorContext } from './errors';
import type { HttpMethod, HttpResponse, Transport } from './transport';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);
const MAX_REDIRECTS = 5;

/** What every request of one client view shares. */
export interface RequestScope {
  transport: Transport;
  authorizer: Authorizer;
  endpoint: RegistryEndpoint;
  credentials: RegistryCredentials | undefined;
  /** Total attempts for transient failures (1 = no retry). */
  attempts: number;
  baseDelayMs: number;
  signal?: AbortSignal;
}

export interface RegistryRequest {
  method: HttpMethod;
  /** `/v2/...` on the endpoint, or an absolute URL (an upload's Location). */
  target: string | URL;
  headers?: Record<string, string>;
  body?: Buffer;
  /** Token scopes, e.g. [`repository:library/busybox:pull`]. */
  scopes: readonly string[];
  /** Statuses handed back to the caller; anything else becomes a ForgeError. */
  expect: readonly number[];
  context: ErrorContext;
  /** Retry transient failures. Default true; uploads restart as a whole instead. */
  retry?: boolean;
}

export async function registryRequest(scope: RequestScope, req: RegistryRequest): Promise<HttpResponse> {
  return retry(() => attempt(scope, req), {
    attempts: req.retry === false ? 1 : scope.attempts,
    baseDelayMs: scope.baseDelayMs,
    isTransient,
    ...(scope.signal ? { signal: scope.signal } : {}),
  });
}

async function attempt(scope: RequestScope, req: RegistryRequest): Promise<HttpResponse> {
  const auth = { endpoint: scope.endpoint, scopes: req.scopes, credentials: scope.credentials, ...(scope.signal ? { signal: scope.signal } : {}) };
  const sent = await scope.authorizer.headerFor(auth);
  let res = await sendFollowing(scope, req, sent);
  if (res.status === 401) {
    const challenge = res.headers['www-authenticate'];
    await discard(res.body);
    const header = await scope.authorizer.answer(auth, challenge);
    // Nothing to answer with, or the very credentials just refused: retrying cannot help.
    if (header === undefined || header === sent) throw unauthorizedError(req.context, '', hasCredentials(scope.credentials), { status: 401 });
    res = await sendFollowing(scope, req, header);
    if (res.status === 401) {
      const { message } = parseRegistryErrors(await readText(res.body).catch(() => ''));
      throw unauthorizedError(req.context, message, hasCredentials(scope.credentials), { status: 401 });
    }
  }
  if (req.expect.includes(res.status)) return res;
  const body = req.method === 'HEAD' ? '' : await readText(res.body).catch(() => '');
  if (req.method === 'HEAD') await discard(res.body);
  throw statusError(res.status, body, req.context, res.url.toString());
}

async function sendFollowing(scope: RequestScope, req: RegistryRequest, authorization: string | undefined): Promise<HttpResponse> {
  const follow = req.method === 'GET' || req.method === 'HEAD';
  let target: string | URL = req.target;
  let method = req.method;
  let auth = authorization;
  let firstHost: string | undefined;
  for (let hop = 0; ; hop++) {
    const res = await scope.transport.send(scope.endpoint, {
      method,
      target,
      headers: { ...req.headers, ...(auth ? { authorization: auth } : {}) },
      ...(req.body && method !== 'GET' && method !== 'HEAD' ? { body: req.body } : {}),
      ...(scope.signal ? { signal: scope.signal } : {}),
    });
    firstHost ??= res.url.host;
    if (!follow || !REDIRECTS.has(res.status)) return res;
    const location = res.headers.location;
    await discard(res.body);
    if (typeof location !== 'string' || location === '') {
      throw new ForgeError('Internal', `registry ${scope.endpoint.host} redirected without a Location`, { details: { url: res.url.toString() } });
    }
    if (hop >= MAX_REDIRECTS) {
      throw new ForgeError('Unavailable', `too many redirects from registry ${scope.endpoint.host} (more than ${MAX_REDIRECTS})`, {
        details: { url: res.url.toString() },
      });
    }
    target = new URL(location, res.url);
    // Blob storage (S3, a CDN) authenticates with the signed URL; our token must not leak there.
    if (target.host !== firstHost) auth = undefined;
    if (res.status === 303) method = 'GET';
  }
}

function hasCredentials(creds: RegistryCredentials | undefined): boolean {
  return !!creds && !!(creds.username || creds.password || creds.identityToken || creds.registryToken);
}
