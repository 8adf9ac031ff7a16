/**
 * `network connect` / `network disconnect`: adds or removes a network of a container. On a
 * running container the sandbox is plugged or unplugged at once (eth1, eth2…); on a stopped one
 * the change applies at its next start.
 */
import { ForgeError } from '../../errors';
import type { RuntimeContext } from '../context';
import { findContainer, reload } from '../containers/find-container';
import { attachOne, detachOne } from './attach';
import { syncHosts } from './etc-sync';
import { findNetwork } from './find-network';
import { DEFAULT_NETWORK } from './services';

function checkMode(mode: string, name: string): void {
  if (mode === 'host' || mode === 'none' || mode.startsWith('container:')) {
    throw new ForgeError('FailedPrecondition', `container ${name} uses --network ${mode}: it cannot be connected to or disconnected from networks`);
  }
}

export async function connectNetwork(rt: RuntimeContext, networkInput: string, containerInput: string, options: { aliases?: string[] } = {}): Promise<void> {
  const net = findNetwork(rt, networkInput);
  const { record } = findContainer(rt, containerInput);
  if (record.engine !== 'native') throw new ForgeError('FailedPrecondition', `container ${record.name} runs on the ${record.engine} engine, which has no network namespace`);
  const aliases = options.aliases ?? [];
  if (net.name === DEFAULT_NETWORK && aliases.length) throw new ForgeError('InvalidArgument', 'network-scoped aliases are supported only for containers on user-defined networks');
  await rt.containerLocks.with(record.id, async () => {
    const c = reload(rt, record.id);
    checkMode(c.config.networkMode, c.record.name);
    const existing = rt.network.repo.endpointsOf(c.record.id);
    if (existing.some((e) => e.networkId === net.id)) {
      throw new ForgeError('Conflict', `container ${c.record.name} is already connected to network ${net.name}`);
    }
    const position = existing.reduce((max, e) => Math.max(max, e.position), -1) + 1;
    const endpoint = { containerId: c.record.id, networkId: net.id, position, aliases };
    rt.network.repo.addEndpoint(endpoint);
    if (c.state.status === 'running' || c.state.status === 'paused') {
      try {
        await attachOne(rt, c.record.id, { ...endpoint, attachment: undefined }, `eth${freeIndex(existing.map((e) => (e.attachment as { ifname?: string } | undefined)?.ifname))}`, []);
      } catch (err) {
        rt.network.repo.removeEndpoint(c.record.id, net.id);
        throw err;
      }
      await rt.network.firewall.ensureFirst();
      await syncHosts(rt, c.record.id, [...existing.map((e) => e.networkId), net.id]);
    }
    rt.events.publish('/networks/connect', net.id, { name: net.name, container: c.record.id });
  });
}

export async function disconnectNetwork(rt: RuntimeContext, networkInput: string, containerInput: string): Promise<void> {
  const net = findNetwork(rt, networkInput);
  const { record } = findContainer(rt, containerInput);
  await rt.containerLocks.with(record.id, async () => {
    const c = reload(rt, record.id);
    checkMode(c.config.networkMode, c.record.name);
    const endpoints = rt.network.repo.endpointsOf(c.record.id);
    const endpoint = endpoints.find((e) => e.networkId === net.id);
    if (!endpoint) throw new ForgeError('NotFound', `container ${c.record.name} is not connected to network ${net.name}`);
    await detachOne(rt, c.record.id, endpoint);
    rt.network.repo.removeEndpoint(c.record.id, net.id);
    await syncHosts(rt, c.record.id, endpoints.map((e) => e.networkId));
    rt.events.publish('/networks/disconnect', net.id, { name: net.name, container: c.record.id });
  });
}

function freeIndex(used: Array<string | undefined>): number {
  for (let i = 0; ; i++) if (!used.includes(`eth${i}`)) return i;
}
