/** `rename`: give a container another name (unique). */
import { parseContainerConfig } from '../../config/container-config';
import { transition } from '../../lifecycle/container-states';
import type { RuntimeContext } from '../context';
import { findContainer, reload } from './find-container';

export async function rename(rt: RuntimeContext, input: string, newName: string): Promise<void> {
  const name = newName.startsWith('/') ? newName.slice(1) : newName;
  // Reuse the config schema's name rule so both paths accept the same names.
  parseContainerConfig({ image: 'x', name });
  const { record } = findContainer(rt, input);
  await rt.containerLocks.with(record.id, async () => {
    const c = reload(rt, record.id);
    transition(c.state.status, 'rename', c.record.name);
    rt.containers.rename(c.record.id, name);
    rt.events.publish('/containers/rename', c.record.id, { oldName: c.record.name, name });
  });
}
