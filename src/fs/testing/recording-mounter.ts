/**
 * A Mounter that records calls and keeps mounts in memory, for unit tests of the snapshotter's
 * logic without root (youki's syscall/test.rs). It behaves as the Linux adapter's contract says:
 * mounts stack per target, `unmount` of nothing is NotFound, a busy target refuses a plain
 * unmount but not a lazy one.
 */
import { errors } from '../../errors';
import type { Mounter, MountSpec } from '../types';

export type MountCall = { op: 'mount'; spec: MountSpec } | { op: 'unmount'; target: string; detach: boolean };

export class RecordingMounter implements Mounter {
  readonly calls: MountCall[] = [];
  private readonly stacks = new Map<string, MountSpec[]>();
  /** Targets a plain unmount refuses as busy (as with a process still inside). */
  readonly busy = new Set<string>();
  /** When set, the next mount fails with it (and is cleared). */
  failNextMount: Error | undefined;

  async mount(spec: MountSpec): Promise<void> {
    this.calls.push({ op: 'mount', spec: { ...spec, options: [...spec.options] } });
    if (this.failNextMount) {
      const err = this.failNextMount;
      this.failNextMount = undefined;
      throw err;
    }
    const stack = this.stacks.get(spec.target) ?? [];
    stack.push(spec);
    this.stacks.set(spec.target, stack);
  }

  async unmount(target: string, options: { detach?: boolean } = {}): Promise<void> {
    const detach = options.detach ?? false;
    this.calls.push({ op: 'unmount', target, detach });
    const stack = this.stacks.get(target);
    if (!stack || stack.length === 0) throw errors.notFound(`nothing is mounted at ${target}`);
    if (!detach && this.busy.has(target)) throw errors.unavailable(`${target} is busy`);
    stack.pop();
    if (stack.length === 0) this.stacks.delete(target);
  }

  async mountPoints(dir: string): Promise<string[]> {
    return [...this.stacks.keys()].filter((p) => p === dir || p.startsWith(`${dir}/`)).sort();
  }

  async isMountPoint(target: string): Promise<boolean> {
    return (this.stacks.get(target)?.length ?? 0) > 0;
  }

  /** The spec of the top mount at `target`, if any. */
  mountAt(target: string): MountSpec | undefined {
    return this.stacks.get(target)?.at(-1);
  }
}
