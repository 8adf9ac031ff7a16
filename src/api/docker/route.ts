/**
 * Registration of Docker-compatible routes: each is served bare and under `/v1.NN` (router),
 * refuses API versions outside the supported range with Docker's 400, and answers errors with
 * Docker's body `{"message": "..."}` and the status the error code maps to (http-errors.ts, the
 * one map). Handlers stay thin: parse Docker's request, call runtime/, shape Docker's answer.
 */
import type { ServerResponse } from 'node:http';
import { ForgeError, toForgeError } from '../../errors';
import { statusOf } from '../http-errors';
import type { Handler, Router, UpgradeHandler } from '../router';
import { API_VERSION, MIN_API_VERSION } from '../../runtime/system-info';

/**
 * Docker's error body: clients read `message` and nothing else, so a hint joins the message,
 * unless it names a `forgeone` command (a Docker user is not typing those).
 */
export function dockerErrorBody(err: unknown): { status: number; body: { message: string } } {
  const e = toForgeError(err);
  const hint = e.hint && !/\bforgeone\b/.test(e.hint) ? e.hint : undefined;
  return { status: statusOf(e.code), body: { message: hint ? `${e.message} (${hint})` : e.message } };
}

export function sendDockerError(res: ServerResponse, err: unknown): void {
  if (res.headersSent) {
    res.destroy(toForgeError(err));
    return;
  }
  const { status, body } = dockerErrorBody(err);
  const text = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
  res.end(text);
}

/** Compares dotted versions numerically ("1.9" < "1.24"). */
export function compareVersions(a: string, b: string): number {
  const pa = a.split('.').map(Number);
  const pb = b.split('.').map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Docker's answer to a version it does not speak (400, same words as dockerd). */
export function checkApiVersion(version: string | undefined): void {
  if (version === undefined) return;
  if (compareVersions(version, MIN_API_VERSION) < 0) {
    throw new ForgeError('InvalidArgument', `client version ${version} is too old. Minimum supported API version is ${MIN_API_VERSION}, please upgrade your client to a newer version`);
  }
  if (compareVersions(version, API_VERSION) > 0) {
    throw new ForgeError('InvalidArgument', `client version ${version} is too new. Maximum supported API version is ${API_VERSION}`);
  }
}

/** True when the request's version (or the newest, for an unversioned path) is at least `min`. */
export function supportsVersion(version: string | undefined, min: string): boolean {
  return compareVersions(version ?? API_VERSION, min) >= 0;
}

export interface DockerRoutes {
  route(method: string, pattern: string, handler: Handler): void;
  upgrade(method: string, pattern: string, handler: UpgradeHandler): void;
}

/** Logs what is not a ForgeError (a bug, not a user's mistake) before it becomes a 500. */
type Logger = { error(message: string, data?: Record<string, unknown>): void };

export function dockerRoutes(router: Router, logger: Logger): DockerRoutes {
  return {
    route(method, pattern, handler) {
      router.docker(method, pattern, async (ctx) => {
        try {
          checkApiVersion(ctx.apiVersion);
          await handler(ctx);
        } catch (err) {
          if (!(err instanceof ForgeError)) logger.error('docker API request failed', { path: ctx.req.url, error: (err as Error)?.stack ?? String(err) });
          sendDockerError(ctx.res, err);
        }
      });
    },
    upgrade(method, pattern, handler) {
      router.upgrade(
        method,
        pattern,
        async (ctx) => {
          checkApiVersion(ctx.apiVersion);
          await handler(ctx);
        },
        'docker',
      );
    },
  };
}

/** A route Docker has and ForgeOne does not: 501 with a message saying so. */
export function notImplemented(what: string, hint?: string): Handler {
  return () => {
    throw new ForgeError('NotImplemented', `${what} is not supported by ForgeOne's Docker API`, hint ? { hint } : {});
  };
}
