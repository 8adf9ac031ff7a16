/** `container prune`: remove every stopped container (exited or never started), optionally only some. */
import type { ContainerConfig } from '../../config/container-config';
import type { RuntimeContext } from '../context';
import { removeContainer } from './remove';

export interface PruneContainersOptions {
  /** Only containers created before this time (ms since the epoch): Docker's `until` filter. */
  createdBefore?: number;
  /** Only containers carrying every one of these labels (`key` or `key=value`). */
  labels?: string[];
}

function hasLabels(labels: Record<string, string>, wanted: string[]): boolean {
  return wanted.every((w) => {
    const i = w.indexOf('=');
    return i < 0 ? w in labels : labels[w.slice(0, i)] === w.slice(i + 1);
  });
}

export async function pruneContainers(rt: RuntimeContext, options: PruneContainersOptions = {}): Promise<{ ContainersDeleted: string[]; SpaceReclaimed: number }> {
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const state of rt.containers.allStates()) {
    if (state.status !== 'exited' && state.status !== 'created' && state.status !== 'dead') continue;
    if (options.createdBefore !== undefined || options.labels?.length) {
      const record = rt.containers.get(state.id);
      if (!record) continue;
      if (options.createdBefore !== undefined && record.createdAt >= options.createdBefore) continue;
      if (options.labels?.length && !hasLabels((record.config as ContainerConfig).labels, options.labels)) continue;
    }
    try {
      reclaimed += await removeContainer(rt, state.id, { measure: true });
      deleted.push(state.id);
    } catch (err) {
      rt.logger.warn('prune: could not remove container', { id: state.id, error: (err as Error).message });
    }
  }
  rt.events.publish('/containers/prune', 'containers', { reclaimed: String(reclaimed) });
  return { ContainersDeleted: deleted, SpaceReclaimed: reclaimed };
}
