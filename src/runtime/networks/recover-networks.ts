/**
 * Start-up recovery of networking, after containers were re-adopted: attachments of tasks that
 * are no longer running (they died while no daemon ran) get their CNI DEL from the saved
 * conflist and result; endpoints and namespaces of containers that no longer exist are removed;
 * then host-local leases that no attachment accounts for are collected (the GC the CNI spec
 * 1.1 adds, done here by reading the lease files: the plugins installed predate it).
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { hasLiveTask, isContainerState } from '../../lifecycle/container-states';
import type { Attachment } from '../../network/types';
import type { RuntimeContext } from '../context';
import { detachOne } from './attach';
import { syncHosts } from './etc-sync';
import { settleReleases } from './services';

export async function recoverNetworking(rt: RuntimeContext): Promise<void> {
  await settleReleases(rt.network); // removals finished by container recovery release in the background
  const touched = new Set<string>();
  for (const e of rt.network.repo.allEndpoints()) {
    const record = rt.containers.get(e.containerId);
    const state = record ? rt.containers.state(e.containerId) : undefined;
    const live = state !== undefined && isContainerState(state.status) && hasLiveTask(state.status);
    try {
      if (e.attachment && !live) {
        rt.logger.info('releasing the network of a container that stopped while the daemon was down', { id: e.containerId, network: e.networkId });
        await detachOne(rt, e.containerId, e);
        touched.add(e.networkId);
      }
      if (!record) rt.network.repo.removeEndpoint(e.containerId, e.networkId);
    } catch (err) {
      rt.logger.error('network recovery of a container failed', { id: e.containerId, error: (err as Error).message });
    }
  }
  for (const id of await rt.network.netns.list()) {
    if (rt.containers.get(id)) continue;
    await rt.network.netns.remove(id).catch((err: unknown) => rt.logger.warn('cannot remove a stale network namespace', { id, error: (err as Error).message }));
  }
  await collectLeases(rt);
  for (const netId of touched) {
    const anyone = rt.network.repo.endpointsOn(netId).find((e) => e.attachment);
    if (anyone) await syncHosts(rt, anyone.containerId, [netId]);
  }
}

/** Deletes host-local lease files (named by IP, holding the container ID) no attachment owns. */
async function collectLeases(rt: RuntimeContext): Promise<void> {
  const owned = new Map<string, Set<string>>(); // network name → container IDs attached
  for (const e of rt.network.repo.allEndpoints()) {
    const att = e.attachment as Attachment | undefined;
    if (!att) continue;
    const set = owned.get(att.conflist.name) ?? new Set<string>();
    set.add(e.containerId);
    owned.set(att.conflist.name, set);
  }
  let networks: string[];
  try {
    networks = await fs.readdir(rt.network.ipamDir);
  } catch {
    return;
  }
  for (const name of networks) {
    const dir = path.join(rt.network.ipamDir, name);
    for (const file of await fs.readdir(dir).catch(() => [] as string[])) {
      if (!/^\d+\.\d+\.\d+\.\d+$/.test(file)) continue;
      const holder = (await fs.readFile(path.join(dir, file), 'utf8').catch(() => '')).split(/\r?\n/)[0]?.trim() ?? '';
      if (owned.get(name)?.has(holder)) continue;
      rt.logger.info('collecting a leaked IP lease', { network: name, ip: file, container: holder });
      await fs.rm(path.join(dir, file), { force: true });
    }
  }
}
