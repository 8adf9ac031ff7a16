/** `logs`: a container's output lines from its log file, optionally following until it exits. */
import type { LogEntry } from '../../engine/logs/k8s-file';
import { readLogs } from '../../engine/logs/k8s-file';
import { containerPaths } from '../../config/paths';
import type { RuntimeContext } from '../context';
import { findContainer } from './find-container';

export interface LogsOptions {
  follow?: boolean;
  tail?: number;
  since?: Date;
  until?: Date;
  stdout?: boolean;
  stderr?: boolean;
  signal?: AbortSignal;
}

export interface ContainerLogs {
  tty: boolean;
  entries: AsyncGenerator<LogEntry>;
}

export function containerLogs(rt: RuntimeContext, input: string, options: LogsOptions = {}): ContainerLogs {
  const c = findContainer(rt, input);
  const running = c.state.status === 'running' || c.state.status === 'paused' || c.state.status === 'restarting';
  const streams = [...(options.stdout !== false ? ['stdout' as const] : []), ...(options.stderr !== false ? ['stderr' as const] : [])];
  // Following a stopped container reads what is there and ends, as Docker does.
  const follow = !!options.follow && running;
  const stopWhen = follow ? rt.events.waitFor('/tasks/exit', c.record.id, options.signal).catch(() => undefined) : undefined;
  const entries = readLogs(containerPaths(rt.paths, c.record.id).logPath, {
    streams,
    follow,
    ...(options.tail !== undefined ? { tail: options.tail } : {}),
    ...(options.since ? { since: options.since } : {}),
    ...(options.until ? { until: options.until } : {}),
    ...(stopWhen ? { stopWhen } : {}),
    ...(options.signal ? { signal: options.signal } : {}),
  });
  return { tty: c.config.tty, entries };
}
