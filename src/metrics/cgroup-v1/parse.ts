/**
 * The cgroup v1 files ForgeOne reads, parsed (kernel Documentation/admin-guide/cgroup-v1/).
 * Hierarchical values are used throughout (`total_*` of memory.stat, `*_recursive` of blkio), so
 * a container that creates sub-cgroups is still counted whole.
 */
import type { BlkioStats, BlockDeviceStats, CpuStats, MemoryStats } from '../../config/container-stats';
import { blkioTotals, limitValue, parseDevice, parseFlatKeyed, parseSingle, pickKeyed } from '../parse';

const NS = 1e9;
/** USER_HZ: cpuacct.stat counts in these ticks; 100 on every Linux architecture ForgeOne runs on. */
const USER_HZ = 100;

/**
 * CPU time from cpuacct: `cpuacct.usage_all` (ns per CPU, user and system; kernel 4.7+) when
 * there, else `cpuacct.stat` (USER_HZ ticks) scaled to `cpuacct.usage` (ns). Undefined when
 * neither file could be read.
 */
export function parseCpuacct(files: { usageAll?: string; stat?: string; usage?: string }): CpuStats | undefined {
  if (files.usageAll !== undefined) {
    let user = 0;
    let system = 0;
    let rows = 0;
    for (const line of files.usageAll.split('\n').slice(1)) {
      const [cpu, u, s] = line.trim().split(/\s+/);
      if (cpu === undefined || u === undefined || s === undefined || !/^\d+$/.test(cpu)) continue;
      user += Number(u);
      system += Number(s);
      rows++;
    }
    if (rows > 0) return { userSeconds: user / NS, systemSeconds: system / NS, usageSeconds: (user + system) / NS };
  }
  if (files.stat === undefined) return undefined;
  const ticks = parseFlatKeyed(files.stat);
  const userSeconds = (ticks.user ?? 0) / USER_HZ;
  const systemSeconds = (ticks.system ?? 0) / USER_HZ;
  const usageNs = parseSingle(files.usage);
  return { userSeconds, systemSeconds, usageSeconds: usageNs === undefined ? userSeconds + systemSeconds : usageNs / NS };
}

/** CFS throttling from the cpu controller's `cpu.stat` (throttled_time in ns). */
export function parseCpuThrottling(text: string | undefined): Pick<CpuStats, 'periods' | 'throttledPeriods' | 'throttledSeconds'> {
  if (text === undefined) return {};
  const s = pickKeyed(text, ['nr_periods', 'nr_throttled', 'throttled_time']);
  return {
    ...(s.nr_periods !== undefined ? { periods: s.nr_periods } : {}),
    ...(s.nr_throttled !== undefined ? { throttledPeriods: s.nr_throttled } : {}),
    ...(s.throttled_time !== undefined ? { throttledSeconds: s.throttled_time / NS } : {}),
  };
}

const MEMORY_KEYS = ['hierarchical_memory_limit', 'total_rss', 'rss', 'total_cache', 'cache', 'total_inactive_file', 'inactive_file'] as const;

/**
 * Memory from `memory.usage_in_bytes`, `memory.stat` and `memory.oom_control`. The limit is
 * memory.stat's `hierarchical_memory_limit`: the effective one, a parent's limit included.
 * `detail` keeps every memory.stat counter (Docker's stats show them; scrapes do not need them).
 */
export function parseMemory(files: { usage?: string; stat?: string; oomControl?: string }, detail = true): MemoryStats | undefined {
  if (files.usage === undefined && files.stat === undefined) return undefined;
  const stat = pickKeyed(files.stat, MEMORY_KEYS);
  const oom = pickKeyed(files.oomControl, ['oom_kill']);
  const out: MemoryStats = detail ? { stat: parseFlatKeyed(files.stat) } : {};
  const usage = parseSingle(files.usage);
  if (usage !== undefined) out.usageBytes = usage;
  const limit = limitValue(stat.hierarchical_memory_limit);
  if (limit !== undefined) out.limitBytes = limit;
  const rss = stat.total_rss ?? stat.rss;
  if (rss !== undefined) out.rssBytes = rss;
  const cache = stat.total_cache ?? stat.cache;
  if (cache !== undefined) out.cacheBytes = cache;
  const inactive = stat.total_inactive_file ?? stat.inactive_file;
  if (inactive !== undefined) out.inactiveFileBytes = inactive;
  // oom_kill is in memory.oom_control since kernel 4.13.
  if (oom.oom_kill !== undefined) out.oomKills = oom.oom_kill;
  return out;
}

/**
 * Block I/O from `blkio.throttle.io_service_bytes_recursive` and `…io_serviced_recursive`:
 * lines `MAJ:MIN Read|Write|Sync|Async|Discard|Total N` and a final `Total N`.
 */
export function parseBlkio(bytesText: string | undefined, opsText: string | undefined): BlkioStats | undefined {
  if (bytesText === undefined && opsText === undefined) return undefined;
  const devices = new Map<string, BlockDeviceStats>();
  const add = (text: string | undefined, field: 'Bytes' | 'Ops') => {
    for (const line of (text ?? '').split('\n')) {
      const [dev, op, value] = line.trim().split(/\s+/);
      if (dev === undefined || op === undefined || value === undefined) continue;
      const id = parseDevice(dev);
      if (!id || (op !== 'Read' && op !== 'Write')) continue;
      let d = devices.get(dev);
      if (!d) devices.set(dev, (d = { ...id, readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0 }));
      d[`${op === 'Read' ? 'read' : 'write'}${field}`] += Number(value) || 0;
    }
  };
  add(bytesText, 'Bytes');
  add(opsText, 'Ops');
  const list = [...devices.values()];
  return { ...blkioTotals(list), devices: list };
}
