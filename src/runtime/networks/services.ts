/**
 * What the network verbs work with (RuntimeContext.network): the repository, the CNI runner,
 * sandboxes and firewall from network/, and the locks that keep port allocation and /etc/hosts
 * rewrites consistent when containers start at once.
 */
import type { CniRunner, NetnsManager, NetworkFirewall, PortMapping } from '../../network/types';
import type { NetworksRepository } from '../../state/networks-repository';
import type { Limiter } from '../../util/concurrency';
import type { SandboxPool } from './pool';

export interface NetworkServices {
  readonly repo: NetworksRepository;
  readonly cni: CniRunner;
  readonly netns: NetnsManager;
  readonly firewall: NetworkFirewall;
  /** host-local's lease directory (under the daemon's root, never /var/lib/cni). */
  readonly ipamDir: string;
  /** Serialises port allocation, network create/remove. */
  readonly mutex: Limiter;
  /** Serialises /etc/hosts rewrites, so a rewrite never loses to an older one. */
  readonly hostsMutex: Limiter;
  /** Ports chosen for containers whose ADD is under way (not in the database yet). */
  readonly reservedPorts: Map<string, PortMapping[]>;
  /**
   * Releases (CNI DEL) of removed containers still running in the background: port allocation,
   * network removal and daemon stop wait for them (see sandbox.ts releaseSandbox).
   */
  readonly releases: Set<Promise<void>>;
  /** Sandboxes attached ahead of time (off unless network-sandbox-pool > 0). */
  readonly pool: SandboxPool;
}

/** Waits for background releases (never throws: each logs its own failure). */
export async function settleReleases(network: NetworkServices): Promise<void> {
  while (network.releases.size) await Promise.allSettled([...network.releases]);
}

/** The name docker gives the default network; `--network bridge` and no --network mean it. */
export const DEFAULT_NETWORK = 'bridge';
/** Network modes that are no network object. */
export const SPECIAL_MODES = ['none', 'host'] as const;
