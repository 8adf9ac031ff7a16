/**
 * A task's status from its two sources: conmon's exit file (authoritative once present) and the
 * runtime's `state`. Pure, so every combination is unit-tested.
 */
import type { TaskStatus } from '../types';
import type { ExitRecord } from './exit-file';
import type { OciState } from './oci-runtime';

export interface StatusSources {
  exit?: ExitRecord;
  oomKilled?: boolean;
  /** Undefined when the runtime does not know the task (deleted, or create never finished). */
  runtime?: OciState;
}

export function mergeStatus(s: StatusSources): TaskStatus {
  if (s.exit) {
    return { state: 'stopped', exitCode: s.exit.exitCode, exitedAt: s.exit.exitedAt, ...(s.oomKilled ? { oomKilled: true } : {}) };
  }
  const rt = s.runtime;
  if (!rt) return { state: 'unknown' };
  switch (rt.status) {
    case 'creating':
    case 'created':
      return { state: 'created', ...(rt.pid > 0 ? { pid: rt.pid } : {}) };
    case 'running':
      return { state: 'running', pid: rt.pid };
    case 'paused':
      return { state: 'paused', pid: rt.pid };
    case 'stopped':
      // Exited, but conmon has not written (or could not write) the exit file.
      return { state: 'stopped' };
  }
}
