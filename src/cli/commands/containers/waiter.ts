/**
 * Waiting for a container's exit from the CLI, without the race docker's CLI also avoids: the
 * wait is sent (and reaches the daemon) before `start`, so an exit right after start is not
 * missed. Should the daemon answer it late anyway, the stopped container's inspect is the
 * fallback once the output has ended.
 */
import type { ApiClient } from '../../../api/client';
import type { ContainerInspect, WaitResult } from '../../../config/api-types';
import { containerPath } from './paths';

export type WaitCondition = 'not-running' | 'next-exit' | 'removed';

export interface PendingWait {
  /** Resolves once the request is on the daemon's socket. */
  sent: Promise<void>;
  result: Promise<WaitResult>;
  cancel(): void;
}

export function sendWait(client: ApiClient, id: string, condition: WaitCondition): PendingWait {
  const abort = new AbortController();
  let markSent: () => void = () => undefined;
  const sent = new Promise<void>((resolve) => (markSent = resolve));
  const result = client.json<WaitResult>('POST', containerPath(id, '/wait'), { query: { condition }, signal: abort.signal, onSent: markSent });
  // A failed request counts as sent: the caller then sees the error in `result`.
  result.catch(() => markSent());
  return { sent, result, cancel: () => abort.abort() };
}

/**
 * The exit code once the output has ended: the wait's answer, or, if that has not come within
 * `graceMs` and the condition is next-exit, the exit code of the stopped container.
 */
export async function exitCodeAfterOutput(client: ApiClient, id: string, wait: PendingWait, condition: WaitCondition, graceMs = 2000): Promise<WaitResult> {
  if (condition !== 'next-exit') return wait.result;
  let timer: NodeJS.Timeout | undefined;
  let settled = false;
  const fallback = new Promise<WaitResult>((resolve) => {
    const poll = async () => {
      try {
        const c = await client.json<ContainerInspect>('GET', containerPath(id, '/json'));
        if (c.State.Status === 'exited' || c.State.Status === 'dead') return resolve({ StatusCode: c.State.ExitCode });
      } catch {
        // Gone or daemon busy: the wait itself will answer or fail.
      }
      if (!settled) timer = setTimeout(() => void poll(), 1000);
    };
    timer = setTimeout(() => void poll(), graceMs);
  });
  try {
    return await Promise.race([wait.result, fallback]);
  } finally {
    settled = true;
    clearTimeout(timer);
    wait.cancel();
  }
}
