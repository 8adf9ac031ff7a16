/** The one map from error codes to HTTP statuses, and the error body every route sends. */
import { ForgeError, toForgeError, type ErrorCode } from '../errors';
import type { ErrorBody } from '../config/api-types';

const STATUS: Record<ErrorCode, number> = {
  NotFound: 404,
  AlreadyExists: 409,
  InvalidArgument: 400,
  FailedPrecondition: 409,
  Conflict: 409,
  Unauthorized: 401,
  PermissionDenied: 403,
  Unavailable: 503,
  NotImplemented: 501,
  Internal: 500,
};

export function statusOf(code: ErrorCode): number {
  return STATUS[code];
}

export function errorBody(err: unknown): { status: number; body: ErrorBody } {
  const e: ForgeError = toForgeError(err);
  return {
    status: STATUS[e.code],
    body: { message: e.message, code: e.code, ...(e.hint ? { hint: e.hint } : {}), ...(e.details ? { details: e.details } : {}) },
  };
}
