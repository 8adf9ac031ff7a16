/**
 * The mount that makes a container's rootfs from its chain (pure: no I/O, unit-tested as is).
 * - read-write: overlay, lowerdir = chain top→bottom, upperdir, workdir; one layer or many.
 * - read-only: overlay without upper; a single layer is bind-mounted read-only instead, since
 *   overlay refuses one lowerdir without an upperdir (containerd does the same).
 * `index=off`: the inodes index ties an upper dir to the lowers it was first mounted with; off,
 * as Docker and containerd set it, so an upper survives a re-prepared lower after a crash.
 * Mount data must fit one page (4096 bytes): when absolute lowerdirs are too long, the lowers
 * are named by short links relative to the snapshots dir and mount runs there.
 */
import { release } from 'node:os';
import { errors } from '../../../errors';
import type { MountSpec } from '../../types';

/** Below the kernel's 4096-byte page, with room for what mount(8) may add. */
export const MAX_MOUNT_DATA = 3800;

export interface RootfsMountInput {
  target: string;
  /** Absolute fs dirs of the chain, top layer first. */
  lowers: readonly string[];
  /** The same lowers as short paths relative to `snapshotsDir` (computed only when needed). */
  shortLowers?: () => Promise<readonly string[]>;
  snapshotsDir: string;
  /** Absent for a read-only view. */
  upper?: { upperdir: string; workdir: string };
  /** Add overlay's `volatile` (read-write mounts only; see MountOptions.volatile). */
  volatile?: boolean;
}

export async function rootfsMountSpec(input: RootfsMountInput): Promise<MountSpec> {
  if (input.lowers.length === 0) throw errors.invalidArgument('a rootfs needs at least one layer');
  if (!input.upper && input.lowers.length === 1) {
    return { type: 'bind', source: input.lowers[0]!, target: input.target, options: ['ro'] };
  }
  const tail = input.upper
    ? [`upperdir=${input.upper.upperdir}`, `workdir=${input.upper.workdir}`, 'index=off', ...(input.volatile ? ['volatile'] : [])]
    : ['ro', 'index=off'];
  const absolute = [`lowerdir=${input.lowers.join(':')}`, ...tail];
  if (absolute.join(',').length <= MAX_MOUNT_DATA) return { type: 'overlay', source: 'overlay', target: input.target, options: absolute };
  const short = input.shortLowers ? await input.shortLowers() : [];
  const relative = [`lowerdir=${short.join(':')}`, ...tail];
  if (short.length === 0 || relative.join(',').length > MAX_MOUNT_DATA) {
    throw errors.invalidArgument(`the image has too many layers (${input.lowers.length}) to mount as one overlay`, {
      hint: 'squash the image to fewer layers (about 120 fit)',
    });
  }
  return { type: 'overlay', source: 'overlay', target: input.target, options: relative, cwd: input.snapshotsDir };
}

/** overlay's `volatile` option came with Linux 5.10; older kernels refuse the mount. */
export function overlaySupportsVolatile(kernelRelease = release()): boolean {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  return !!m && (Number(m[1]) > 5 || (Number(m[1]) === 5 && Number(m[2]) >= 10));
}

/** Overlay splits its options on `,` and lowerdir on `:`; a data root containing them cannot work. */
export function assertMountablePath(p: string, what: string): void {
  if (/[,:\\\n]/.test(p)) {
    throw errors.invalidArgument(`${what} "${p}" contains ',', ':', '\\' or a newline, which overlay mount options cannot carry`);
  }
}
