/** metrics/ as the rest of ForgeOne sees it: the host's cgroup reader, daemon metrics, stats shapes. */
export { detectCgroupReader } from './detect';
export { PromDaemonMetrics, type DaemonMetricsOptions } from './exposition/daemon-metrics';
export { negotiateFormat } from './exposition/format';
export { toDockerStats, type StatsReading } from './docker-stats';
export { readHostCpu, type HostCpu } from './host-cpu';
export { readNetDev } from './net-dev';
