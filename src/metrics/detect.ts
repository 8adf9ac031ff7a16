/**
 * Picks the cgroup reader for this host from /proc/self/mountinfo:
 * - cgroup2 mounted at /sys/fs/cgroup (unified): the v2 reader;
 * - v1 controllers mounted (legacy, or hybrid with cgroup2 at /sys/fs/cgroup/unified holding no
 *   controllers, as on the test hosts after the daemon moved hugetlb): the v1 reader, since that
 *   is where crun puts memory, cpuacct, blkio and pids;
 * - only a cgroup2 mount elsewhere: the v2 reader there; nothing at all: no reader.
 * The rare hybrid host whose cgroup2 holds memory or cpu while v1 holds the rest is read as v1
 * (what cgroup2 holds is then missing from the stats, not wrong).
 */
import { promises as fs } from 'node:fs';
import { availableParallelism } from 'node:os';
import type { CgroupReader } from './types';
import type { V1Mounts } from './cgroup-v1/reader';
import type { ReaderChoice } from './create-reader';
import { ThreadedCgroupReader } from './threaded-reader';

export interface CgroupMount {
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

/** The cgroup and cgroup2 mounts of a mountinfo text (proc(5): fields, ` - `, type, source, options). */
export function cgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const [fsType, , options] = line.slice(sep + 3).split(' ');
    if ((fsType !== 'cgroup' && fsType !== 'cgroup2') || left[4] === undefined) continue;
    const mountPoint = left[4].replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ mountPoint, fsType, superOptions: (options ?? '').split(',') });
  }
  return out;
}

/** The decision alone (pure, unit-tested on the mountinfo of each kind of host). */
export function chooseReader(mounts: CgroupMount[], base = '/sys/fs/cgroup'): ReaderChoice {
  const v2 = mounts.filter((m) => m.fsType === 'cgroup2');
  if (v2.some((m) => m.mountPoint === base)) return { version: 'v2', root: base };
  const v1: V1Mounts = {};
  for (const m of mounts) {
    if (m.fsType !== 'cgroup') continue;
    for (const controller of ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'] as const) {
      // The first mount of a controller wins (a bind mount of the same hierarchy reads the same).
      if (m.superOptions.includes(controller) && v1[controller] === undefined) v1[controller] = m.mountPoint;
    }
  }
  if (v1.memory !== undefined || v1.cpuacct !== undefined) return { version: 'v1', mounts: v1 };
  const elsewhere = v2.find((m) => m.mountPoint.startsWith(`${base}/`)) ?? v2[0];
  return elsewhere ? { version: 'v2', root: elsewhere.mountPoint } : undefined;
}

/**
 * The reader for this host, reading in worker threads (threaded-reader.ts); undefined when the
 * host has no cgroups mounted.
 */
export async function detectCgroupReader(options: { mountinfo?: string; threads?: number } = {}): Promise<CgroupReader | undefined> {
  const text = options.mountinfo ?? (await fs.readFile('/proc/self/mountinfo', 'utf8'));
  const choice = chooseReader(cgroupMounts(text));
  if (!choice) return undefined;
  return new ThreadedCgroupReader(choice, { threads: options.threads ?? Math.min(4, availableParallelism()) });
}
