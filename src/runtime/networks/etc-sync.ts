/**
 * Name resolution between containers: a managed /etc/hosts per container, rewritten by the
 * daemon whenever a container joins or leaves one of its user networks.
 *
 * Why files and not an embedded DNS responder: a hosts file needs no process in the data path,
 * so it keeps working while the daemon is down or restarting (containers outlive the daemon,
 * DESIGN.md §1); it costs nothing at start (the issue 8 budget); and every libc and busybox reads
 * it. What it gives up: names of containers on other hosts, and programs that cache /etc/hosts
 * for their whole life see later peers only after they re-read it. Like docker, names resolve
 * on user networks only, not on the default `bridge`.
 *
 * The file is a bind mount of one inode: it is rewritten in place (truncate + write), never
 * replaced by a rename, or the container would keep seeing the old file.
 */
import { promises as fs, readFileSync } from 'node:fs';
import type { ContainerConfig } from '../../config/container-config';
import { containerPaths } from '../../config/paths';
import { interfaceAddress } from '../../network/cni/result';
import { renderHosts, renderResolvConf, type HostsEntry } from '../../network/hosts-file';
import type { Attachment } from '../../network/types';
import type { RuntimeContext } from '../context';
import { DEFAULT_NETWORK } from './services';

function readHost(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/** At create: resolv.conf (host's or --dns) and, for --network host, the host's /etc/hosts. */
export async function writeNetworkEtcFiles(rt: RuntimeContext, id: string, config: ContainerConfig): Promise<void> {
  const paths = containerPaths(rt.paths, id);
  const hostNetwork = config.networkMode === 'host';
  await fs.writeFile(paths.resolvConf, renderResolvConf(readHost('/etc/resolv.conf'), { dns: config.dns ?? [], hostNetwork }), { mode: 0o644 });
  if (hostNetwork) {
    const extra = (config.extraHosts ?? []).map((e) => `${e.slice(e.lastIndexOf(':') + 1)}\t${e.slice(0, e.lastIndexOf(':'))}`);
    await fs.writeFile(paths.hosts, [readHost('/etc/hosts').trimEnd(), ...extra].join('\n') + '\n', { mode: 0o644 });
  } else {
    await writeHosts(rt, id);
  }
}

function addressOf(att: Attachment | undefined): string | undefined {
  return att ? interfaceAddress(att.result, att.ifname)?.ip : undefined;
}

/** Renders and writes one container's /etc/hosts from the database. */
async function writeHosts(rt: RuntimeContext, id: string): Promise<void> {
  const record = rt.containers.get(id);
  if (!record) return;
  const config = record.config as ContainerConfig;
  if (config.networkMode === 'host') return;
  const hostname = config.hostname ?? id.slice(0, 12);
  const self: HostsEntry[] = [];
  const peers: HostsEntry[] = [];
  for (const e of rt.network.repo.endpointsOf(id)) {
    const ip = addressOf(e.attachment as Attachment | undefined);
    if (ip) self.push({ ip, names: [hostname] });
    const net = rt.network.repo.get(e.networkId);
    if (!net || net.name === DEFAULT_NETWORK) continue;
    for (const peer of rt.network.repo.endpointsOn(net.id)) {
      if (peer.containerId === id) continue;
      const peerIp = addressOf(peer.attachment as Attachment | undefined);
      const peerRecord = rt.containers.get(peer.containerId);
      if (!peerIp || !peerRecord) continue;
      peers.push({ ip: peerIp, names: [peerRecord.name, ...peer.aliases, peer.containerId.slice(0, 12)] });
    }
  }
  const text = renderHosts({ self, peers, extraHosts: config.extraHosts ?? [], hostname });
  // In place: the file is bind-mounted into the running container.
  await fs.writeFile(containerPaths(rt.paths, id).hosts, text, { mode: 0o644, flag: 'w' }).catch((err: NodeJS.ErrnoException) => {
    if (err.code !== 'ENOENT') throw err; // the container's dir is gone: removed meanwhile
  });
}

/** Rewrites the hosts files of `id` and of every container sharing a network with it. */
export async function syncHosts(rt: RuntimeContext, id: string, networkIds: string[]): Promise<void> {
  await rt.network.hostsMutex.run(async () => {
    const ids = new Set<string>([id]);
    for (const netId of networkIds) {
      const net = rt.network.repo.get(netId);
      if (!net || net.name === DEFAULT_NETWORK) continue;
      for (const e of rt.network.repo.endpointsOn(netId)) if (e.attachment) ids.add(e.containerId);
    }
    for (const target of ids) {
      await writeHosts(rt, target).catch((err: unknown) => rt.logger.warn('cannot rewrite /etc/hosts', { id: target, error: (err as Error).message }));
    }
  });
}
