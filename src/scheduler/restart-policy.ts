/**
 * Restart policies as a pure decision: given how a container ended, should it run again and
 * after how long? Exponential backoff like Docker's (100 ms doubling, capped at one minute,
 * reset when the container ran long enough).
 */
import type { RestartPolicy } from '../config/container-config';

export const BACKOFF_START_MS = 100;
export const BACKOFF_MAX_MS = 60_000;
/** A run longer than this resets the backoff. */
export const BACKOFF_RESET_AFTER_MS = 10_000;

export interface ExitFacts {
  exitCode: number;
  /** The user stopped or killed it (stop, kill, rm -f): never restart then. */
  stoppedByUser: boolean;
  /** Restarts done so far. */
  restartCount: number;
  /** How long the last run lasted. */
  ranForMs: number;
  /** The delay used before the last restart (0 for none). */
  lastDelayMs: number;
  /** The daemon is starting up (unless-stopped and always restart then; `no` never). */
  daemonStarting?: boolean;
}

export interface RestartDecision {
  restart: boolean;
  delayMs: number;
  reason: string;
}

export function decideRestart(policy: RestartPolicy, facts: ExitFacts): RestartDecision {
  const no = (reason: string): RestartDecision => ({ restart: false, delayMs: 0, reason });
  if (policy.name === 'no') return no('restart policy is "no"');
  if (facts.stoppedByUser) return no('stopped by the user');
  if (policy.name === 'on-failure') {
    if (facts.exitCode === 0) return no('exited with 0 and the policy is on-failure');
    if (policy.maximumRetryCount > 0 && facts.restartCount >= policy.maximumRetryCount) {
      return no(`reached the maximum of ${policy.maximumRetryCount} restarts`);
    }
  }
  const delayMs =
    facts.ranForMs >= BACKOFF_RESET_AFTER_MS || facts.lastDelayMs === 0
      ? BACKOFF_START_MS
      : Math.min(BACKOFF_MAX_MS, facts.lastDelayMs * 2);
  return { restart: true, delayMs, reason: `policy ${policy.name}` };
}
