/**
 * At create: which networks a container joins (its endpoints) and the path of its network
 * namespace, written into the OCI spec once (the namespace is made at first start). At rm:
 * everything undone.
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

/**
 * Records the container's endpoint; returns the namespace path for the spec, or undefined. The
 * namespace itself is made at start (or taken from the pool), when CNI needs it.
 */
export async function prepareSandbox(rt: RuntimeContext, id: string, config: ContainerConfig): Promise<string | undefined> {
  const mode = config.networkMode;
  if (mode === 'none' || mode === 'host' || mode.startsWith('container:')) return undefined;
  const net = findNetwork(rt, mode === 'default' ? DEFAULT_NETWORK : mode);
  rt.network.repo.addEndpoint({ containerId: id, networkId: net.id, position: 0, aliases: config.networkAliases ?? [] });
  return rt.network.netns.pathOf(id);
}

/**
 * DEL of what is attached, the endpoints, the namespace; peers' /etc/hosts rewritten.
 * `background`: `rm` does not wait for CNI DEL (~120 ms here, issue 8): the endpoint rows stay
 * until DEL is done, so a daemon killed meanwhile still finds them at recovery (their container
 * is gone, so recovery DELs them); port allocation, network rm and daemon stop wait for it.
 */
export async function releaseSandbox(rt: RuntimeContext, id: string, options: { background?: boolean } = {}): Promise<void> {
  const endpoints = rt.network.repo.endpointsOf(id);
  const networkIds = endpoints.map((e) => e.networkId);
  const work = async () => {
    await detachNetworks(rt, id, { syncPeers: false });
    for (const netId of networkIds) rt.network.repo.removeEndpoint(id, netId);
    await rt.network.netns.remove(id);
    if (networkIds.length) await syncHosts(rt, id, networkIds);
  };
  if (!options.background || !endpoints.some((e) => e.attachment)) return work();
  const release: Promise<void> = work()
    .catch((err: unknown) => rt.logger.warn('releasing the network of a removed container failed', { id, error: (err as Error).message }))
    .finally(() => rt.network.releases.delete(release));
  rt.network.releases.add(release);
}

/** The exit hook: DEL at once, except for --rm containers, whose removal follows and DELs. */
export async function releaseAfterExit(rt: RuntimeContext, id: string): Promise<void> {
  const record = rt.containers.get(id);
  if ((record?.config as ContainerConfig | undefined)?.autoRemove) return;
  await detachNetworks(rt, id);
}
