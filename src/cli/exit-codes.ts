/**
 * The one map from errors to the CLI's exit codes. Docker's convention: 1 for a failed command,
 * 125 when the CLI or daemon itself fails (usage errors, no daemon). Commands that run a process
 * (run, start -a, exec) follow `docker run`: any ForgeOne failure is 125, a command that
 * cannot be executed is 126 and one that is not found 127 (the daemon's error carries
 * `details.reason`), and otherwise the process's own exit code is the CLI's.
 */
import type { ErrorCode, ForgeError } from '../errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 125;
export const EXIT_CANNOT_EXECUTE = 126;
export const EXIT_COMMAND_NOT_FOUND = 127;

/** `default` for most commands; `process` for those whose exit code is a process's (run, exec). */
export type ExitPolicy = 'default' | 'process';

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

/** `details.reason` of the daemon's start/exec errors → Docker's exit codes. */
const BY_REASON: Record<string, number> = {
  'command-not-found': EXIT_COMMAND_NOT_FOUND,
  'command-not-executable': EXIT_CANNOT_EXECUTE,
};

export function exitCodeFor(code: ErrorCode): number {
  return BY_CODE[code];
}

export function exitCodeOf(err: ForgeError, policy: ExitPolicy = 'default'): number {
  if (policy === 'default') return exitCodeFor(err.code);
  const reason = err.details?.reason;
  return (typeof reason === 'string' && BY_REASON[reason]) || EXIT_USAGE;
}
