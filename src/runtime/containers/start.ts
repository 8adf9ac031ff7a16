/**
 * `start`: lock → reload → check → (re)mount the rootfs → the engine creates and starts the task
 * → persist running → emit → watch for its exit. A command that cannot run leaves the container
 * exited with 127 (not found) or 126 (not executable), as Docker does.
 */
import { promises as fs } from 'node:fs';
import { ForgeError } from '../../errors';
import { transition } from '../../lifecycle/container-states';
import { containerPaths } from '../../config/paths';
import type { RuntimeSpec } from '../../config/runtime-spec';
import type { RuntimeContext } from '../context';
import { imageForContainer } from './image-layers';
import { findContainer, reload, type Container } from './find-container';
import { attachNetworks, detachNetworks } from '../networks/attach';

/** Log files rotate at this size (conmon's --log-size-max). */
export const LOG_MAX_SIZE = 10 * 1024 * 1024;

export async function start(rt: RuntimeContext, input: string): Promise<void> {
  const { record } = findContainer(rt, input);
  await rt.containerLocks.with(record.id, async () => {
    const c = reload(rt, record.id);
    const { next } = transition(c.state.status, 'start', c.record.name);
    await startLocked(rt, c, next);
  });
}

/** The part of start that restart policies reuse while already holding the lock. */
export async function startLocked(rt: RuntimeContext, c: Container, next: Container['state']['status']): Promise<void> {
  const id = c.record.id;
  const engine = rt.engine(c.record.engine as never);
  const paths = containerPaths(rt.paths, id);
  await ensureMounted(rt, c);
  const spec = JSON.parse(await fs.readFile(paths.specFile, 'utf8')) as RuntimeSpec;
  // A previous run's task (exited) is cleaned before a new one is created with the same ID.
  await engine.delete(id).catch(() => undefined);
  let info;
  const startClock = performance.now(); // metrics: start latency (issue 6)
  try {
    if (c.record.engine === 'native') await attachNetworks(rt, id, c.config); // CNI ADD (issue 7)
    info = await engine.create({ id, spec, logPath: paths.logPath, logMaxSize: LOG_MAX_SIZE, stdin: c.config.openStdin, stdinOnce: c.config.stdinOnce, tty: c.config.tty });
    await rt.pendingAttachments.connect(id, engine);
    await engine.start(id);
    rt.metrics.containerStart(c.record.engine, (performance.now() - startClock) / 1000); // metrics (issue 6)
  } catch (err) {
    const reason = err instanceof ForgeError ? (err.details?.reason as string | undefined) : undefined;
    const exitCode = reason === 'command-not-found' ? 127 : reason === 'command-not-executable' ? 126 : 128;
    await engine.delete(id).catch(() => undefined);
    await detachNetworks(rt, id).catch(() => undefined);
    rt.containers.updateState(id, {
      status: transition(c.state.status, 'fail').next,
      exitCode,
      error: (err as Error).message,
      finishedAt: Date.now(),
      pid: 0,
      monitorPid: 0,
    });
    rt.events.publish('/tasks/exit', id, { name: c.record.name, exitCode: String(exitCode) });
    // --rm applies to a container whose command could not run, too (after this verb's lock).
    if (c.config.autoRemove && rt.monitor.autoRemoveHook) {
      const hook = rt.monitor.autoRemoveHook;
      setImmediate(() => hook(rt, id).catch((e: unknown) => rt.logger.warn('auto-remove failed', { id, error: (e as Error).message })));
    }
    throw err;
  }
  rt.containers.updateState(id, {
    status: next,
    pid: info.pid,
    monitorPid: info.monitorPid,
    startedAt: Date.now(),
    exitCode: undefined,
    error: '',
    stoppedByUser: false,
    oomKilled: false,
  });
  rt.events.publish('/containers/start', id, { name: c.record.name, image: c.record.image });
  rt.monitor.watch(id, c.record.engine);
}

/** Mounts the rootfs again when it is gone (after a host reboot or a crash between steps). */
export async function ensureMounted(rt: RuntimeContext, c: Container): Promise<void> {
  // WASM containers (issue 5) have no rootfs: their module is in the container dir.
  if (c.record.engine === 'wasm' || (await rt.snapshotter.isMounted(c.record.id))) return;
  const image = rt.images.get(c.record.imageDigest as never);
  if (!image) {
    throw new ForgeError('FailedPrecondition', `the image of container ${c.record.name} (${c.record.imageId}) is no longer in the store`, {
      hint: `pull ${c.record.image} again`,
    });
  }
  const { layers } = await imageForContainer(rt, image);
  const prepared = await rt.snapshotter.prepare(layers);
  await rt.snapshotter.mount(c.record.id, prepared.chainIds, { volatile: c.config.autoRemove });
  rt.containers.updateState(c.record.id, { rootfsMounted: true });
}

/** Runs a container again after its restart delay (the monitor's restart hook). */
export async function restartAfterExit(rt: RuntimeContext, id: string): Promise<void> {
  await rt.containerLocks.with(id, async () => {
    let c;
    try {
      c = reload(rt, id);
    } catch {
      return;
    }
    // Stopped or removed by the user while waiting: nothing to do.
    if (c.state.status !== 'restarting' || c.state.stoppedByUser) return;
    rt.containers.updateState(id, { restartCount: c.state.restartCount + 1 });
    const { next } = transition(c.state.status, 'start', c.record.name);
    await startLocked(rt, reload(rt, id), next);
  });
}
