/** inspect's NetworkSettings (docker's shape) from a container's endpoints and attachments. */
import { existsSync } from 'node:fs';
import type { ContainerSummary, EndpointSettings, NetworkSettings } from '../../config/api-types';
import type { ContainerConfig } from '../../config/container-config';
import { portKey } from '../../config/port-spec';
import { interfaceAddress } from '../../network/cni/result';
import type { Attachment } from '../../network/types';
import type { RuntimeContext } from '../context';
import { DEFAULT_NETWORK } from './services';
import { endpointId } from './views';

/** `ps`'s published ports (docker's ContainerSummary.Ports). */
export function summaryPorts(rt: RuntimeContext, id: string): NonNullable<ContainerSummary['Ports']> {
  return rt.network.repo.endpointsOf(id).flatMap((e) =>
    ((e.attachment as Attachment | undefined)?.ports ?? []).map((p) => ({ IP: p.hostIp ?? '0.0.0.0', PrivatePort: p.containerPort, PublicPort: p.hostPort, Type: p.protocol })),
  );
}

export function networkSettings(rt: RuntimeContext, id: string, config: ContainerConfig): NetworkSettings {
  const out: NetworkSettings = { Networks: {}, IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Ports: {}, SandboxKey: '' };
  const mode = config.networkMode;
  if (mode === 'host' || mode === 'none') {
    out.Networks[mode] = { NetworkID: mode, EndpointID: '', IPAddress: '', IPPrefixLen: 0, Gateway: '', MacAddress: '', Aliases: null };
    return out;
  }
  // Ports asked for but not (yet) published show as null, as docker shows exposed ports.
  for (const p of config.ports ?? []) out.Ports[portKey(p)] = null;
  for (const e of rt.network.repo.endpointsOf(id)) {
    const net = rt.network.repo.get(e.networkId);
    if (!net) continue;
    const att = e.attachment as Attachment | undefined;
    const addr = att ? interfaceAddress(att.result, att.ifname) : undefined;
    const settings: EndpointSettings = {
      NetworkID: net.id,
      EndpointID: att ? endpointId(id, net.id) : '',
      IPAddress: addr?.ip ?? '',
      IPPrefixLen: addr?.prefixLen ?? 0,
      Gateway: addr?.gateway ?? '',
      MacAddress: addr?.mac ?? '',
      Aliases: net.name === DEFAULT_NETWORK ? null : [...e.aliases, id.slice(0, 12)],
    };
    out.Networks[net.name] = settings;
    if (net.name === DEFAULT_NETWORK && addr) {
      out.IPAddress = addr.ip;
      out.IPPrefixLen = addr.prefixLen;
      out.Gateway = addr.gateway;
      out.MacAddress = addr.mac;
    }
    for (const p of att?.ports ?? []) {
      (out.Ports[portKey(p)] ??= []).push({ HostIp: p.hostIp ?? '0.0.0.0', HostPort: String(p.hostPort) });
    }
  }
  const sandbox = rt.network.netns.pathOf(id);
  if (existsSync(sandbox)) out.SandboxKey = sandbox;
  return out;
}
