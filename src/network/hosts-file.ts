/**
 * The /etc/hosts and /etc/resolv.conf a networked container sees. Pure renderers: the runtime
 * gathers the peers and rewrites the bind-mounted files (in place, so the mount keeps pointing
 * at the same inode) whenever a container joins or leaves one of its networks.
 */

export interface HostsEntry {
  ip: string;
  names: string[];
}

export interface HostsInput {
  /** The container's own addresses and names (hostname first). */
  self: HostsEntry[];
  /** Other containers on the same user networks. */
  peers: HostsEntry[];
  /** `--add-host name:ip`. */
  extraHosts: string[];
  /** Fallback for the container's own name when it has no address (mode none). */
  hostname: string;
}

const BASE = ['127.0.0.1\tlocalhost', '::1\tlocalhost ip6-localhost ip6-loopback', 'fe00::0\tip6-localnet', 'ff00::0\tip6-mcastprefix'];

export function renderHosts(input: HostsInput): string {
  const lines = [...BASE];
  for (const extra of input.extraHosts) {
    const i = extra.lastIndexOf(':');
    lines.push(`${extra.slice(i + 1)}\t${extra.slice(0, i)}`);
  }
  if (input.self.length === 0) lines.push(`127.0.1.1\t${input.hostname}`);
  for (const e of input.self) lines.push(`${e.ip}\t${unique(e.names).join(' ')}`);
  const seen = new Set(input.self.flatMap((e) => e.names));
  for (const peer of [...input.peers].sort((a, b) => a.names[0]!.localeCompare(b.names[0]!))) {
    const names = unique(peer.names).filter((n) => !seen.has(n));
    if (names.length) lines.push(`${peer.ip}\t${names.join(' ')}`);
  }
  return lines.join('\n') + '\n';
}

/**
 * resolv.conf: `dns` when given (--dns), else the host's file without loopback resolvers
 * (unreachable from the container's own network namespace) — unless `hostNetwork`, where the
 * host's file is right as it is.
 */
export function renderResolvConf(hostText: string, options: { dns: string[]; hostNetwork: boolean }): string {
  const lines = hostText.split('\n');
  if (options.dns.length) {
    const kept = lines.filter((l) => /^\s*(search|domain|options)\b/.test(l));
    return [...options.dns.map((d) => `nameserver ${d}`), ...kept].join('\n').trim() + '\n';
  }
  if (options.hostNetwork) return hostText.endsWith('\n') || !hostText ? hostText : hostText + '\n';
  return lines.filter((l) => !/^\s*nameserver\s+(127\.|::1)/.test(l)).join('\n').trim() + '\n';
}

function unique(names: string[]): string[] {
  return [...new Set(names.filter(Boolean))];
}
