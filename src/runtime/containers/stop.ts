/**
 * `stop`: the stop signal, then SIGKILL after the timeout (a shell as PID 1 ignores SIGTERM,
 * HOST-NOTES 10). Returns once the exit is persisted. Stopping a stopped container is a no-op.
 */
import { transition } from '../../lifecycle/container-states';
import type { RuntimeContext } from '../context';
import { findContainer, reload } from './find-container';
import { normaliseSignal } from './signals';

export const DEFAULT_STOP_TIMEOUT_S = 10;

export async function stop(rt: RuntimeContext, input: string, options: { timeoutSeconds?: number; /** Instead of the container's stop signal (Docker's `stop --signal`). */ signal?: string } = {}): Promise<{ noop: boolean }> {
  const { record } = findContainer(rt, input);
  let exited: Promise<unknown> | undefined;
  let noop = false;
  let timeout = 0;
  const engine = rt.engine(record.engine as never);
  await rt.containerLocks.with(record.id, async () => {
    const c = reload(rt, record.id);
    const t = transition(c.state.status, 'stop', c.record.name);
    if (t.noop) {
      noop = true;
      return;
    }
    rt.containers.updateState(c.record.id, { stoppedByUser: true });
    if (c.state.status === 'restarting') {
      // Nothing runs: cancel the pending restart and settle as exited.
      rt.monitor.unwatch(c.record.id);
      rt.containers.updateState(c.record.id, { status: 'exited' });
      return;
    }
    timeout = options.timeoutSeconds ?? c.config.stopTimeout ?? DEFAULT_STOP_TIMEOUT_S;
    exited = rt.monitor.nextExit(c.record.id);
    rt.monitor.watch(c.record.id, c.record.engine);
    if (c.state.status === 'paused') await engine.resume(c.record.id).catch(() => undefined);
    await engine.kill(c.record.id, normaliseSignal(options.signal ?? c.config.stopSignal ?? 'SIGTERM')).catch(() => undefined);
  });
  // The wait happens outside the lock: recording the exit needs it.
  if (exited) {
    const timedOut = await Promise.race([exited.then(() => false), delay(timeout * 1000).then(() => true)]);
    if (timedOut) {
      rt.logger.info('stop timeout reached; killing', { id: record.id, timeout });
      await engine.kill(record.id, 'SIGKILL', { all: true }).catch(() => undefined);
      await exited;
    }
  }
  if (!noop) rt.events.publish('/containers/stop', record.id, { name: record.name });
  return { noop };
}

function delay(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms).unref());
}
