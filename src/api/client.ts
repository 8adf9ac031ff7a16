/**
 * The API client the CLI (and tests) use: HTTP over the daemon's unix socket. Errors from the
 * daemon come back as ForgeErrors with the daemon's code, message, hint and details.
 * `hijack` speaks Docker's upgrade protocol (attach, exec start): after a 101 the connection is
 * a raw bidirectional byte stream.
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { Readable } from 'node:stream';
import { ForgeError, isErrorCode, type ErrorCode } from '../errors';
import type { ProgressEvent } from '../util/progress';

export interface RequestOptions {
  query?: Record<string, string | string[] | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** A stream sent as the body (archives). */
  upload?: Readable;
  /** Aborts the request (a long poll the caller no longer needs). */
  signal?: AbortSignal;
  /**
   * Called once the whole request has been handed to the connected socket: for a long poll that
   * must be registered before the caller acts (`wait` before `start`).
   */
  onSent?: () => void;
}

export interface Hijacked {
  /** The raw connection after the 101; end() half-closes it (the container's stdin ends). */
  socket: net.Socket;
  /** Bytes the daemon sent right after the 101, before the socket was handed over. */
  head: Buffer;
}

const STATUS_CODES: Record<number, ErrorCode> = {
  400: 'InvalidArgument',
  401: 'Unauthorized',
  403: 'PermissionDenied',
  404: 'NotFound',
  409: 'Conflict',
  501: 'NotImplemented',
  503: 'Unavailable',
};

export class ApiClient {
  constructor(readonly socketPath: string) {}

  /** Sends a request and returns the response, unread. A non-2xx status becomes a ForgeError. */
  async request(method: string, path: string, options: RequestOptions = {}): Promise<http.IncomingMessage> {
    const res = await this.send(method, path, options);
    if (res.statusCode !== undefined && res.statusCode >= 400) throw await this.errorFrom(res);
    return res;
  }

  async json<T>(method: string, path: string, options: RequestOptions = {}): Promise<T> {
    const res = await this.request(method, path, options);
    const text = await readAll(res);
    return (text.length ? JSON.parse(text) : undefined) as T;
  }

  /** Reads a JSON-lines progress stream; a final error line becomes a thrown ForgeError. */
  async *progress(method: string, path: string, options: RequestOptions = {}): AsyncGenerator<ProgressEvent> {
    const res = await this.request(method, path, options);
    let buffered = '';
    for await (const chunk of res) {
      buffered += (chunk as Buffer).toString('utf8');
      let nl: number;
      while ((nl = buffered.indexOf('\n')) >= 0) {
        const line = buffered.slice(0, nl).trim();
        buffered = buffered.slice(nl + 1);
        if (!line) continue;
        const event = JSON.parse(line) as ProgressEvent;
        if (event.error) throw errorFromDetail(event);
        yield event;
      }
    }
    if (buffered.trim()) {
      const event = JSON.parse(buffered) as ProgressEvent;
      if (event.error) throw errorFromDetail(event);
      yield event;
    }
  }

  /**
   * Sends a request with `Connection: Upgrade` / `Upgrade: tcp` and resolves with the raw socket
   * once the daemon answers 101 Switching Protocols; any other answer becomes its ForgeError.
   */
  hijack(method: string, path: string, options: RequestOptions = {}): Promise<Hijacked> {
    const headers = { ...options.headers, Connection: 'Upgrade', Upgrade: 'tcp' };
    return new Promise((resolve, reject) => {
      const req = this.makeRequest(method, path, { ...options, headers }, undefined, (res) => {
        // A plain response: the daemon refused the upgrade (no such container, bad state...).
        this.errorFrom(res).then(reject, reject);
      });
      req.on('upgrade', (_res: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
        socket.setNoDelay(true);
        resolve({ socket, head });
      });
      req.on('error', (err) => reject(connectionError(err, this.socketPath)));
    });
  }

  /**
   * Whether something accepts connections on the socket: what a CLI command checks before its
   * first request, a connect instead of a whole `/_ping` round trip through the daemon.
   */
  listening(timeoutMs = 2000): Promise<boolean> {
    return new Promise((resolve) => {
      const socket = net.createConnection(this.socketPath);
      const settle = (ok: boolean) => {
        socket.destroy();
        resolve(ok);
      };
      socket.setTimeout(timeoutMs, () => settle(false));
      socket.once('connect', () => settle(true));
      socket.once('error', () => settle(false));
    });
  }

