/**
 * network/: container networking through the standard CNI plugins (bridge, host-local, portmap,
 * firewall, loopback) and iptables — never hand-written netlink code.
 *
 * Terms:
 * - A *network* is a Linux bridge with a subnet (NetworkDefinition), kept in the database; the
 *   default one is named `bridge` (docker's name) and comes from the daemon config.
 * - A *sandbox* is a container's network namespace: a bind-mounted nsfs file under the runroot
 *   (Netns); its path goes into the OCI spec at create, the namespace is made (or taken from the
 *   pool) at first start, removed at rm.
 * - An *attachment* is one CNI ADD of a network's conflist into a sandbox (interface eth0, eth1…).
 *   Its conflist (with the runtime config, e.g. port mappings) and result are saved, because DEL
 *   must be given exactly what ADD was — also after a daemon crash.
 *
 * Lifecycle: ADD at container start, DEL when its task exits (or at rm); the sandbox outlives
 * the attachments. The module owns no state: runtime/ composes it with state/ (DESIGN.md §2).
 */
import type { PortProtocol } from '../config/port-spec';

import type { NetworkDefinition } from '../config/network-definition';
export type { NetworkDefinition };

/** A port mapping as programmed (the host port is always concrete here). */
export interface PortMapping {
  hostPort: number;
  containerPort: number;
  protocol: PortProtocol;
  /** Absent: every host address. */
  hostIp?: string;
}

/** A CNI conflist (the network configuration list format, spec 1.0.0). */
export interface CniConflist {
  cniVersion: string;
  name: string;
  plugins: Array<Record<string, unknown> & { type: string }>;
}

/** The parts of a CNI result ForgeOne reads (spec 1.0.0 result). */
export interface CniResult {
  cniVersion: string;
  interfaces?: Array<{ name: string; mac?: string; sandbox?: string }>;
  ips?: Array<{ interface?: number; address: string; gateway?: string }>;
  routes?: Array<{ dst: string; gw?: string }>;
  dns?: Record<string, unknown>;
}

/** One network plugged into one sandbox, as saved for DEL. */
export interface Attachment {
  networkId: string;
  ifname: string;
  /** The conflist given to ADD, runtime config included. */
  conflist: CniConflist;
  result: CniResult;
  ports: PortMapping[];
  /** The CNI container ID ADD used when it was not the container's (a pooled sandbox). */
  cniContainerId?: string;
}

/** What a sandbox's interface got: parsed from a CNI result. */
export interface InterfaceAddress {
  ip: string;
  prefixLen: number;
  gateway: string;
  mac: string;
}

/** Runs CNI plugin chains. Implementations: cni/cni-runner.ts (real plugins). */
export interface CniRunner {
  /** ADD of every plugin in order, each given the previous result. */
  add(conflist: CniConflist, target: CniTarget): Promise<CniResult>;
  /** DEL in reverse order with the saved result; missing pieces are not an error (CNI spec). */
  del(conflist: CniConflist, target: CniTarget, prevResult?: CniResult): Promise<void>;
}

export interface CniTarget {
  containerId: string;
  /** Path of the network namespace (bind-mounted nsfs file). */
  netns: string;
  ifname: string;
}

/** Per-container network namespaces kept as bind-mounted files. */
export interface NetnsManager {
  /** The path of a container's namespace file (whether it exists or not). */
  pathOf(containerId: string): string;
  /** Creates it unless it is already a live namespace mount; returns the path. */
  ensure(containerId: string): Promise<string>;
  /** Unmounts and deletes it; absent is fine. */
  remove(containerId: string): Promise<void>;
  /** Bind-mounts the namespace of `fromId` on `toId`'s path (a pooled sandbox given to a container); `fromId`'s file stays until removed. */
  adopt(fromId: string, toId: string): Promise<void>;
  /** Container IDs with a namespace file (for recovery). */
  list(): Promise<string[]>;
}

/** ForgeOne's own iptables rules: isolation between networks, internal networks. */
export interface NetworkFirewall {
  /** Rules for a network's bridge (idempotent). */
  addNetwork(net: Pick<NetworkDefinition, 'bridge' | 'internal'>): Promise<void>;
  removeNetwork(net: Pick<NetworkDefinition, 'bridge' | 'internal'>): Promise<void>;
  /** Puts ForgeOne's jump first in FORWARD again (the CNI firewall plugin inserts its own at 1). */
  ensureFirst(): Promise<void>;
}
