/** `kill`: send a signal to a running container's task. */
import { transition } from '../../lifecycle/container-states';
import type { RuntimeContext } from '../context';
import { findContainer, reload } from './find-container';
import { normaliseSignal } from './signals';

export async function kill(rt: RuntimeContext, input: string, signal = 'SIGKILL'): Promise<void> {
  const sig = normaliseSignal(signal);
  const { record } = findContainer(rt, input);
  await rt.containerLocks.with(record.id, async () => {
    const c = reload(rt, record.id);
    transition(c.state.status, 'kill', c.record.name);
    // A kill by the user is a stop by the user: restart policies other than `always` stand down.
    if (sig === 'SIGKILL' || sig === 'SIGTERM') rt.containers.updateState(c.record.id, { stoppedByUser: true });
    await rt.engine(c.record.engine as never).kill(c.record.id, sig);
    rt.events.publish('/containers/kill', c.record.id, { name: c.record.name, signal: sig });
  });
}
