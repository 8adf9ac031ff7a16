/**
 * The device cgroup allowlist (linux.resources.devices): deny everything, then allow the
 * character devices every program expects. The first rule matters most: without it a process
 * with CAP_MKNOD could create and open the host's disks. No block device is readable or
 * writable; tun/tap is not allowed by default (Docker dropped it in 20.10).
 */
import type { RuntimeLinux } from '../config/runtime-spec';

type DeviceRule = NonNullable<NonNullable<RuntimeLinux['resources']>['devices']>[number];

export const DEFAULT_DEVICE_RULES: readonly DeviceRule[] = [
  { allow: false, access: 'rwm' },
  // mknod (only) of any node: installers create /dev entries in chroots; opening them stays denied.
  { allow: true, type: 'c', access: 'm' },
  { allow: true, type: 'b', access: 'm' },
  { allow: true, type: 'c', major: 1, minor: 3, access: 'rwm' }, // /dev/null
  { allow: true, type: 'c', major: 1, minor: 5, access: 'rwm' }, // /dev/zero
  { allow: true, type: 'c', major: 1, minor: 7, access: 'rwm' }, // /dev/full
  { allow: true, type: 'c', major: 1, minor: 8, access: 'rwm' }, // /dev/random
  { allow: true, type: 'c', major: 1, minor: 9, access: 'rwm' }, // /dev/urandom
  { allow: true, type: 'c', major: 5, minor: 0, access: 'rwm' }, // /dev/tty
  { allow: true, type: 'c', major: 5, minor: 1, access: 'rwm' }, // /dev/console
  { allow: true, type: 'c', major: 5, minor: 2, access: 'rwm' }, // /dev/ptmx
  { allow: true, type: 'c', major: 136, access: 'rwm' }, // /dev/pts/* (any minor)
];

/** A fresh copy, so a caller adding rules for --device never changes the defaults. */
export function defaultDeviceRules(): DeviceRule[] {
  return DEFAULT_DEVICE_RULES.map((r) => ({ ...r }));
}
