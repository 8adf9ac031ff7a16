/**
 * What ForgeOne measures of a running container, whatever runs it, and the Docker-shaped stats
 * document built from it. Kept in config/ (the foundation) because three modules share it:
 * metrics/ reads it from cgroups, engine/ may report it for tasks that have no cgroup of their
 * own (WASM instances: `Engine.stats`), and the CLI prints the Docker-shaped document.
 *
 * Every group is optional: an engine reports what it can measure, and a missing group means
 * "not measured", never zero. Units are base units (seconds, bytes).
 */

export interface CpuStats {
  /** CPU time in user mode, seconds. */
  userSeconds: number;
  /** CPU time in kernel mode, seconds. */
  systemSeconds: number;
  /** All CPU time, seconds (user + system, measured by the kernel at finer grain). */
  usageSeconds: number;
  /** CFS periods elapsed, periods throttled, and time throttled (only with a CPU quota). */
  periods?: number;
  throttledPeriods?: number;
  throttledSeconds?: number;
}

export interface MemoryStats {
  /** Memory charged to the container now (anonymous + page cache + kernel), bytes. */
  usageBytes?: number;
  /** The limit; absent when unlimited. */
  limitBytes?: number;
  /** Anonymous memory (Docker's and cAdvisor's "rss"). */
  rssBytes?: number;
  /** Page cache (files read or written, tmpfs). */
  cacheBytes?: number;
  /** Page cache the kernel can drop first; usage minus this is the working set. */
  inactiveFileBytes?: number;
  /** Processes the kernel OOM-killed in this cgroup. */
  oomKills?: number;
  /**
   * A WebAssembly module's linear memory maximum. Not `limitBytes`: the instance's usage is its
   * host process's (Node's own ~40 MB included), which this limit does not bound.
   */
  linearLimitBytes?: number;
  /** The raw memory.stat counters (v1 and v2 name them differently, as in Docker's stats). */
  stat?: Record<string, number>;
}

export interface BlockDeviceStats {
  major: number;
  minor: number;
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
}

export interface BlkioStats {
  readBytes: number;
  writeBytes: number;
  readOps: number;
  writeOps: number;
  devices: BlockDeviceStats[];
}

export interface PidsStats {
  /** Tasks (threads included) in the container. */
  current?: number;
  /** Absent when unlimited. */
  limit?: number;
}

/** Counters of one network interface, as /proc/net/dev has them. */
export interface NetworkInterfaceStats {
  rxBytes: number;
  rxPackets: number;
  rxErrors: number;
  rxDropped: number;
  txBytes: number;
  txPackets: number;
  txErrors: number;
  txDropped: number;
}

export interface ResourceStats {
  cpu?: CpuStats;
  memory?: MemoryStats;
  blkio?: BlkioStats;
  pids?: PidsStats;
  /**
   * Per interface of the container's network namespace. Nothing fills it yet: the networking
   * work reads it (CNI knows the interfaces) and the exposition and stats already carry it.
   */
  networks?: Record<string, NetworkInterfaceStats>;
}

/** Docker's `GET /containers/{id}/stats` document (the fields Docker clients read). */
export interface DockerStats {
  id: string;
  name: string;
  read: string;
  preread: string;
  pids_stats: { current?: number; limit?: number };
  blkio_stats: {
    io_service_bytes_recursive: DockerBlkioEntry[] | null;
    io_serviced_recursive: DockerBlkioEntry[] | null;
  };
  num_procs: number;
  cpu_stats: DockerCpuStats;
  precpu_stats: DockerCpuStats;
  memory_stats: { usage?: number; limit?: number; failcnt?: number; stats?: Record<string, number> };
  networks?: Record<string, DockerNetworkStats>;
}

export interface DockerBlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface DockerCpuStats {
  cpu_usage: { total_usage: number; usage_in_kernelmode: number; usage_in_usermode: number };
  /** Host CPU time since boot, nanoseconds (all CPUs). */
  system_cpu_usage?: number;
  online_cpus?: number;
  throttling_data: { periods: number; throttled_periods: number; throttled_time: number };
}

export interface DockerNetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}
