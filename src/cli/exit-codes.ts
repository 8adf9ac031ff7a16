/**
 * The one map from errors to the CLI's exit codes. Docker's convention: 1 for a failed command,
 * 125 when the CLI or daemon itself fails (usage errors, no daemon); `run` adds 126 and 127
 * for a command that cannot run or is not found (the engine issue).
 */
import type { ErrorCode } from '../errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 125;

const BY_CODE: Record<ErrorCode, number> = {
  NotFound: EXIT_FAILURE,
  AlreadyExists: EXIT_FAILURE,
  InvalidArgument: EXIT_FAILURE,
  FailedPrecondition: EXIT_FAILURE,
  Conflict: EXIT_FAILURE,
  Unauthorized: EXIT_FAILURE,
  PermissionDenied: EXIT_FAILURE,
  Unavailable: EXIT_FAILURE,
  NotImplemented: EXIT_FAILURE,
  Internal: EXIT_USAGE,
};

export function exitCodeFor(code: ErrorCode): number {
  return BY_CODE[code];
}
