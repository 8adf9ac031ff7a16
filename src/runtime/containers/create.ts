/**
 * `create`: validate the config, unpack the image's layers (once per layer), record the
 * container, mount its rootfs, and write its runtime spec once. Nothing runs yet. A failure
 * after the record was written undoes everything (mount, dirs, record).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import { parseContainerConfig, type ContainerConfig } from '../../config/container-config';
import type { CreateResult } from '../../config/api-types';
import { containerPaths } from '../../config/paths';
import type { EngineKind } from '../../engine/types';
import { writeFileAtomic } from '../../util/atomic-file';
import type { RuntimeContext } from '../context';
import { readRootfsFile } from './rootfs-files';
import { findImage } from '../find-image';
import { buildRuntimeSpec } from '../spec/build-spec';
import { imageForContainer } from './image-layers';
import { generateName, newContainerId } from './names';
import { writeEtcFiles } from './etc-files';
import { imageEngine } from './wasm-image';
import { createWasmContainer } from './create-wasm';
import { checkNetworkMode, prepareSandbox, releaseSandbox, withPublishAll } from '../networks/sandbox';
import { writeNetworkEtcFiles } from '../networks/etc-sync';

export async function createContainer(rt: RuntimeContext, body: unknown): Promise<CreateResult> {
  let config = parseContainerConfig(body);
  const warnings: string[] = [];
  const { image } = findImage(rt, config.image);
  // WASM (issue 5): the engine comes from the image (media type, platform) unless --engine says.
  const chosen = await imageEngine(rt, image, config.engine);
  const engine: EngineKind = chosen.engine;
  rt.engine(engine); // Unavailable now rather than at start
  if (config.name && rt.containers.byName(config.name)) {
    throw new ForgeError('Conflict', `the container name "/${config.name}" is already in use`, { hint: 'remove that container, or choose another --name' });
  }
  await checkMounts(config);
  if (engine === 'wasm') return createWasmContainer(rt, config, image, chosen);
  warnings.push(...checkNetworkMode(rt, config)); // networking (issue 7)
  if (config.resources.memory === undefined && config.resources.pidsLimit === undefined) {
    // Nothing to warn: secure defaults (a pids limit) apply in the spec.
  }

  const id = newContainerId();
  let name = config.name ?? generateName((n) => rt.containers.byName(n) !== undefined);
  const release = rt.store.lease(image.blobs);
  const { config: imageConfig, layers } = await imageForContainer(rt, image).finally(release);
  const prepared = await rt.snapshotter.prepare(layers);
  config = withPublishAll(config, imageConfig); // -P (issue 7)

  const paths = containerPaths(rt.paths, id);
  const hostname = config.hostname ?? id.slice(0, 12);
  for (let attempt = 0; ; attempt++) {
    try {
      rt.containers.insert(
        { id, name, image: config.image, imageDigest: image.digest, imageId: image.configDigest, engine, config: { ...config, name }, command: [], createdAt: Date.now() },
        'created',
      );
      break;
    } catch (err) {
      // Two creates at once may pick the same generated name: the database decides, the loser picks again.
      if (config.name !== undefined || attempt >= 5 || !(err instanceof ForgeError) || err.code !== 'Conflict') throw err;
      name = generateName((n) => rt.containers.byName(n) !== undefined);
    }
  }
  try {
    await fs.mkdir(paths.dir, { recursive: true, mode: 0o700 });
    const { rootfs } = await rt.snapshotter.mount(id, prepared.chainIds, { volatile: config.autoRemove });
    rt.containers.updateState(id, { rootfsMounted: true });
    await writeEtcFiles(paths, hostname);
    const netns = await prepareSandbox(rt, id, config); // networking (issue 7)
    await writeNetworkEtcFiles(rt, id, config);
    const volumeSources = await resolveVolumes(rt, config, rootfs);
    const spec = buildRuntimeSpec({
      id,
      config,
      image: imageConfig,
      rootfs,
      hostsFiles: { hosts: paths.hosts, hostname: paths.hostname, resolvConf: paths.resolvConf },
      volumeSources,
      passwd: await readRootfsFile(rootfs, 'etc/passwd'),
      group: await readRootfsFile(rootfs, 'etc/group'),
      limits: rt.hostLimits,
      ...(netns ? { namespaces: { network: netns } } : {}),
      ...(rt.initPath ? { initPath: rt.initPath } : {}),
    });
    await writeFileAtomic(paths.specFile, JSON.stringify(spec, null, 2));
    rt.containers.setCommand(id, config.init ? spec.process.args.slice(2) : spec.process.args);
  } catch (err) {
    await releaseSandbox(rt, id).catch(() => undefined);
    await rt.snapshotter.unmount(id).catch(() => undefined);
    await rt.snapshotter.removeContainerLayer(id).catch(() => undefined);
    await fs.rm(paths.dir, { recursive: true, force: true });
    rt.containers.delete(id);
    throw err;
  }
  rt.events.publish('/containers/create', id, { name, image: config.image });
  return { Id: id, Warnings: warnings };
}

async function checkMounts(config: ContainerConfig): Promise<void> {
  const targets = new Set<string>();
  for (const m of config.mounts) {
    if (!m.target.startsWith('/')) throw new ForgeError('InvalidArgument', `invalid mount target "${m.target}": it must be an absolute path`);
    if (targets.has(m.target)) throw new ForgeError('InvalidArgument', `duplicate mount point: ${m.target}`);
    targets.add(m.target);
    if (m.type !== 'bind') continue;
    if (!path.isAbsolute(m.source)) throw new ForgeError('InvalidArgument', `invalid bind source "${m.source}": it must be an absolute path`);
    try {
      await fs.stat(m.source);
    } catch {
      throw new ForgeError('InvalidArgument', `invalid mount config: bind source path does not exist: ${m.source}`, {
        hint: 'create it first, or use a named volume (-v NAME:/path)',
      });
    }
  }
}

/** Named volumes: created on first use, filled from the image (Docker's copy-up). */
async function resolveVolumes(rt: RuntimeContext, config: ContainerConfig, rootfs: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const m of config.mounts) {
    if (m.type !== 'volume') continue;
    let volume;
    try {
      volume = await rt.volumes.get(m.source);
    } catch (err) {
      if (!(err instanceof ForgeError) || err.code !== 'NotFound') throw err;
      volume = await rt.volumes.create({ name: m.source });
      rt.events.publish('/volumes/create', m.source, {});
    }
    await rt.volumes.populateFrom(volume.name, { rootfs, path: m.target });
    out[m.target] = volume.mountpoint;
  }
  return out;
}
