/** `pause` and `unpause`: freeze and thaw every process of a container (cgroup freezer). */
import { transition } from '../../lifecycle/container-states';
import type { RuntimeContext } from '../context';
import { findContainer, reload } from './find-container';

async function freeze(rt: RuntimeContext, input: string, verb: 'pause' | 'unpause'): Promise<void> {
  const { record } = findContainer(rt, input);
  await rt.containerLocks.with(record.id, async () => {
    const c = reload(rt, record.id);
    const { next } = transition(c.state.status, verb, c.record.name);
    const engine = rt.engine(c.record.engine as never);
    if (verb === 'pause') await engine.pause(c.record.id);
    else await engine.resume(c.record.id);
    rt.containers.updateState(c.record.id, { status: next });
    rt.events.publish(`/containers/${verb}`, c.record.id, { name: c.record.name });
  });
}

export const pause = (rt: RuntimeContext, input: string) => freeze(rt, input, 'pause');
export const unpause = (rt: RuntimeContext, input: string) => freeze(rt, input, 'unpause');
