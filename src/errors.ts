/**
 * The one error type of ForgeOne, with a closed set of codes (containerd errdefs style).
 * Every module throws ForgeError; api/ maps codes to HTTP statuses and cli/ to exit codes,
 * each in one place. Tests assert on `code`, never on message text.
 */

export const ERROR_CODES = [
  'NotFound',
  'AlreadyExists',
  'InvalidArgument',
  'FailedPrecondition',
  'Conflict',
  'Unauthorized',
  'PermissionDenied',
  'Unavailable',
  'NotImplemented',
  'Internal',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ForgeErrorOptions {
  /** The lower-level error that caused this one. */
  cause?: unknown;
  /** What the user can do about it, shown after the message. */
  hint?: string;
  /** Structured context (image reference, digest, url...) for logs and the API body. */
  details?: Record<string, unknown>;
}

export class ForgeError extends Error {
  readonly code: ErrorCode;
  readonly hint: string | undefined;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, message: string, options: ForgeErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'ForgeError';
    this.code = code;
    this.hint = options.hint;
    this.details = options.details;
  }

  toJSON(): { code: ErrorCode; message: string; hint?: string; details?: Record<string, unknown> } {
    return {
      code: this.code,
      message: this.message,
      ...(this.hint ? { hint: this.hint } : {}),
      ...(this.details ? { details: this.details } : {}),
    };
  }
}

export function isForgeError(err: unknown, code?: ErrorCode): err is ForgeError {
  return err instanceof ForgeError && (code === undefined || err.code === code);
}

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** Shorthand constructors, so call sites read as the condition they report. */
export const errors = {
  notFound: (msg: string, o?: ForgeErrorOptions) => new ForgeError('NotFound', msg, o),
  alreadyExists: (msg: string, o?: ForgeErrorOptions) => new ForgeError('AlreadyExists', msg, o),
  invalidArgument: (msg: string, o?: ForgeErrorOptions) => new ForgeError('InvalidArgument', msg, o),
  failedPrecondition: (msg: string, o?: ForgeErrorOptions) => new ForgeError('FailedPrecondition', msg, o),
  conflict: (msg: string, o?: ForgeErrorOptions) => new ForgeError('Conflict', msg, o),
  unauthorized: (msg: string, o?: ForgeErrorOptions) => new ForgeError('Unauthorized', msg, o),
  permissionDenied: (msg: string, o?: ForgeErrorOptions) => new ForgeError('PermissionDenied', msg, o),
  unavailable: (msg: string, o?: ForgeErrorOptions) => new ForgeError('Unavailable', msg, o),
  notImplemented: (msg: string, o?: ForgeErrorOptions) => new ForgeError('NotImplemented', msg, o),
  internal: (msg: string, o?: ForgeErrorOptions) => new ForgeError('Internal', msg, o),
};

/** Wrap anything thrown into a ForgeError, keeping ForgeErrors as they are. */
export function toForgeError(err: unknown, context?: string): ForgeError {
  if (err instanceof ForgeError) return err;
  const errno = fromErrno(err, context);
  if (errno) return errno;
  const message = err instanceof Error ? err.message : String(err);
  return new ForgeError('Internal', context ? `${context}: ${message}` : message, { cause: err });
}

/** The one errno → code map (Deno std `_map_error` style). */
export function fromErrno(err: unknown, context?: string): ForgeError | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code !== 'string') return undefined;
  const base = err instanceof Error ? err.message : String(err);
  const message = context ? `${context}: ${base}` : base;
  switch (code) {
    case 'ENOENT':
      return new ForgeError('NotFound', message, { cause: err });
    case 'EEXIST':
      return new ForgeError('AlreadyExists', message, { cause: err });
    case 'EACCES':
    case 'EPERM':
      return new ForgeError('PermissionDenied', message, { cause: err });
    case 'ENOSPC':
    case 'EDQUOT':
      return new ForgeError('Unavailable', message, { cause: err, hint: 'free disk space under the data root and retry' });
    case 'EINVAL':
      return new ForgeError('InvalidArgument', message, { cause: err });
    case 'ECONNREFUSED':
    case 'ECONNRESET':
    case 'ETIMEDOUT':
    case 'EHOSTUNREACH':
    case 'ENETUNREACH':
    case 'EPIPE':
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new ForgeError('Unavailable', message, { cause: err });
    default:
      return undefined;
  }
}
