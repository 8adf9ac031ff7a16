/**
 * Re-adopts containers when the daemon starts (after a clean stop or `kill -9`): tasks still
 * running are watched again; exits that happened while no daemon ran are recorded (and restart
 * policies applied); a removal that was cut short is finished; leftovers of a create that never
 * reached the database (mounts, dirs) are cleaned.
 */
import { existsSync, promises as fs } from 'node:fs';
import { containerPaths } from '../../config/paths';
import { hasLiveTask } from '../../lifecycle/container-states';
import type { RuntimeContext } from '../context';
import { removeContainer } from './remove';
import { reload } from './find-container';
import { recoverNetworking } from '../networks/recover-networks';

export async function recoverContainers(rt: RuntimeContext): Promise<void> {
  const known = new Set<string>();
  for (const state of rt.containers.allStates()) {
    known.add(state.id);
    const c = reload(rt, state.id);
    try {
      if (state.status === 'removing') {
        await removeContainer(rt, state.id, { force: true });
        continue;
      }
      if (state.status === 'created' && c.record.engine === 'native' && !existsSync(containerPaths(rt.paths, state.id).specFile)) {
        // A create killed after its record was written but before its spec was: finish undoing it.
        rt.logger.info('removing a container whose create was interrupted', { id: state.id });
        await removeContainer(rt, state.id, { force: true });
        known.delete(state.id);
        continue;
      }
      if (state.status === 'restarting') {
        rt.monitor.scheduleRestart(state.id, state.lastBackoffMs || 100);
        continue;
      }
      if (!hasLiveTask(c.state.status)) continue;
      const engine = rt.engine(c.record.engine as never);
      const status = await engine.status(state.id).catch(() => ({ state: 'unknown' as const, exitCode: undefined, exitedAt: undefined }));
      if (status.state === 'running' || status.state === 'paused' || status.state === 'created') {
        if (status.state !== c.state.status && status.state !== 'created') rt.containers.updateState(state.id, { status: status.state });
        rt.monitor.watch(state.id, c.record.engine);
        rt.logger.info('re-adopted container', { id: state.id, name: c.record.name, state: status.state });
      } else {
        const exitCode = status.exitCode ?? 255;
        await rt.monitor.recordExit(state.id, { exitCode, exitedAt: status.exitedAt ?? new Date() });
        rt.logger.info('recorded an exit that happened while the daemon was down', { id: state.id, name: c.record.name, exitCode });
      }
    } catch (err) {
      rt.logger.error('recovery of a container failed', { id: state.id, error: (err as Error).message });
    }
  }
  await cleanOrphans(rt, known);
  await recoverNetworking(rt).catch((err: unknown) => rt.logger.error('network recovery failed', { error: (err as Error).message })); // issue 7
}

/** Container dirs without a record: a create killed between its steps. */
async function cleanOrphans(rt: RuntimeContext, known: Set<string>): Promise<void> {
  let entries: string[];
  try {
    entries = await fs.readdir(rt.paths.containers);
  } catch {
    return;
  }
  for (const id of entries) {
    if (known.has(id) || !/^[a-f0-9]{64}$/.test(id)) continue;
    rt.logger.info('cleaning up after an interrupted create', { id });
    await rt.engine('native').delete(id).catch(() => undefined);
    await Promise.resolve().then(() => rt.engine('wasm').delete(id)).catch(() => undefined); // issue 5
    await rt.snapshotter.unmount(id).catch(() => undefined);
    await rt.snapshotter.removeContainerLayer(id).catch(() => undefined);
    await fs.rm(`${rt.paths.containers}/${id}`, { recursive: true, force: true });
  }
}
