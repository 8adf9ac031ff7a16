/** The API's network shape (docker's NetworkResource), from records. */
import type { NetworkResource } from '../../config/api-types';
import { interfaceAddress } from '../../network/cni/result';
import type { Attachment } from '../../network/types';
import type { NetworkRecord } from '../../state/types';
import type { RuntimeContext } from '../context';

export function networkResource(rt: RuntimeContext, net: NetworkRecord): NetworkResource {
  const containers: NetworkResource['Containers'] = {};
  for (const e of rt.network.repo.endpointsOn(net.id)) {
    const record = rt.containers.get(e.containerId);
    if (!record) continue; // a pooled sandbox, or a removed container whose DEL is under way
    const att = e.attachment as Attachment | undefined;
    const addr = att ? interfaceAddress(att.result, att.ifname) : undefined;
    containers[e.containerId] = {
      Name: record?.name ?? '',
      EndpointID: att ? endpointId(e.containerId, net.id) : '',
      MacAddress: addr?.mac ?? '',
      IPv4Address: addr ? `${addr.ip}/${addr.prefixLen}` : '',
      IPv6Address: '',
    };
  }
  return {
    Name: net.name,
    Id: net.id,
    Created: new Date(net.createdAt).toISOString(),
    Scope: 'local',
    Driver: 'bridge',
    EnableIPv6: false,
    IPAM: { Driver: 'default', Options: {}, Config: [{ Subnet: net.subnet, Gateway: net.gateway }] },
    Internal: net.internal,
    Attachable: false,
    Ingress: false,
    ConfigOnly: false,
    Containers: containers,
    Options: { 'com.docker.network.bridge.name': net.bridge },
    Labels: net.labels,
  };
}

/** A stable endpoint ID: docker's are random, ForgeOne derives one from the pair. */
export function endpointId(containerId: string, networkId: string): string {
  return containerId.slice(0, 32) + networkId.slice(0, 32);
}

/** docker's filters: name, id, label (key or key=value), driver. */
export function matchesFilters(net: NetworkRecord, filters: Record<string, string[]>): boolean {
  for (const [key, values] of Object.entries(filters)) {
    const ok = values.some((v) => {
      if (key === 'name') return net.name.includes(v);
      if (key === 'id') return net.id.startsWith(v);
      if (key === 'driver') return v === 'bridge';
      if (key === 'label') {
        const [k, val] = v.split('=', 2) as [string, string | undefined];
        return k in net.labels && (val === undefined || net.labels[k] === val);
      }
      if (key === 'type') return v === 'custom' ? net.name !== 'bridge' : v === 'builtin' ? net.name === 'bridge' : false;
      return false;
    });
    if (!ok) return false;
  }
  return true;
}
