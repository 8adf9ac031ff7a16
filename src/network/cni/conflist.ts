/**
 * Builds the CNI conflist of a network: bridge (+ host-local IPAM) → portmap → firewall. Pure,
 * unit-tested. Choices, docker's where docker has one:
 * - the bridge is the gateway (isGateway) and masquerades traffic leaving the subnet (ipMasq),
 *   except on an internal network: no masquerade, no default route;
 * - hairpin mode, so a container reaches its own published port through the host address;
 * - host-local's data dir is under the daemon's root, never /var/lib/cni, so two daemons (and
 *   tests) never share leases;
 * - port mappings are runtime config (the `portMappings` capability), so the conflist saved
 *   with an attachment is what DEL needs.
 */
import type { CniConflist, NetworkDefinition, PortMapping } from '../types';

export const CNI_VERSION = '1.0.0';

export interface ConflistOptions {
  /** host-local's lease directory (under the daemon's root). */
  ipamDataDir: string;
  /** Ports to publish through this network (only on the container's primary network). */
  ports?: PortMapping[];
  /** CNI network name; default the network's name. */
  cniName?: string;
}

export function buildConflist(net: NetworkDefinition, options: ConflistOptions): CniConflist {
  const name = options.cniName ?? net.name;
  const bridge: CniConflist['plugins'][number] = {
    type: 'bridge',
    bridge: net.bridge,
    isGateway: true,
    ipMasq: !net.internal,
    hairpinMode: true,
    ipam: {
      type: 'host-local',
      ranges: [[{ subnet: net.subnet, gateway: net.gateway }]],
      routes: net.internal ? [] : [{ dst: '0.0.0.0/0' }],
      dataDir: options.ipamDataDir,
    },
  };
  const plugins: CniConflist['plugins'] = [bridge];
  const ports = options.ports ?? [];
  if (ports.length) {
    plugins.push({
      type: 'portmap',
      capabilities: { portMappings: true },
      snat: true,
      runtimeConfig: {
        portMappings: ports.map((p) => ({ hostPort: p.hostPort, containerPort: p.containerPort, protocol: p.protocol, ...(p.hostIp ? { hostIP: p.hostIp } : {}) })),
      },
    });
  }
  // Accepts the container's traffic on hosts whose FORWARD policy is DROP (docker installed);
  // isolation between networks comes first, from ForgeOne's own chain (iptables/isolation.ts).
  plugins.push({ type: 'firewall', backend: 'iptables' });
  return { cniVersion: CNI_VERSION, name, plugins };
}

/** The loopback plugin alone: brings `lo` up in a new sandbox (HOST-NOTES 15). */
export function loopbackConflist(): CniConflist {
  return { cniVersion: CNI_VERSION, name: 'forgeone-loopback', plugins: [{ type: 'loopback' }] };
}
