/**
 * `stats` rows from Docker-shaped stats documents, computed as the docker CLI does
 * (cli/command/container/stats_helpers.go): CPU % from the change in container and host CPU
 * time between a document and its precpu, memory usage without inactive page cache, sizes in
 * binary units for memory and decimal units for I/O. Pure, so it is unit-tested on documents.
 */
import type { DockerStats } from '../../config/container-stats';
import { renderTable, type Row } from './table';

export interface StatsRow extends Row {
  Container: string;
  ID: string;
  Name: string;
  CPUPerc: string;
  MemUsage: string;
  MemPerc: string;
  NetIO: string;
  BlockIO: string;
  PIDs: string;
}

export const STATS_HEADERS: Array<[keyof StatsRow & string, string]> = [
  ['ID', 'CONTAINER ID'],
  ['Name', 'NAME'],
  ['CPUPerc', 'CPU %'],
  ['MemUsage', 'MEM USAGE / LIMIT'],
  ['MemPerc', 'MEM %'],
  ['NetIO', 'NET I/O'],
  ['BlockIO', 'BLOCK I/O'],
  ['PIDs', 'PIDS'],
];

/** CPU % of one CPU's worth (200% = two CPUs busy), 0 without a previous reading. */
export function cpuPercent(s: Pick<DockerStats, 'cpu_stats' | 'precpu_stats'>): number {
  const cpuDelta = s.cpu_stats.cpu_usage.total_usage - s.precpu_stats.cpu_usage.total_usage;
  const systemDelta = (s.cpu_stats.system_cpu_usage ?? 0) - (s.precpu_stats.system_cpu_usage ?? 0);
  const cpus = s.cpu_stats.online_cpus ?? 1;
  if (systemDelta <= 0 || cpuDelta <= 0 || s.precpu_stats.system_cpu_usage === undefined) return 0;
  return (cpuDelta / systemDelta) * cpus * 100;
}

/** Usage minus inactive page cache (v1 `total_inactive_file`, v2 `inactive_file`), as docker shows. */
export function memoryUsage(m: DockerStats['memory_stats']): number {
  const usage = m.usage ?? 0;
  const inactive = m.stats?.total_inactive_file ?? m.stats?.inactive_file;
  return inactive !== undefined && inactive < usage ? usage - inactive : usage;
}

const BINARY = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
const DECIMAL = ['B', 'kB', 'MB', 'GB', 'TB', 'PB'];

function scaled(bytes: number, base: number, units: string[], precision: number): string {
  let v = bytes;
  let i = 0;
  while (v >= base && i < units.length - 1) {
    v /= base;
    i++;
  }
  return `${Number(v.toPrecision(precision))}${units[i]}`;
}

/** docker's units.BytesSize: `1.539MiB`. */
export const binarySize = (bytes: number): string => scaled(bytes, 1024, BINARY, 4);
/** docker's units.HumanSizeWithPrecision(v, 3): `22.9kB`. */
export const decimalSize = (bytes: number): string => scaled(bytes, 1000, DECIMAL, 3);

export function statsRow(s: DockerStats): StatsRow {
  const id = s.id.slice(0, 12);
  const mem = memoryUsage(s.memory_stats);
  const limit = s.memory_stats.limit ?? 0;
  let rx = 0;
  let tx = 0;
  for (const n of Object.values(s.networks ?? {})) {
    rx += n.rx_bytes;
    tx += n.tx_bytes;
  }
  let read = 0;
  let write = 0;
  for (const e of s.blkio_stats.io_service_bytes_recursive ?? []) {
    const op = e.op.toLowerCase();
    if (op === 'read') read += e.value;
    else if (op === 'write') write += e.value;
  }
  return {
    Container: id,
    ID: id,
    Name: s.name.replace(/^\//, ''),
    CPUPerc: `${cpuPercent(s).toFixed(2)}%`,
    MemUsage: `${binarySize(mem)} / ${binarySize(limit)}`,
    MemPerc: `${(limit > 0 ? (mem / limit) * 100 : 0).toFixed(2)}%`,
    NetIO: `${decimalSize(rx)} / ${decimalSize(tx)}`,
    BlockIO: `${decimalSize(read)} / ${decimalSize(write)}`,
    PIDs: String(s.pids_stats.current ?? 0),
  };
}

export function renderStatsTable(rows: StatsRow[]): string {
  return renderTable(STATS_HEADERS, rows);
}
