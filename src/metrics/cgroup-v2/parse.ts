/**
 * The cgroup v2 files ForgeOne reads, parsed (kernel Documentation/admin-guide/cgroup-v2.rst).
 * cgroup2 values are hierarchical by design, so nothing needs a `total_` variant.
 */
import type { BlkioStats, BlockDeviceStats, CpuStats, MemoryStats } from '../../config/container-stats';
import { blkioTotals, parseDevice, parseFlatKeyed, parseLimit, parseSingle, pickKeyed } from '../parse';

const US = 1e6;

/**
 * `cpu.stat`: usage/user/system_usec are always there (cgroup2 core accounting, even with the
 * cpu controller not enabled, as on hybrid hosts); nr_periods, nr_throttled and throttled_usec
 * only with the cpu controller.
 */
export function parseCpuStat(text: string | undefined): CpuStats | undefined {
  if (text === undefined) return undefined;
  const s = pickKeyed(text, ['usage_usec', 'user_usec', 'system_usec', 'nr_periods', 'nr_throttled', 'throttled_usec']);
  if (s.usage_usec === undefined) return undefined;
  return {
    userSeconds: (s.user_usec ?? 0) / US,
    systemSeconds: (s.system_usec ?? 0) / US,
    usageSeconds: s.usage_usec / US,
    ...(s.nr_periods !== undefined ? { periods: s.nr_periods } : {}),
    ...(s.nr_throttled !== undefined ? { throttledPeriods: s.nr_throttled } : {}),
    ...(s.throttled_usec !== undefined ? { throttledSeconds: s.throttled_usec / US } : {}),
  };
}

/**
 * Memory from `memory.current`, `memory.max`, `memory.stat` and `memory.events`. As Docker does
 * on v2: rss is `anon`, cache is `file`. `detail` keeps every memory.stat counter.
 */
export function parseMemory(files: { current?: string; max?: string; stat?: string; events?: string }, detail = true): MemoryStats | undefined {
  if (files.current === undefined && files.stat === undefined) return undefined;
  const stat = pickKeyed(files.stat, ['anon', 'file', 'inactive_file']);
  const events = pickKeyed(files.events, ['oom_kill']);
  const out: MemoryStats = detail ? { stat: parseFlatKeyed(files.stat) } : {};
  const usage = parseSingle(files.current);
  if (usage !== undefined) out.usageBytes = usage;
  const limit = parseLimit(files.max);
  if (limit !== undefined) out.limitBytes = limit;
  if (stat.anon !== undefined) out.rssBytes = stat.anon;
  if (stat.file !== undefined) out.cacheBytes = stat.file;
  if (stat.inactive_file !== undefined) out.inactiveFileBytes = stat.inactive_file;
  if (events.oom_kill !== undefined) out.oomKills = events.oom_kill;
  return out;
}

/** `io.stat`: `MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N` per device (empty before any I/O). */
export function parseIoStat(text: string | undefined): BlkioStats | undefined {
  if (text === undefined) return undefined;
  const devices: BlockDeviceStats[] = [];
  for (const line of text.split('\n')) {
    const [dev, ...pairs] = line.trim().split(/\s+/);
    const id = dev ? parseDevice(dev) : undefined;
    if (!id) continue;
    const kv = Object.fromEntries(pairs.map((p) => p.split('=')).map(([k, v]) => [k, Number(v) || 0]));
    devices.push({ ...id, readBytes: kv.rbytes ?? 0, writeBytes: kv.wbytes ?? 0, readOps: kv.rios ?? 0, writeOps: kv.wios ?? 0 });
  }
  return { ...blkioTotals(devices), devices };
}
