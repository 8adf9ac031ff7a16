/**
 * Host preparation for crun on a hybrid cgroup layout (HOST-NOTES 1-2). crun 1.8 refuses to run
 * anything when v1 controllers are mounted and the cgroup2 mount still lists controllers
 * ("cgroups in hybrid mode not supported, drop all controllers from cgroupv2"). The documented
 * fix moves each such controller to a v1 hierarchy of its own, which leaves cgroup2 empty:
 *   mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb
 * Undo with `umount /sys/fs/cgroup/hugetlb`. The daemon calls `prepareCgroups` once at start.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../util/logger';
import { nodeProcessRunner, type ProcessRunner } from './process-runner';

export type CgroupLayout = 'unified' | 'hybrid' | 'legacy' | 'none';

export interface MountEntry {
  mountPoint: string;
  fsType: string;
  superOptions: string[];
}

/** /proc/self/mountinfo → mounts (`id parent dev root mountpoint opts [tags] - fstype source superopts`). */
export function parseMountinfo(text: string): MountEntry[] {
  const out: MountEntry[] = [];
  for (const line of text.split('\n')) {
    const sep = line.indexOf(' - ');
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(' ');
    const right = line.slice(sep + 3).split(' ');
    if (left.length < 5 || right.length < 3) continue;
    const unescape = (s: string) => s.replace(/\\([0-7]{3})/g, (_m, o: string) => String.fromCharCode(parseInt(o, 8)));
    out.push({ mountPoint: unescape(left[4]), fsType: right[0], superOptions: right[2].split(',') });
  }
  return out;
}

const NOT_CONTROLLERS = new Set(['rw', 'ro', 'nosuid', 'nodev', 'noexec', 'relatime', 'noatime', 'clone_children', 'xattr']);

export function detectLayout(mounts: MountEntry[], base = '/sys/fs/cgroup'): { layout: CgroupLayout; cgroup2?: string; v1Controllers: Set<string> } {
  const v1 = mounts.filter((m) => m.fsType === 'cgroup');
  const v2 = mounts.find((m) => m.fsType === 'cgroup2' && (m.mountPoint === base || m.mountPoint.startsWith(base + '/')));
  const v1Controllers = new Set(v1.flatMap((m) => m.superOptions.filter((o) => !NOT_CONTROLLERS.has(o) && !o.startsWith('name=') && !o.includes('='))));
  if (v2?.mountPoint === base) return { layout: 'unified', cgroup2: base, v1Controllers };
  if (v1.length && v2) return { layout: 'hybrid', cgroup2: v2.mountPoint, v1Controllers };
  if (v1.length) return { layout: 'legacy', v1Controllers };
  return { layout: 'none', v1Controllers };
}

/** Controllers cgroup2 still holds on a hybrid host, each with the v1 mount that takes it over. */
export function planHybridFix(cgroup2Controllers: string[], v1Controllers: Set<string>, base = '/sys/fs/cgroup'): Array<{ controller: string; target: string }> {
  return cgroup2Controllers
    .filter((c) => /^[a-z_]+$/.test(c) && !v1Controllers.has(c))
    .map((controller) => ({ controller, target: path.join(base, controller) }));
}

export function fixCommand(step: { controller: string; target: string }): string {
  return `mkdir -p ${step.target} && mount -t cgroup -o ${step.controller} cgroup ${step.target}`;
}

export interface PrepareCgroupsOptions {
  /** `auto`: apply the fix when needed; `off`: only detect and say what to run. Default `auto`. */
  mode?: 'auto' | 'off';
  logger: Logger;
  runner?: ProcessRunner;
  /** Where cgroups are mounted. Default /sys/fs/cgroup. */
  base?: string;
  /** Read a file (seam for tests). Default fs.readFile. */
  readFile?: (file: string) => Promise<string>;
  mkdir?: (dir: string) => Promise<void>;
}

export interface CgroupsReport {
  layout: CgroupLayout;
  /** Controllers moved from cgroup2 to v1 now. */
  moved: string[];
  /** Commands still needed (mode off, or a step that failed). */
  pending: string[];
}

export async function prepareCgroups(options: PrepareCgroupsOptions): Promise<CgroupsReport> {
  const base = options.base ?? '/sys/fs/cgroup';
  const read = options.readFile ?? ((f: string) => fs.readFile(f, 'utf8'));
  const mkdir = options.mkdir ?? (async (d: string) => void (await fs.mkdir(d, { recursive: true })));
  const runner = options.runner ?? nodeProcessRunner;
  const log = options.logger;
  const { layout, cgroup2, v1Controllers } = detectLayout(parseMountinfo(await read('/proc/self/mountinfo')), base);
  const report: CgroupsReport = { layout, moved: [], pending: [] };
  if (layout !== 'hybrid' || !cgroup2) {
    log.info('cgroups: nothing to prepare', { layout });
    return report;
  }
  const listed = (await read(path.join(cgroup2, 'cgroup.controllers')).catch(() => '')).split(/\s+/).filter(Boolean);
  const steps = planHybridFix(listed, v1Controllers, base);
  if (!steps.length) {
    log.info('cgroups: hybrid layout with an empty cgroup2; crun can run', { cgroup2 });
    return report;
  }
  if ((options.mode ?? 'auto') === 'off') {
    report.pending = steps.map(fixCommand);
    log.warn('cgroups: hybrid layout with controllers on cgroup2; crun will refuse to run containers (cgroups mode "off": not fixing)', {
      cgroup2, controllers: listed, run: report.pending.join('; '),
    });
    return report;
  }
  for (const step of steps) {
    const r = await mkdir(step.target).then(() => runner.run('mount', ['-t', 'cgroup', '-o', step.controller, 'cgroup', step.target]));
    if (r.code === 0) {
      report.moved.push(step.controller);
      log.info('cgroups: moved a controller from cgroup2 to v1 so crun can run (undo: umount)', { controller: step.controller, mount: step.target, from: cgroup2 });
    } else {
      report.pending.push(fixCommand(step));
      log.error('cgroups: could not move a controller from cgroup2 to v1; crun will refuse to run containers', {
        controller: step.controller, error: r.stderr.trim(), run: fixCommand(step),
      });
    }
  }
  return report;
}