  async ping(timeoutMs = 2000): Promise<boolean> {
    try {
      const res = await this.send('GET', '/_ping', {}, timeoutMs);
      await readAll(res);
      return res.statusCode === 200;
    } catch {
      return false;
    }
  }

  private send(method: string, path: string, options: RequestOptions, timeoutMs?: number): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const req = this.makeRequest(method, path, options, timeoutMs, resolve);
      req.on('error', (err) => reject(connectionError(err, this.socketPath)));
    });
  }

  /** Builds and sends the request; the caller listens for 'error' (and 'upgrade'). */
  private makeRequest(
    method: string,
    path: string,
    options: RequestOptions,
    timeoutMs: number | undefined,
    onResponse: (res: http.IncomingMessage) => void,
  ): http.ClientRequest {
    const url = new URL(path, 'http://forgeone');
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v === undefined || v === false) continue;
      for (const item of Array.isArray(v) ? v : [v === true ? '1' : v]) url.searchParams.append(k, item);
    }
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    const requestOptions: http.RequestOptions & { servername: string } = {
      socketPath: this.socketPath,
      // No pooling: Node's global agent times idle sockets out after 5 s, which would cut
      // long polls (wait, stop with a timeout, logs -f). A unix socket connects in microseconds.
      agent: false,
      // Set, so the agent does not compute a TLS server name from the host: that check's first
      // call compiles Node's IPv6 regex, ~10 ms of every CLI command (bench/README.md).
      servername: 'forgeone',
      method,
      path: url.pathname + url.search,
      headers: {
        Host: 'forgeone',
        ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}),
        ...(options.upload ? { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' } : {}),
        ...options.headers,
      },
      ...(timeoutMs ? { timeout: timeoutMs } : {}),
      ...(options.signal ? { signal: options.signal } : {}),
    };
    const req = http.request(requestOptions, onResponse);
    if (timeoutMs) req.on('timeout', () => req.destroy(new ForgeError('Unavailable', `the daemon did not answer within ${timeoutMs} ms`)));
    if (options.onSent) notifyWhenSent(req, options.onSent);
    if (options.upload) {
      options.upload.on('error', (err) => req.destroy(err));
      options.upload.pipe(req);
    } else {
      req.end(body);
    }
    return req;
  }

  private async errorFrom(res: http.IncomingMessage): Promise<ForgeError> {
    const text = await readAll(res);
    try {
      const body = JSON.parse(text) as { message?: string; code?: string; hint?: string; details?: Record<string, unknown> };
      const code = isErrorCode(body.code) ? body.code : 'Internal';
      return new ForgeError(code, body.message ?? `daemon answered ${res.statusCode}`, {
        ...(body.hint ? { hint: body.hint } : {}),
        ...(body.details ? { details: body.details } : {}),
      });
    } catch {
      // No JSON body (HEAD requests, proxies): the status alone says what happened.
      const code = STATUS_CODES[res.statusCode ?? 500] ?? 'Internal';
      return new ForgeError(code, `daemon answered ${res.statusCode}${text ? `: ${text.slice(0, 200)}` : ''}`);
    }
  }
}

/** Calls `onSent` once the request is written and its socket connected (so the daemon can read it). */
function notifyWhenSent(req: http.ClientRequest, onSent: () => void): void {
  req.once('finish', () => {
    const socket = req.socket;
    if (!socket || !socket.connecting) onSent();
    else socket.once('connect', () => onSent());
  });
}

function errorFromDetail(event: ProgressEvent): ForgeError {
  const code = isErrorCode(event.errorDetail?.code) ? event.errorDetail.code : 'Internal';
  return new ForgeError(code, event.errorDetail?.message ?? event.error ?? 'unknown error', {
    ...(event.errorDetail?.hint ? { hint: event.errorDetail.hint } : {}),
  });
}

function connectionError(err: Error, socketPath: string): Error {
  if (err instanceof ForgeError) return err;
  const code = (err as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ECONNREFUSED') {
    return new ForgeError('Unavailable', `cannot connect to the ForgeOne daemon at ${socketPath}: is it running?`, {
      cause: err,
      hint: 'start it with `forgeone daemon`',
      details: { errno: code },
    });
  }
  if (code === 'EACCES') {
    return new ForgeError('PermissionDenied', `permission denied on ${socketPath}`, {
      cause: err,
      hint: 'run as root or as a member of the forgeone group',
    });
  }
  return new ForgeError('Unavailable', `lost the connection to the daemon: ${err.message}`, { cause: err });
}

export async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
