/**
 * CgroupReader for cgroup v1 (legacy and hybrid hosts): each controller is its own hierarchy,
 * mounted where /proc/self/mountinfo says (cpu and cpuacct are often co-mounted, not always: on
 * the test hosts they are apart). A container's cgroup is `<controller mount><cgroup path>`.
 * Nine small files per container: cpuacct.usage_all, cpu.stat, memory.usage_in_bytes,
 * memory.stat, memory.oom_control, the two blkio recursive files, pids.current and pids.max.
 */
import type { ResourceStats } from '../../config/container-stats';
import { CgroupFiles, type CgroupFilesOptions } from '../cgroup-files';
import { checkCgroupPath, optional, parseLimit, parseSingle } from '../parse';
import type { CgroupReader, ReadOptions } from '../types';
import { parseBlkio, parseCpuacct, parseCpuThrottling, parseMemory } from './parse';

/** Mount points of the v1 controllers ForgeOne reads; a missing one is not read. */
export interface V1Mounts {
  cpu?: string;
  cpuacct?: string;
  memory?: string;
  blkio?: string;
  pids?: string;
}

export class CgroupV1Reader implements CgroupReader {
  readonly version = 'v1' as const;
  private readonly files: CgroupFiles;

  constructor(
    private readonly mounts: V1Mounts,
    options: CgroupFilesOptions = {},
  ) {
    this.files = new CgroupFiles(options);
  }

  get source(): string {
    return `v1: ${Object.entries(this.mounts)
      .map(([c, m]) => `${c}=${m}`)
      .join(' ')}`;
  }

  async readMany(cgroupPaths: readonly string[], options: ReadOptions = {}): Promise<Map<string, ResourceStats>> {
    const out = new Map<string, ResourceStats>();
    await this.files.sliced(cgroupPaths, (p) => {
      const stats = this.readOne(p, options.all === true, options.detail === true);
      if (stats) out.set(p, stats);
    });
    if (options.all) this.files.retain(new Set(cgroupPaths));
    return out;
  }

  close(): void {
    this.files.closeAll();
  }

  private readOne(cgroupPath: string, keep: boolean, detail: boolean): ResourceStats | undefined {
    const rel = checkCgroupPath(cgroupPath);
    const read = (file: V1File) => {
      const [controller, name] = V1_FILES[file];
      const mount = this.mounts[controller];
      return mount === undefined ? undefined : this.files.read(cgroupPath, file, `${mount}${rel}`, name, keep);
    };
    const usageAll = read(F.usageAll);
    const cpuacct = usageAll !== undefined ? { usageAll } : { stat: read(F.cpuacctStat), usage: read(F.cpuacctUsage) };
    const cpuTimes = parseCpuacct(cpuacct);
    const cpu = cpuTimes ? { ...cpuTimes, ...parseCpuThrottling(read(F.cpuStat)) } : undefined;
    const memory = parseMemory({ usage: read(F.memoryUsage), stat: read(F.memoryStat), oomControl: read(F.oomControl) }, detail);
    const blkio = parseBlkio(read(F.blkioBytes), read(F.blkioOps));
    const pidsCurrent = read(F.pidsCurrent);
    const pids =
      pidsCurrent === undefined
        ? undefined
        : { ...optional('current', parseSingle(pidsCurrent)), ...optional('limit', parseLimit(read(F.pidsMax))) };
    if (!cpu && !memory && !blkio && !pids) return undefined;
    return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}), ...(blkio ? { blkio } : {}), ...(pids ? { pids } : {}) };
  }
}

/** The files read, each with its slot number in CgroupFiles (the index). */
const V1_FILES = [
  ['cpuacct', 'cpuacct.usage_all'],
  ['cpuacct', 'cpuacct.stat'],
  ['cpuacct', 'cpuacct.usage'],
  ['cpu', 'cpu.stat'],
  ['memory', 'memory.usage_in_bytes'],
  ['memory', 'memory.stat'],
  ['memory', 'memory.oom_control'],
  ['blkio', 'blkio.throttle.io_service_bytes_recursive'],
  ['blkio', 'blkio.throttle.io_serviced_recursive'],
  ['pids', 'pids.current'],
  ['pids', 'pids.max'],
] as const satisfies ReadonlyArray<readonly [keyof V1Mounts, string]>;
type V1File = number;
const F = {
  usageAll: 0, cpuacctStat: 1, cpuacctUsage: 2, cpuStat: 3, memoryUsage: 4, memoryStat: 5, oomControl: 6, blkioBytes: 7, blkioOps: 8, pidsCurrent: 9, pidsMax: 10,
} as const;
