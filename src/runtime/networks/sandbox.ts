/**
 * At create: which networks a container joins (its endpoints) and its network namespace, made
 * now because the namespace's path is written into the OCI spec once. At rm: everything undone.
 */
import { ForgeError } from '../../errors';
import type { ContainerConfig } from '../../config/container-config';
import { exposedPorts, portKey, type PortRequest } from '../../config/port-spec';
import type { ImageConfig } from '../../config/oci-image';
import type { RuntimeContext } from '../context';
import { detachNetworks } from './attach';
import { syncHosts } from './etc-sync';
import { findNetwork } from './find-network';
import { DEFAULT_NETWORK } from './services';

/** -P: the image's EXPOSEd ports that -p does not already publish, each on a free host port. */
export function withPublishAll(config: ContainerConfig, image: ImageConfig): ContainerConfig {
  if (!config.publishAll) return config;
  const have = new Set((config.ports ?? []).map(portKey));
  const extra: PortRequest[] = exposedPorts(image.config?.ExposedPorts).filter((p) => !have.has(portKey(p)));
  return { ...config, ports: [...(config.ports ?? []), ...extra] };
}

/** Checks the network mode before anything is created; returns warnings for the user. */
export function checkNetworkMode(rt: RuntimeContext, config: ContainerConfig): string[] {
  const mode = config.networkMode;
  const warnings: string[] = [];
  if (mode === 'none' || mode === 'host') {
    if ((config.ports ?? []).length) warnings.push(`published ports are discarded when using ${mode} network mode`);
    if ((config.networkAliases ?? []).length) throw new ForgeError('InvalidArgument', `network-scoped aliases are not supported with --network ${mode}`);
    return warnings;
  }
  if (mode.startsWith('container:')) return warnings; // the spec builder says it is not supported
  const net = findNetwork(rt, mode === 'default' ? DEFAULT_NETWORK : mode);
  if (net.name === DEFAULT_NETWORK && (config.networkAliases ?? []).length) {
    throw new ForgeError('InvalidArgument', 'network-scoped aliases are supported only for containers on user-defined networks', { hint: 'create a network: forgeone network create NAME' });
  }
  return warnings;
}

/** Records the container's endpoint and makes its namespace; the namespace path, or undefined. */
export async function prepareSandbox(rt: RuntimeContext, id: string, config: ContainerConfig): Promise<string | undefined> {
  const mode = config.networkMode;
  if (mode === 'none' || mode === 'host' || mode.startsWith('container:')) return undefined;
  const net = findNetwork(rt, mode === 'default' ? DEFAULT_NETWORK : mode);
  rt.network.repo.addEndpoint({ containerId: id, networkId: net.id, position: 0, aliases: config.networkAliases ?? [] });
  return rt.network.netns.ensure(id);
}

/** DEL of what is attached, the endpoints, the namespace; peers' /etc/hosts rewritten. */
export async function releaseSandbox(rt: RuntimeContext, id: string): Promise<void> {
  const networkIds = rt.network.repo.endpointsOf(id).map((e) => e.networkId);
  await detachNetworks(rt, id, { syncPeers: false });
  for (const netId of networkIds) rt.network.repo.removeEndpoint(id, netId);
  await rt.network.netns.remove(id);
  if (networkIds.length) await syncHosts(rt, id, networkIds);
}
