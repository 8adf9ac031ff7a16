/**
 * `create` for WebAssembly images (issue 5): no snapshot, no overlay mount, no native runtime
 * spec. The module is checked (a non-WASM file, an import the host does not provide, a minimum
 * memory above --memory: refused now, naming the problem), placed in `<container dir>/wasm/`
 * (a hard link to the layer blob, or the file taken out of a tar layer), and the minimal spec
 * the wasm engine reads (engine/wasm/task-config.ts) is written once, as for native containers.
 *
 * Volumes and binds become WASI preopened directories at their targets; tmpfs cannot be one.
 * Labels `io.forgeone.wasm.timeout` and `io.forgeone.wasm.cpu` (seconds) set the wall-clock and
 * CPU-time limits.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import type { ContainerConfig } from '../../config/container-config';
import type { CreateResult } from '../../config/api-types';
import { containerPaths } from '../../config/paths';
import type { RuntimeSpec } from '../../config/runtime-spec';
import { ANNOTATION_CPU, ANNOTATION_TIMEOUT, checkModule, inspectModule } from '../../engine/wasm';
import type { ImageRecord } from '../../state/types';
import { writeFileAtomic } from '../../util/atomic-file';
import type { RuntimeContext } from '../context';
import { overlayEnv } from '../spec/env';
import { resolveCommand } from '../spec/command';
import { generateName, newContainerId } from './names';
import { readFromLayers, type ImageEngine } from './wasm-image';

const PAGE = 64 * 1024;

export async function createWasmContainer(rt: RuntimeContext, config: ContainerConfig, image: ImageRecord, found: ImageEngine): Promise<CreateResult> {
  const wasm = found.wasm!;
  if (config.tty) throw new ForgeError('InvalidArgument', 'WebAssembly containers have no terminal: drop -t', { details: { reason: 'tty-unsupported' } });
  const tmpfs = config.mounts.find((m) => m.type === 'tmpfs');
  if (tmpfs) throw new ForgeError('InvalidArgument', `WebAssembly containers cannot mount a tmpfs (${tmpfs.target}): use a volume`, { details: { reason: 'unsupported-mount' } });
  const fallback = `/${wasm.kind === 'layer' && wasm.title ? wasm.title : 'module.wasm'}`;
  const args = wasm.kind === 'layer' && !found.config.config?.Entrypoint?.length && config.entrypoint === undefined
    ? [fallback, ...(config.cmd ?? found.config.config?.Cmd ?? [])]
    : resolveCommand(config, found.config);
  const modulePath = path.posix.normalize(`/${args[0]!}`);
  const bytes = wasm.kind === 'layer' ? await rt.store.read(wasm.digest) : await readFromLayers(wasm.layers, modulePath);
  const memoryPages = config.resources.memory ? Math.floor(config.resources.memory / PAGE) : undefined;
  checkModule(inspectModule(bytes, modulePath), memoryPages ? { memoryLimitPages: memoryPages } : {}, modulePath);

  const id = newContainerId();
  const name = config.name ?? generateName((n) => rt.containers.byName(n) !== undefined);
  const paths = containerPaths(rt.paths, id);
  const root = path.join(paths.dir, 'wasm');
  rt.containers.insert(
    { id, name, image: config.image, imageDigest: image.digest, imageId: image.configDigest, engine: 'wasm', config: { ...config, name }, command: args, createdAt: Date.now() },
    'created',
  );
  try {
    const target = path.join(root, modulePath);
    await fs.mkdir(path.dirname(target), { recursive: true, mode: 0o700 });
    if (wasm.kind === 'layer') await fs.link(rt.store.path(wasm.digest), target).catch(() => fs.writeFile(target, bytes, { mode: 0o600 }));
    else await fs.writeFile(target, bytes, { mode: 0o600 });
    const spec: RuntimeSpec = {
      ociVersion: '1.0.2',
      process: { user: { uid: 0, gid: 0 }, args, env: overlayEnv(found.config.config?.Env ?? [], config.env), cwd: config.workingDir ?? '/', terminal: false },
      root: { path: root, readonly: true },
      hostname: config.hostname ?? id.slice(0, 12),
      mounts: await preopenMounts(rt, config),
      ...(config.resources.memory ? { linux: { namespaces: [], resources: { memory: { limit: config.resources.memory } } } } : {}),
      annotations: {
        'io.forgeone.engine': 'wasm',
        ...(config.labels[ANNOTATION_TIMEOUT] ? { [ANNOTATION_TIMEOUT]: config.labels[ANNOTATION_TIMEOUT] } : {}),
        ...(config.labels[ANNOTATION_CPU] ? { [ANNOTATION_CPU]: config.labels[ANNOTATION_CPU] } : {}),
      },
    };
    await writeFileAtomic(paths.specFile, JSON.stringify(spec, null, 2));
  } catch (err) {
    await fs.rm(paths.dir, { recursive: true, force: true });
    rt.containers.delete(id);
    throw err;
  }
  rt.events.publish('/containers/create', id, { name, image: config.image });
  return { Id: id, Warnings: [] };
}

/** Volumes (created on first use) and binds, as bind mounts the engine turns into preopens. */
async function preopenMounts(rt: RuntimeContext, config: ContainerConfig): Promise<RuntimeSpec['mounts']> {
  const out: RuntimeSpec['mounts'] = [];
  for (const m of config.mounts) {
    if (m.type === 'tmpfs') continue;
    let source = m.source;
    if (m.type === 'volume') {
      let volume;
      try {
        volume = await rt.volumes.get(m.source);
      } catch (err) {
        if (!(err instanceof ForgeError) || err.code !== 'NotFound') throw err;
        volume = await rt.volumes.create({ name: m.source });
        rt.events.publish('/volumes/create', m.source, {});
      }
      source = volume.mountpoint;
    }
    out.push({ destination: m.target, type: 'bind', source, options: ['rbind', m.readonly ? 'ro' : 'rw'] });
  }
  return out;
}
