/**
 * The HTTP layer under the distribution client: one undici Agent per TLS configuration, the
 * scheme of each endpoint (HTTPS first; an insecure endpoint falls back to plain HTTP when TLS or
 * the connection fails, and the choice is remembered), timeouts, and network errors mapped to
 * ForgeError. It never interprets statuses; request.ts does.
 */
import { readFileSync } from 'node:fs';
import { rootCertificates } from 'node:tls';
import type { Agent, Dispatcher } from 'undici';
import type { RegistryEndpoint } from '../types';
import { ForgeError } from '../../errors';
import { networkError } from './errors';

/**
 * undici is loaded at the first registry request, not with the daemon: it is ~15 MB of the
 * daemon's resident memory (bench/README.md), and a daemon that only runs containers never needs it.
 */
// eslint-disable-next-line @typescript-eslint/no-require-imports
const undici = () => require('undici') as typeof import('undici');

/**
 * The CAs of NODE_EXTRA_CA_CERTS when Node did not load them: the `forgeone` launcher takes that
 * variable from every CLI process (parsing it costs ~35 ms of each start) and hands its value on
 * as FORGEONE_NODE_EXTRA_CA_CERTS, which a daemon started through the launcher honours here.
 */
function handedOverCa(): string | undefined {
  const file = process.env.FORGEONE_NODE_EXTRA_CA_CERTS;
  if (!file || process.env.NODE_EXTRA_CA_CERTS) return undefined;
  // Read when an agent is made (once per TLS configuration), not cached: a rotated file is seen.
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    process.emitWarning(`ignoring NODE_EXTRA_CA_CERTS: cannot read ${file}: ${(err as Error).message}`);
    return undefined;
  }
}

export type HttpMethod = 'GET' | 'HEAD' | 'PUT' | 'POST' | 'PATCH' | 'DELETE';

export interface HttpRequest {
  method: HttpMethod;
  /** A path on the endpoint (`/v2/...`, scheme chosen here) or an absolute URL (Location, redirect). */
  target: string | URL;
  headers?: Record<string, string>;
  /** Buffers only, so a request can be sent again (scheme fallback, auth retry, backoff). */
  body?: Buffer;
  signal?: AbortSignal;
  /**
   * Use the endpoint's TLS settings even on another host: a token realm is trusted like the
   * registry that named it (Docker does the same). Redirects to blob storage do not set this.
   */
  endpointTls?: boolean;
}

export interface HttpResponse {
  status: number;
  headers: Dispatcher.ResponseData['headers'];
  body: Dispatcher.ResponseData['body'];
  /** The URL actually requested, to resolve relative Location headers against. */
  url: URL;
}

export interface TransportOptions {
  /** Connect, headers and idle-body timeout of each request, ms. Default 30000. */
  timeoutMs?: number;
  /** Default `forgeone`. */
  userAgent?: string;
}

export class Transport {
  private readonly agents = new Map<string, Agent>();
  private readonly schemes = new Map<string, 'https' | 'http'>();
  private readonly timeoutMs: number;
  private readonly userAgent: string;

  constructor(options: TransportOptions = {}) {
    this.timeoutMs = options.timeoutMs ?? 30_000;
    this.userAgent = options.userAgent ?? 'forgeone';
  }

  /** Sends one request; an HTTP answer of any status is returned, no answer is Unavailable. */
  async send(endpoint: RegistryEndpoint, req: HttpRequest): Promise<HttpResponse> {
    if (typeof req.target !== 'string') return this.sendTo(req.target, endpoint, req);
    const known = this.schemes.get(endpoint.host);
    if (known) {
      try {
        return await this.sendTo(this.url(known, endpoint, req.target), endpoint, req);
      } catch (err) {
        // The registry may have changed (restarted with or without TLS): probe again next time.
        this.schemes.delete(endpoint.host);
        throw err;
      }
    }
    try {
      const res = await this.sendTo(this.url('https', endpoint, req.target), endpoint, req);
      this.schemes.set(endpoint.host, 'https');
      return res;
    } catch (httpsErr) {
      if (!endpoint.insecure || req.signal?.aborted) throw httpsErr;
      try {
        const res = await this.sendTo(this.url('http', endpoint, req.target), endpoint, req);
        this.schemes.set(endpoint.host, 'http');
        return res;
      } catch {
        throw httpsErr; // HTTPS is what we tried first and what users expect to read about
      }
    }
  }

