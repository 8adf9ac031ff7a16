/**
 * The API client the CLI (and tests) use: HTTP over the daemon's unix socket. Errors from the
 * daemon come back as ForgeErrors with the daemon's code, message and hint.
 */
import * as http from 'node:http';
import type { Readable } from 'node:stream';
import { ForgeError, isErrorCode } from '../errors';
import type { ProgressEvent } from '../util/progress';

export interface RequestOptions {
  query?: Record<string, string | string[] | boolean | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
  /** A stream sent as the body (archives). */
  upload?: Readable;
}

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
    const url = new URL(path, 'http://forgeone');
    for (const [k, v] of Object.entries(options.query ?? {})) {
      if (v === undefined || v === false) continue;
      for (const item of Array.isArray(v) ? v : [v === true ? '1' : v]) url.searchParams.append(k, item);
    }
    const body = options.body === undefined ? undefined : Buffer.from(JSON.stringify(options.body));
    return new Promise((resolve, reject) => {
      const req = http.request(
        {
          socketPath: this.socketPath,
          method,
          path: url.pathname + url.search,
          headers: {
            Host: 'forgeone',
            ...(body ? { 'Content-Type': 'application/json', 'Content-Length': String(body.length) } : {}),
            ...(options.upload ? { 'Content-Type': 'application/x-tar', 'Transfer-Encoding': 'chunked' } : {}),
            ...options.headers,
          },
          ...(timeoutMs ? { timeout: timeoutMs } : {}),
        },
        resolve,
      );
      req.on('timeout', () => req.destroy(new ForgeError('Unavailable', `the daemon did not answer within ${timeoutMs} ms`)));
      req.on('error', (err) => reject(connectionError(err, this.socketPath)));
      if (options.upload) {
        options.upload.on('error', (err) => req.destroy(err));
        options.upload.pipe(req);
      } else {
        req.end(body);
      }
    });
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
      return new ForgeError('Internal', `daemon answered ${res.statusCode}: ${text.slice(0, 200)}`);
    }
  }
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
