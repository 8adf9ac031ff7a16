/**
 * `network rm` and `network prune`: a network with endpoints is refused (docker's "has active
 * endpoints"); the pre-defined `bridge` is never removed. Removes ForgeOne's rules, the bridge
 * device and host-local's leases directory with the record.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../errors';
import { deleteLink } from '../../network/linux/links';
import type { NetworkRecord } from '../../state/types';
import type { RuntimeContext } from '../context';
import { findNetwork } from './find-network';
import { DEFAULT_NETWORK, settleReleases } from './services';

export async function removeNetwork(rt: RuntimeContext, input: string): Promise<void> {
  const net = findNetwork(rt, input);
  if (net.name === DEFAULT_NETWORK) {
    throw new ForgeError('PermissionDenied', `${net.name} is a pre-defined network and cannot be removed`);
  }
  await settleReleases(rt.network);
  await rt.network.mutex.run(async () => {
    const endpoints = rt.network.repo.endpointsOn(net.id);
    if (endpoints.length) {
      throw new ForgeError('Conflict', `error while removing network: network ${net.name} id ${net.id} has active endpoints`, {
        hint: 'remove or disconnect its containers first',
        details: { containers: endpoints.map((e) => e.containerId) },
      });
    }
    await dismantle(rt, net);
  });
  rt.events.publish('/networks/destroy', net.id, { name: net.name });
}

/** Everything a network has on the host, then its record. Called with the mutex held. */
export async function dismantle(rt: RuntimeContext, net: NetworkRecord): Promise<void> {
  await rt.network.firewall.removeNetwork(net);
  await deleteLink(net.bridge);
  await fs.rm(path.join(rt.network.ipamDir, net.name), { recursive: true, force: true });
  rt.network.repo.delete(net.id);
}

export async function pruneNetworks(rt: RuntimeContext): Promise<{ NetworksDeleted: string[] }> {
  const deleted: string[] = [];
  await settleReleases(rt.network);
  await rt.network.mutex.run(async () => {
    for (const net of rt.network.repo.all()) {
      if (net.name === DEFAULT_NETWORK || rt.network.repo.endpointsOn(net.id).length) continue;
      await dismantle(rt, net);
      rt.events.publish('/networks/destroy', net.id, { name: net.name });
      deleted.push(net.name);
    }
  });
  return { NetworksDeleted: deleted };
}
