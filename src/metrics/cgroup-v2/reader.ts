/**
 * CgroupReader for cgroup v2: one hierarchy (at /sys/fs/cgroup on unified hosts, at
 * /sys/fs/cgroup/unified on hybrid ones). A container's cgroup is `<root><cgroup path>`.
 * Eight small files per container: cpu.stat, memory.current, memory.max, memory.stat,
 * memory.events, io.stat, pids.current and pids.max; a controller not enabled for the cgroup
 * simply has no files, and its group of stats is left out.
 */
import type { ResourceStats } from '../../config/container-stats';
import { CgroupFiles, type CgroupFilesOptions } from '../cgroup-files';
import { checkCgroupPath, optional, parseLimit, parseSingle } from '../parse';
import type { CgroupReader, ReadOptions } from '../types';
import { parseCpuStat, parseIoStat, parseMemory } from './parse';

export class CgroupV2Reader implements CgroupReader {
  readonly version = 'v2' as const;
  private readonly files: CgroupFiles;

  constructor(
    /** The cgroup2 mount point. */
    private readonly root: string,
    options: CgroupFilesOptions = {},
  ) {
    this.files = new CgroupFiles(options);
  }

  get source(): string {
    return `v2: ${this.root}`;
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
    const dir = `${this.root.replace(/\/+$/, '')}${checkCgroupPath(cgroupPath)}`;
    const read = (slot: number) => this.files.read(cgroupPath, slot, dir, V2_FILES[slot]!, keep);
    // cpu.stat exists in every cgroup2 directory: without it, the cgroup is not there.
    const cpu = parseCpuStat(read(0));
    if (!cpu) return undefined;
    const current = read(1);
    const memory = current === undefined ? undefined : parseMemory({ current, max: read(2), stat: read(3), events: read(4) }, detail);
    const blkio = parseIoStat(read(5));
    const pidsCurrent = read(6);
    const pids =
      pidsCurrent === undefined ? undefined : { ...optional('current', parseSingle(pidsCurrent)), ...optional('limit', parseLimit(read(7))) };
    return { cpu, ...(memory ? { memory } : {}), ...(blkio ? { blkio } : {}), ...(pids ? { pids } : {}) };
  }
}

/** The files read; the index is each file's slot in CgroupFiles. */
const V2_FILES = ['cpu.stat', 'memory.current', 'memory.max', 'memory.stat', 'memory.events', 'io.stat', 'pids.current', 'pids.max'];
