/**
 * Volume verbs: create, inspect, list, remove, prune. A volume is in use while any container's
 * config mounts it; the volume store asks through `volumeInUse`.
 */
import type { VolumeInfo } from '../../config/api-types';
import type { ContainerConfig } from '../../config/container-config';
import type { Volume } from '../../fs/types';
import type { RuntimeContext } from '../context';

export function volumeInfo(v: Volume): VolumeInfo {
  return { Name: v.name, Driver: v.driver, Mountpoint: v.mountpoint, CreatedAt: v.createdAt, Labels: v.labels, Scope: v.scope, Options: v.options };
}

/** Names of the containers that mount a volume (running or not). */
export function containersUsingVolume(rt: Pick<RuntimeContext, 'containers'>, name: string): string[] {
  return rt.containers
    .list()
    .filter((c) => (c.config as ContainerConfig).mounts.some((m) => m.type === 'volume' && m.source === name))
    .map((c) => c.name);
}

export async function createVolume(rt: RuntimeContext, body: { Name?: string; Labels?: Record<string, string>; Driver?: string; DriverOpts?: Record<string, string> }): Promise<VolumeInfo> {
  if (body.Name) {
    // Docker: creating an existing volume returns it.
    const existing = await rt.volumes.get(body.Name).catch(() => undefined);
    if (existing) return volumeInfo(existing);
  }
  const v = await rt.volumes.create({
    ...(body.Name ? { name: body.Name } : {}),
    ...(body.Labels ? { labels: body.Labels } : {}),
    ...(body.Driver ? { driver: body.Driver } : {}),
    ...(body.DriverOpts && Object.keys(body.DriverOpts).length ? { driverOpts: body.DriverOpts } : {}),
  });
  rt.events.publish('/volumes/create', v.name, {});
  return volumeInfo(v);
}

export async function inspectVolume(rt: RuntimeContext, name: string): Promise<VolumeInfo> {
  const v = await rt.volumes.get(name);
  const usage = await rt.volumes.usage(name).catch(() => ({ bytes: -1 }));
  return { ...volumeInfo(v), UsageData: { Size: usage.bytes, RefCount: containersUsingVolume(rt, name).length } };
}

export async function listVolumes(rt: RuntimeContext): Promise<{ Volumes: VolumeInfo[]; Warnings: string[] }> {
  return { Volumes: (await rt.volumes.list()).map(volumeInfo), Warnings: [] };
}

export async function removeVolume(rt: RuntimeContext, name: string, options: { force?: boolean } = {}): Promise<void> {
  await rt.volumes.remove(name, options);
  rt.events.publish('/volumes/destroy', name, {});
}

export async function pruneVolumes(rt: RuntimeContext, options: { all?: boolean; labels?: string[] } = {}): Promise<{ VolumesDeleted: string[]; SpaceReclaimed: number }> {
  const r = await rt.volumes.prune(options);
  for (const name of r.volumesDeleted) rt.events.publish('/volumes/destroy', name, {});
  return { VolumesDeleted: r.volumesDeleted, SpaceReclaimed: r.spaceReclaimed };
}
