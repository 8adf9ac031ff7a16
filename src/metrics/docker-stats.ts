/**
 * ResourceStats → Docker's stats document (`GET /containers/{id}/stats`), so `forgeone stats`
 * and, later, the Docker-compatible API serve the same shape Docker clients compute CPU % and
 * memory from. Pure. Where Docker reports the host's memory as the limit of an unlimited
 * container, so does this (clients divide by it).
 */
import type { DockerBlkioEntry, DockerCpuStats, DockerStats, ResourceStats } from '../config/container-stats';
import type { HostCpu } from './host-cpu';

export interface StatsReading {
  /** When it was read. */
  read: Date;
  /** Undefined for a container with no live task (Docker's all-zero document). */
  stats: ResourceStats | undefined;
  host: HostCpu;
}

const ZERO_TIME = '0001-01-01T00:00:00Z';
const ns = (seconds: number | undefined) => Math.round((seconds ?? 0) * 1e9);

export function dockerCpuStats(reading: StatsReading | undefined): DockerCpuStats {
  const cpu = reading?.stats?.cpu;
  return {
    cpu_usage: { total_usage: ns(cpu?.usageSeconds), usage_in_kernelmode: ns(cpu?.systemSeconds), usage_in_usermode: ns(cpu?.userSeconds) },
    ...(reading ? { system_cpu_usage: reading.host.systemCpuNs, online_cpus: reading.host.onlineCpus } : {}),
    throttling_data: { periods: cpu?.periods ?? 0, throttled_periods: cpu?.throttledPeriods ?? 0, throttled_time: ns(cpu?.throttledSeconds) },
  };
}

export function toDockerStats(
  container: { id: string; name: string },
  now: StatsReading,
  previous: StatsReading | undefined,
  options: { hostMemoryBytes: number },
): DockerStats {
  const s = now.stats;
  const devices = s?.blkio?.devices ?? [];
  const entries = (field: 'Bytes' | 'Ops'): DockerBlkioEntry[] | null =>
    s?.blkio
      ? devices.flatMap((d) => [
          { major: d.major, minor: d.minor, op: 'read', value: d[`read${field}`] },
          { major: d.major, minor: d.minor, op: 'write', value: d[`write${field}`] },
        ])
      : null;
  const mem = s?.memory;
  const out: DockerStats = {
    id: container.id,
    name: `/${container.name}`,
    read: now.read.toISOString(),
    preread: previous ? previous.read.toISOString() : ZERO_TIME,
    pids_stats: {
      ...(s?.pids?.current !== undefined ? { current: s.pids.current } : {}),
      ...(s?.pids?.limit !== undefined ? { limit: s.pids.limit } : {}),
    },
    blkio_stats: { io_service_bytes_recursive: entries('Bytes'), io_serviced_recursive: entries('Ops') },
    num_procs: 0,
    cpu_stats: s ? dockerCpuStats(now) : dockerCpuStats(undefined),
    precpu_stats: dockerCpuStats(previous?.stats ? previous : undefined),
    memory_stats: mem
      ? {
          ...(mem.usageBytes !== undefined ? { usage: mem.usageBytes } : {}),
          limit: mem.limitBytes ?? options.hostMemoryBytes,
          ...(mem.stat ? { stats: mem.stat } : {}),
        }
      : {},
  };
  if (s?.networks) {
    out.networks = Object.fromEntries(
      Object.entries(s.networks).map(([iface, n]) => [
        iface,
        {
          rx_bytes: n.rxBytes, rx_packets: n.rxPackets, rx_errors: n.rxErrors, rx_dropped: n.rxDropped,
          tx_bytes: n.txBytes, tx_packets: n.txPackets, tx_errors: n.txErrors, tx_dropped: n.txDropped,
        },
      ]),
    );
  }
  return out;
}
