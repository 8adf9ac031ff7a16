/**
 * The host's CPU time, for Docker-shaped stats: `system_cpu_usage` is the host's total CPU time
 * since boot in nanoseconds (the first line of /proc/stat, user to steal, in USER_HZ ticks) and
 * `online_cpus` the number of `cpuN` lines. Clients compute CPU % from the change in both.
 */
import { promises as fs } from 'node:fs';

const USER_HZ = 100;

export interface HostCpu {
  /** Host CPU time, all CPUs, nanoseconds. */
  systemCpuNs: number;
  onlineCpus: number;
}

export function parseProcStat(text: string): HostCpu {
  const lines = text.split('\n');
  const total = lines.find((l) => l.startsWith('cpu '));
  // user nice system idle iowait irq softirq steal (guest time is already inside user/nice).
  const ticks = (total ?? '')
    .trim()
    .split(/\s+/)
    .slice(1, 9)
    .reduce((sum, v) => sum + (Number(v) || 0), 0);
  const onlineCpus = lines.filter((l) => /^cpu\d+ /.test(l)).length;
  return { systemCpuNs: Math.round((ticks * 1e9) / USER_HZ), onlineCpus: Math.max(1, onlineCpus) };
}

export async function readHostCpu(file = '/proc/stat'): Promise<HostCpu> {
  return parseProcStat(await fs.readFile(file, 'utf8'));
}
