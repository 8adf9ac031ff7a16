/** `container prune`: remove every stopped container (exited or never started). */
import type { RuntimeContext } from '../context';
import { removeContainer } from './remove';

export async function pruneContainers(rt: RuntimeContext): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const state of rt.containers.allStates()) {
    if (state.status !== 'exited' && state.status !== 'created' && state.status !== 'dead') continue;
    try {
      reclaimed += await removeContainer(rt, state.id, {});
      deleted.push(state.id);
    } catch (err) {
      rt.logger.warn('prune: could not remove container', { id: state.id, error: (err as Error).message });
    }
  }
  rt.events.publish('/containers/prune', 'containers', { reclaimed: String(reclaimed) });
  return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
}
