/**
 * `rm`: a running container needs `force` (then it is killed first). Removes the task, the rootfs
 * mount and layer, the container's files, anonymous volumes with `volumes`, and the record.
 * With `measure`, returns the bytes the container had written (its upper dir; prune reports it).
 */
import { promises as fs } from 'node:fs';
import { transition, hasLiveTask } from '../../lifecycle/container-states';
import { containerPaths } from '../../config/paths';
import type { RuntimeContext } from '../context';
import { findContainer, reload } from './find-container';
import { releaseSandbox } from '../networks/sandbox';

export interface RemoveOptions {
  force?: boolean;
  /** Also remove the anonymous volumes the container used (`rm -v`). */
  volumes?: boolean;
  /** Measure the writable layer first (a walk of its files, which only prune reports). */
  measure?: boolean;
}

export async function removeContainer(rt: RuntimeContext, input: string, options: RemoveOptions): Promise<number> {
  const { record } = findContainer(rt, input);
  let reclaimed = 0;
  await rt.containerLocks.with(record.id, async () => {
    const c = reload(rt, record.id);
    transition(c.state.status, options.force ? 'forceRemove' : 'remove', c.record.name);
    const id = c.record.id;
    const engine = rt.engine(c.record.engine as never);
    let stopped = true;
    if (hasLiveTask(c.state.status)) {
      rt.containers.updateState(id, { stoppedByUser: true });
      const exited = engine.wait(id).then(() => true, () => false);
      await engine.kill(id, 'SIGKILL', { all: true }).catch(() => undefined);
      stopped = await Promise.race([exited, new Promise<boolean>((r) => setTimeout(() => r(false), 10_000).unref())]);
    }
    rt.containers.updateState(id, { status: 'removing' });
    rt.monitor.unwatch(id);
    if (options.measure) reclaimed = await rt.snapshotter.usage(id).then((u) => u.bytes).catch(() => 0);
    if (stopped) {
      // Nothing runs on the rootfs any more: the runtime's clean-up and the unmount (a process
      // each) go side by side, since `run --rm` waits for the removal.
      const done = await Promise.allSettled([engine.delete(id), rt.snapshotter.unmount(id)]);
      for (const r of done) if (r.status === 'rejected') throw r.reason;
    } else {
      await engine.delete(id);
      await rt.snapshotter.unmount(id);
    }
    await rt.snapshotter.removeContainerLayer(id);
    await fs.rm(containerPaths(rt.paths, id).dir, { recursive: true, force: true });
    if (options.volumes) {
      for (const m of c.config.mounts) {
        if (m.type !== 'volume') continue;
        const v = await rt.volumes.get(m.source).catch(() => undefined);
        if (v?.anonymous) await rt.volumes.remove(v.name).catch((err: unknown) => rt.logger.warn('volume not removed', { name: v.name, error: (err as Error).message }));
      }
    }
    rt.containers.delete(id);
    rt.events.publish('/containers/destroy', id, { name: c.record.name });
    // CNI DEL, endpoints, netns (issue 7): in the background, after the removal is reported, so
    // it does not compete with it; the endpoint rows stay until done (recovery finishes it).
    await releaseSandbox(rt, id, { background: true });
  });
  return reclaimed;
}
