/**
 * The Linux adapter of Mounter: mount(8) and umount(8) from util-linux, and /proc/self/mountinfo.
 * mount(8) rather than a syscall binding because Node has none and a native addon is a build
 * step on every host; one process per container start is noise next to the runtime's own work.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { errors } from '../../errors';
import type { Mounter, MountSpec } from '../types';
import { readMountInfo } from './mountinfo';
import { CommandFailed, runCommand } from '../../util/run-command';

export class LinuxMounter implements Mounter {
  async mount(spec: MountSpec): Promise<void> {
    const args =
      spec.type === 'bind'
        ? ['-o', ['bind', ...spec.options].join(','), '--', spec.source, spec.target]
        : ['-t', 'overlay', '-o', spec.options.join(','), '--', spec.source, spec.target];
    try {
      await runCommand('mount', args, { cwd: spec.cwd, packageName: 'mount' });
    } catch (err) {
      if (!(err instanceof CommandFailed)) throw err;
      throw errors.internal(`mounting ${spec.type} at ${spec.target}: ${err.stderr.trim()}`, {
        cause: err,
        details: { options: spec.options.join(',') },
        hint: spec.type === 'overlay' ? 'check dmesg for the overlayfs message; the kernel needs overlay support' : undefined,
      });
    }
  }

  async unmount(target: string, options: { detach?: boolean } = {}): Promise<void> {
    try {
      await runCommand('umount', [...(options.detach ? ['-l'] : []), '--', target], { packageName: 'mount' });
    } catch (err) {
      if (!(err instanceof CommandFailed)) throw err;
      if (/not mounted|no mount point specified|No such file or directory/i.test(err.stderr)) {
        throw errors.notFound(`nothing is mounted at ${target}`, { cause: err });
      }
      if (/busy/i.test(err.stderr)) throw errors.unavailable(`${target} is busy`, { cause: err });
      throw errors.internal(`unmounting ${target}: ${err.stderr.trim()}`, { cause: err });
    }
  }

  /**
   * A mounted overlay (every rootfs but a one-layer read-only view) has a device number of its
   * own: two stat calls answer, where /proc/self/mountinfo grows with every running container
   * (~0.5 ms to read with 100). The same device may still be a bind mount: mountinfo decides.
   */
  async isMountPoint(target: string): Promise<boolean> {
    const [inner, outer] = await Promise.all([fs.stat(target).catch(() => undefined), fs.stat(path.dirname(target)).catch(() => undefined)]);
    if (inner === undefined) return false;
    if (outer !== undefined && inner.dev !== outer.dev) return true;
    return (await this.mountPoints(target)).includes(target);
  }

  async mountPoints(dir: string): Promise<string[]> {
    let real: string;
    try {
      real = await fs.realpath(dir);
    } catch {
      return [];
    }
    const prefix = real === '/' ? '/' : `${real}/`;
    // mountinfo names real paths; answer in the caller's terms (the data root may be reached
    // through a symlink), so `mountPoints(rootfs).includes(rootfs)` holds.
    return (await readMountInfo())
      .map((m) => m.mountPoint)
      .filter((p) => p === real || p.startsWith(prefix))
      .map((p) => (p === real ? dir : path.join(dir, p.slice(prefix.length))));
  }
}
