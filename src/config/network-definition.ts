/**
 * A network as ForgeOne stores and builds it (issue 7). In config/, the foundation, because two
 * modules share it: state/ keeps it (NetworkRecord) and network/ turns it into CNI conflists.
 */
export interface NetworkDefinition {
  /** 64 hex. */
  id: string;
  name: string;
  /** Linux bridge device (at most 15 characters). */
  bridge: string;
  /** IPv4 CIDR. */
  subnet: string;
  gateway: string;
  /** No route out: no masquerade, no default route, forwarding off the bridge dropped. */
  internal: boolean;
  labels: Record<string, string>;
  createdAt: number;
}
