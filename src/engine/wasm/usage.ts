/**
 * What can be measured of a WASM instance from outside (Engine.stats): it has no cgroup of its
 * own, so its host process stands for it. CPU time from /proc/<pid>/stat (utime, stime), memory
 * from /proc/<pid>/status (VmRSS = usage; RssAnon = anonymous, where the linear memory lives;
 * RssFile + RssShmem = cache-like pages, mostly Node's code shared with other hosts). The linear
 * memory maximum the engine enforces is reported apart (linearLimitBytes), not as the memory
 * limit: it does not bound the host's own ~40 MB of Node. File reads only, at scrape time.
 */
import { promises as fs } from 'node:fs';
import type { ResourceStats } from '../../config/container-stats';

/** USER_HZ: the unit of utime/stime. 100 on every Linux architecture Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;
const PAGE_BYTES = 65536;

export interface ProcUsage {
  userSeconds: number;
  systemSeconds: number;
  rssBytes: number;
  anonBytes: number;
  fileBytes: number;
  threads: number;
}

/** Fields 14 and 15 of /proc/<pid>/stat (after the parenthesised comm). */
export function parseCpuTicks(stat: string): { utime: number; stime: number } | undefined {
  const close = stat.lastIndexOf(')');
  if (close < 0) return undefined;
  const rest = stat.slice(close + 2).split(' ');
  const utime = Number(rest[11]);
  const stime = Number(rest[12]);
  return Number.isFinite(utime) && Number.isFinite(stime) ? { utime, stime } : undefined;
}

/** `Key:   123 kB` lines of /proc/<pid>/status → bytes (kB lines) or counts. */
export function parseStatus(status: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const line of status.split('\n')) {
    const m = /^(\w+):\s+(\d+)(\s+kB)?/.exec(line);
    if (m) out.set(m[1]!, Number(m[2]) * (m[3] ? 1024 : 1));
  }
  return out;
}

export async function procUsage(pid: number): Promise<ProcUsage | undefined> {
  try {
    const [stat, status] = await Promise.all([fs.readFile(`/proc/${pid}/stat`, 'utf8'), fs.readFile(`/proc/${pid}/status`, 'utf8')]);
    const ticks = parseCpuTicks(stat);
    if (!ticks) return undefined;
    const s = parseStatus(status);
    return {
      userSeconds: ticks.utime / CLOCK_TICKS_PER_SECOND,
      systemSeconds: ticks.stime / CLOCK_TICKS_PER_SECOND,
      rssBytes: s.get('VmRSS') ?? 0,
      anonBytes: s.get('RssAnon') ?? 0,
      fileBytes: (s.get('RssFile') ?? 0) + (s.get('RssShmem') ?? 0),
      threads: s.get('Threads') ?? 1,
    };
  } catch {
    return undefined; // gone meanwhile
  }
}

/** The ResourceStats of one instance, from its host's usage and its linear memory limit (pages). */
export function instanceStats(u: ProcUsage, memoryPages: number | undefined): ResourceStats {
  return {
    cpu: { userSeconds: u.userSeconds, systemSeconds: u.systemSeconds, usageSeconds: u.userSeconds + u.systemSeconds },
    memory: {
      usageBytes: u.rssBytes,
      rssBytes: u.anonBytes,
      cacheBytes: u.fileBytes,
      ...(memoryPages ? { linearLimitBytes: memoryPages * PAGE_BYTES } : {}),
    },
    // One host process per instance; its threads are Node's own, not the module's.
    pids: { current: 1 },
  };
}
