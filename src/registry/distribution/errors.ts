/**
 * The one map from what a registry answers (HTTP status, the spec's error JSON) and from network
 * failures to ForgeError codes, and the rule for which of them are worth a retry.
 * Transient errors carry `details.transient = true`; retry loops ask `isTransient`.
 */
import { ForgeError } from '../../errors';

/** What a request was about, so messages name the manifest, blob or repository involved. */
export interface ErrorContext {
  kind: 'manifest' | 'blob' | 'upload' | 'registry';
  /** The registry name users know (`docker.io`, a mirror's host). */
  registry: string;
  /** `docker.io/library/busybox` */
  repository: string;
  /** `docker.io/library/busybox:latest`, a digest...: what was not found. */
  subject: string;
}

interface RegistryErrorEntry {
  code?: string;
  message?: string;
  detail?: unknown;
}

/** The spec's `{"errors":[{code,message,detail}]}` body, tolerating anything else. */
export function parseRegistryErrors(body: string): { codes: string[]; message: string } {
  try {
    const json = JSON.parse(body) as { errors?: RegistryErrorEntry[] };
    if (Array.isArray(json.errors) && json.errors.length) {
      const codes = json.errors.map((e) => String(e.code ?? 'UNKNOWN'));
      const message = json.errors.map((e) => [e.code?.toLowerCase(), e.message].filter(Boolean).join(': ')).join('; ');
      return { codes, message };
    }
  } catch {
    // not JSON: fall through to the raw text
  }
  return { codes: [], message: body.trim().slice(0, 200) };
}

export function statusError(status: number, body: string, ctx: ErrorContext, url: string): ForgeError {
  const { codes, message } = parseRegistryErrors(body);
  const details = { registry: ctx.registry, repository: ctx.repository, status, url, ...(codes.length ? { errors: codes } : {}) };
  const why = message ? `: ${message}` : '';
  switch (true) {
    case status === 404 && ctx.kind === 'manifest':
      return new ForgeError('NotFound', `manifest unknown: ${ctx.subject}`, { details });
    case status === 404 && ctx.kind === 'blob':
      return new ForgeError('NotFound', `blob unknown: ${ctx.subject} in ${ctx.repository}`, { details });
    case status === 404:
      return new ForgeError('NotFound', `${ctx.repository} not found on ${ctx.registry}${why}`, { details });
    case status === 401:
      return unauthorizedError(ctx, message, false, details);
    case status === 403:
      return new ForgeError('PermissionDenied', `access to ${ctx.repository} denied by ${ctx.registry}${why}`, { details });
    case status === 400 || status === 413 || status === 414:
      return new ForgeError('InvalidArgument', `registry ${ctx.registry} rejected the request for ${ctx.subject}${why}`, { details });
    case status === 405:
      return new ForgeError('NotImplemented', `registry ${ctx.registry} does not allow this operation on ${ctx.repository}${why}`, { details });
    case status === 409:
      return new ForgeError('Conflict', `registry ${ctx.registry} reported a conflict for ${ctx.subject}${why}`, { details });
    case status === 429:
      return new ForgeError('Unavailable', `registry ${ctx.registry} is rate limiting requests${why}`, {
        hint: 'wait and retry, or log in for a higher limit',
        details: { ...details, transient: true },
      });
    case status >= 500:
      return new ForgeError('Unavailable', `registry ${ctx.registry} returned ${status}${why}`, { details: { ...details, transient: true } });
    default:
      return new ForgeError('Internal', `registry ${ctx.registry} answered ${status} for ${ctx.subject}${why}`, { details });
  }
}

export function unauthorizedError(ctx: ErrorContext, message: string, hadCredentials: boolean, details: Record<string, unknown> = {}): ForgeError {
  const why = message ? `: ${message}` : '';
  const text = hadCredentials
    ? `unauthorized: access to ${ctx.repository} denied by ${ctx.registry} with the credentials given${why}`
    : `unauthorized: ${ctx.registry} requires authentication for ${ctx.repository}, or it does not exist${why}`;
  return new ForgeError('Unauthorized', text, {
    hint: `forgeone login ${ctx.registry}`,
    details: { registry: ctx.registry, repository: ctx.repository, ...details },
  });
}

const TRANSIENT_NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ENETDOWN',
  'UND_ERR_SOCKET', 'UND_ERR_CONNECT_TIMEOUT', 'UND_ERR_HEADERS_TIMEOUT', 'UND_ERR_BODY_TIMEOUT', 'UND_ERR_CLOSED',
]);

/** Error codes of `err`, its `cause` chain and (for AggregateError) its members. */
export function errorCodes(err: unknown, depth = 0): string[] {
  if (!err || typeof err !== 'object' || depth > 4) return [];
  const e = err as { code?: unknown; cause?: unknown; errors?: unknown };
  const own = typeof e.code === 'string' ? [e.code] : [];
  const nested = Array.isArray(e.errors) ? e.errors.flatMap((x) => errorCodes(x, depth + 1)) : [];
  return [...own, ...nested, ...errorCodes(e.cause, depth + 1)];
}

export function isTlsError(err: unknown): boolean {
  return errorCodes(err).some((c) => c === 'EPROTO' || c.startsWith('ERR_SSL') || c.startsWith('ERR_TLS') || /CERT|SELF_SIGNED|SIGNATURE/.test(c));
}

export function isAbortError(err: unknown): boolean {
  return (err as Error | undefined)?.name === 'AbortError' || errorCodes(err).includes('UND_ERR_ABORTED');
}

/** A failure to talk to `host` at all (no HTTP answer), as ForgeError Unavailable. */
export function networkError(err: unknown, host: string, url: string): ForgeError {
  if (err instanceof ForgeError) return err;
  const reason = err instanceof Error ? err.message || err.name : String(err);
  if (isAbortError(err)) return new ForgeError('Unavailable', `request to registry ${host} was cancelled`, { cause: err, details: { registry: host, url } });
  const codes = errorCodes(err);
  const transient = codes.some((c) => TRANSIENT_NETWORK_CODES.has(c));
  const tls = isTlsError(err);
  return new ForgeError('Unavailable', `cannot reach registry ${host}: ${reason}`, {
    cause: err,
    ...(tls
      ? { hint: `if ${host} uses a private CA, put it in <certs-dir>/${host}/ca.crt; if it is a plain-HTTP registry, add it to insecure-registries` }
      : {}),
    details: { registry: host, url, codes, ...(transient ? { transient: true } : {}) },
  });
}

/** Worth another attempt: network blips, timeouts, 5xx and 429 (never other 4xx). */
export function isTransient(err: unknown): boolean {
  return err instanceof ForgeError && err.details?.transient === true;
}
