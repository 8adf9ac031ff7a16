/**
 * Plugs a container's sandbox into its networks when its task starts (CNI ADD: loopback, then
 * each network as eth0, eth1…; published ports on the first), and unplugs it when the task
 * exits or the container is removed (CNI DEL with the saved conflist and result). Each
 * attachment is saved before the start goes on, so a daemon killed at any point leaves a
 * record that recovery can DEL.
 *
 * Cost, measured here (2 vCPU VM): loopback ~5 ms, bridge+firewall ADD ~50-110 ms, +portmap
 * ~50 ms; DEL ~120 ms. ADD is the start path's largest share (issue 8): a pool of sandboxes
 * attached ahead of time would move it off the critical path (docs/networking.md).
 */
import type { ContainerConfig } from '../../config/container-config';
import { buildConflist, loopbackConflist } from '../../network/cni/conflist';
import type { Attachment, PortMapping } from '../../network/types';
import type { EndpointRecord } from '../../state/types';
import type { RuntimeContext } from '../context';
import { syncHosts } from './etc-sync';
import { reservePorts } from './ports';

/** ADD of every network the container is on. No-op for --network none/host (no endpoints). */
export async function attachNetworks(rt: RuntimeContext, id: string, config: ContainerConfig): Promise<void> {
  let endpoints = rt.network.repo.endpointsOf(id);
  if (!endpoints.length) return;
  // A previous run's attachments (a crash between exit and DEL): released before a new ADD.
  if (endpoints.some((e) => e.attachment)) {
    await detachNetworks(rt, id, { syncPeers: false });
    endpoints = rt.network.repo.endpointsOf(id);
  }
  if (await rt.network.pool.adopt(rt, id, config, endpoints)) {
    await syncHosts(rt, id, endpoints.map((e) => e.networkId));
    return;
  }
  const netns = await rt.network.netns.ensure(id);
  try {
    await rt.network.cni.add(loopbackConflist(), { containerId: id, netns, ifname: 'lo' });
    for (const [index, e] of endpoints.entries()) {
      const ports = index === 0 ? await reservePorts(rt, id, config.ports ?? []) : [];
      await attachOne(rt, id, e, `eth${index}`, ports);
    }
  } catch (err) {
    await detachNetworks(rt, id, { syncPeers: false }).catch(() => undefined);
    throw err;
  } finally {
    rt.network.reservedPorts.delete(id);
  }
  await rt.network.firewall.ensureFirst();
  await syncHosts(rt, id, endpoints.map((e) => e.networkId));
}

/** ADD of one network into a sandbox that exists; saves the attachment. */
export async function attachOne(rt: RuntimeContext, id: string, e: EndpointRecord, ifname: string, ports: PortMapping[]): Promise<Attachment> {
  const net = rt.network.repo.get(e.networkId);
  if (!net) throw new Error(`network ${e.networkId} of container ${id} is gone`);
  const conflist = buildConflist(net, { ipamDataDir: rt.network.ipamDir, ports });
  const started = performance.now();
  // Saved before ADD, without a result: a daemon killed mid-ADD leaves a record to DEL from.
  rt.network.repo.setAttachment(id, net.id, { networkId: net.id, ifname, conflist, result: { cniVersion: conflist.cniVersion }, ports } satisfies Attachment);
  const result = await rt.network.cni.add(conflist, { containerId: id, netns: rt.network.netns.pathOf(id), ifname });
  rt.logger.debug('network attached', { id, network: net.name, ifname, ms: Math.round(performance.now() - started) });
  const attachment: Attachment = { networkId: net.id, ifname, conflist, result, ports };
  rt.network.repo.setAttachment(id, net.id, attachment);
  return attachment;
}

/** DEL of one saved attachment; a failure is logged (recovery's lease GC catches leftovers). */
export async function detachOne(rt: RuntimeContext, id: string, e: EndpointRecord): Promise<void> {
  const att = e.attachment as Attachment | undefined;
  if (!att) return;
  const started = performance.now();
  try {
    await rt.network.cni.del(att.conflist, { containerId: att.cniContainerId ?? id, netns: rt.network.netns.pathOf(id), ifname: att.ifname }, att.result);
  } catch (err) {
    rt.logger.warn('CNI DEL failed', { id, network: e.networkId, error: (err as Error).message });
  }
  rt.logger.debug('network detached', { id, network: e.networkId, ms: Math.round(performance.now() - started) });
  rt.network.repo.setAttachment(id, e.networkId, undefined);
}

/** DEL of every attachment of a container (its task exited, or it is being removed). */
export async function detachNetworks(rt: RuntimeContext, id: string, options: { syncPeers?: boolean } = {}): Promise<void> {
  const endpoints = rt.network.repo.endpointsOf(id).filter((e) => e.attachment);
  if (!endpoints.length) return;
  for (const e of [...endpoints].reverse()) await detachOne(rt, id, e);
  if (options.syncPeers !== false) await syncHosts(rt, id, endpoints.map((e) => e.networkId));
}