  /** The base URL last known to work for an endpoint (HTTPS when not probed yet). */
  baseUrl(endpoint: RegistryEndpoint): string {
    return `${this.schemes.get(endpoint.host) ?? 'https'}://${endpoint.host}`;
  }

  async close(): Promise<void> {
    const agents = [...this.agents.values()];
    this.agents.clear();
    await Promise.all(agents.map((a) => a.close()));
  }

  private url(scheme: 'https' | 'http', endpoint: RegistryEndpoint, path: string): URL {
    return new URL(`${scheme}://${endpoint.host}${path}`);
  }

  private async sendTo(url: URL, endpoint: RegistryEndpoint, req: HttpRequest): Promise<HttpResponse> {
    const headers: Record<string, string> = { 'user-agent': this.userAgent, ...req.headers };
    try {
      const pending = undici().request(url, {
        method: req.method,
        headers,
        body: req.body ?? null,
        dispatcher: this.agentFor(url, endpoint, req.endpointTls === true),
        maxRedirections: 0, // redirects are followed by request.ts, which decides about Authorization
        headersTimeout: this.timeoutMs,
        bodyTimeout: this.timeoutMs,
        signal: req.signal ?? null,
      });
      const res = req.signal ? await untilAborted(pending, req.signal) : await pending;
      return { status: res.statusCode, headers: res.headers, body: res.body, url };
    } catch (err) {
      if (req.signal?.aborted) {
        throw new ForgeError('Unavailable', `request to registry ${url.host} was cancelled`, { cause: err, details: { registry: url.host, url: url.toString() } });
      }
      throw networkError(err, url.host, url.toString());
    }
  }

  /**
   * The endpoint's own TLS settings apply to its host only; a redirect to blob storage elsewhere
   * is verified against the system CAs, like any HTTPS client would.
   */
  private agentFor(url: URL, endpoint: RegistryEndpoint, endpointTls: boolean): Agent {
    const own = endpointTls || url.host === endpoint.host;
    const insecure = own && endpoint.insecure;
    const ca = own ? endpoint.ca : undefined;
    const key = `${insecure ? 'insecure' : 'verify'}|${ca ?? ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = new (undici().Agent)({
        connect: {
          timeout: this.timeoutMs,
          rejectUnauthorized: !insecure,
          // Node's `ca` replaces the system roots; registries with a private CA keep the public ones too.
          ...trustedCas(ca),
        },
        keepAliveTimeout: 10_000,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

function trustedCas(endpointCa: string | undefined): { ca?: string[] } {
  const cas = [endpointCa, handedOverCa()].filter((c): c is string => c !== undefined);
  return cas.length ? { ca: [...rootCertificates, ...cas] } : {};
}

/**
 * undici ignores an abort while a TLS handshake is pending (until the connect timeout), so a
 * cancelled pull would hang on an unresponsive host; settle as soon as the signal fires and drain
 * whatever answer arrives later.
 */
function untilAborted(pending: Promise<Dispatcher.ResponseData>, signal: AbortSignal): Promise<Dispatcher.ResponseData> {
  if (signal.aborted) {
    pending.then((r) => r.body.dump().catch(() => undefined), () => undefined);
    return Promise.reject(new Error('aborted'));
  }
  return new Promise((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      settled = true;
      reject(new Error('aborted'));
    };
    signal.addEventListener('abort', onAbort, { once: true });
    pending.then(
      (res) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) void res.body.dump().catch(() => undefined);
        else resolve(res);
      },
      (err: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!settled) reject(err);
      },
    );
  });
}
