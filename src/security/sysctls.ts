/**
 * Namespaced sysctls set in every container with its own network namespace, as Docker does
 * since 20.10. Both let a non-root process do harmless things without a capability, so
 * images need not be given NET_BIND_SERVICE or NET_RAW for them: binding ports below 1024 in
 * the container's own network namespace, and ping through ICMP datagram sockets.
 */
export function defaultNetworkSysctls(): Record<string, string> {
  return {
    'net.ipv4.ip_unprivileged_port_start': '0',
    'net.ipv4.ping_group_range': '0 2147483647',
  };
}
