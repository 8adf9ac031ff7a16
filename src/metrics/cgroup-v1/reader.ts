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
import type { CgroupReader } from '../types';
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

  async readMany(cgroupPaths: readonly string[], options: { all?: boolean } = {}): Promise<Map<string, ResourceStats>> {
    const out = new Map<string, ResourceStats>();
    await this.files.sliced(cgroupPaths, (p) => {
      const stats = this.readOne(p, options.all === true);
      if (stats) out.set(p, stats);
    });
    if (options.all) this.files.retain(new Set(cgroupPaths));
    return out;
  }

  close(): void {
    this.files.closeAll();
  }

  private readOne(cgroupPath: string, keep: boolean): ResourceStats | undefined {
    const rel = checkCgroupPath(cgroupPath);
    const read = (controller: keyof V1Mounts, name: string) => {
      const mount = this.mounts[controller];
      return mount === undefined ? undefined : this.files.read(cgroupPath, `${mount}${rel}/${name}`, keep);
    };
    const usageAll = read('cpuacct', 'cpuacct.usage_all');
    const cpuacct = usageAll !== undefined ? { usageAll } : { stat: read('cpuacct', 'cpuacct.stat'), usage: read('cpuacct', 'cpuacct.usage') };
    const cpuTimes = parseCpuacct(cpuacct);
    const cpu = cpuTimes ? { ...cpuTimes, ...parseCpuThrottling(read('cpu', 'cpu.stat')) } : undefined;
    const memory = parseMemory({ usage: read('memory', 'memory.usage_in_bytes'), stat: read('memory', 'memory.stat'), oomControl: read('memory', 'memory.oom_control') });
    const blkio = parseBlkio(read('blkio', 'blkio.throttle.io_service_bytes_recursive'), read('blkio', 'blkio.throttle.io_serviced_recursive'));
    const pidsCurrent = read('pids', 'pids.current');
    const pids =
      pidsCurrent === undefined
        ? undefined
        : { ...optional('current', parseSingle(pidsCurrent)), ...optional('limit', parseLimit(read('pids', 'pids.max'))) };
    if (!cpu && !memory && !blkio && !pids) return undefined;
    return { ...(cpu ? { cpu } : {}), ...(memory ? { memory } : {}), ...(blkio ? { blkio } : {}), ...(pids ? { pids } : {}) };
  }
}

