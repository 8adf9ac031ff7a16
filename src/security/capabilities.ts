/**
 * Linux capabilities for a container's process: the default set (Docker's 14, no more), the
 * list of every capability the kernel knows, and --cap-add/--cap-drop applied the way Docker
 * applies them (daemon/caps TweakCapabilities), so a user's muscle memory gives the same result.
 */
import { errors } from '../errors';
import type { RuntimeProcess } from '../config/runtime-spec';

/** Every capability up to Linux 6.x, in bit order (index = capability number). */
export const ALL_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_DAC_READ_SEARCH', 'CAP_FOWNER', 'CAP_FSETID', 'CAP_KILL',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETPCAP', 'CAP_LINUX_IMMUTABLE', 'CAP_NET_BIND_SERVICE',
  'CAP_NET_BROADCAST', 'CAP_NET_ADMIN', 'CAP_NET_RAW', 'CAP_IPC_LOCK', 'CAP_IPC_OWNER',
  'CAP_SYS_MODULE', 'CAP_SYS_RAWIO', 'CAP_SYS_CHROOT', 'CAP_SYS_PTRACE', 'CAP_SYS_PACCT',
  'CAP_SYS_ADMIN', 'CAP_SYS_BOOT', 'CAP_SYS_NICE', 'CAP_SYS_RESOURCE', 'CAP_SYS_TIME',
  'CAP_SYS_TTY_CONFIG', 'CAP_MKNOD', 'CAP_LEASE', 'CAP_AUDIT_WRITE', 'CAP_AUDIT_CONTROL',
  'CAP_SETFCAP', 'CAP_MAC_OVERRIDE', 'CAP_MAC_ADMIN', 'CAP_SYSLOG', 'CAP_WAKE_ALARM',
  'CAP_BLOCK_SUSPEND', 'CAP_AUDIT_READ', 'CAP_PERFMON', 'CAP_BPF', 'CAP_CHECKPOINT_RESTORE',
];

/**
 * Docker's default set. Each is either harmless inside the namespaces we create or needed by
 * ordinary images (package managers chown files, servers bind port 80, su/sudo switch users).
 */
export const DEFAULT_CAPABILITIES: readonly string[] = [
  'CAP_CHOWN', 'CAP_DAC_OVERRIDE', 'CAP_FSETID', 'CAP_FOWNER', 'CAP_MKNOD', 'CAP_NET_RAW',
  'CAP_SETGID', 'CAP_SETUID', 'CAP_SETFCAP', 'CAP_SETPCAP', 'CAP_NET_BIND_SERVICE',
  'CAP_SYS_CHROOT', 'CAP_KILL', 'CAP_AUDIT_WRITE',
];

/** `sys_admin`, `SYS_ADMIN` and `CAP_SYS_ADMIN` all name CAP_SYS_ADMIN; `all` stays `ALL`. */
export function normalizeCapability(name: string): string {
  const upper = name.trim().toUpperCase();
  if (upper === 'ALL') return 'ALL';
  const full = upper.startsWith('CAP_') ? upper : `CAP_${upper}`;
  if (!ALL_CAPABILITIES.includes(full)) {
    throw errors.invalidArgument(`unknown capability: "${name}"`, {
      hint: 'use a name from capabilities(7), e.g. NET_ADMIN, with or without the CAP_ prefix',
      details: { capability: name },
    });
  }
  return full;
}

export interface CapabilityChanges {
  /** --cap-add values; `ALL` adds every capability. */
  add?: readonly string[];
  /** --cap-drop values; `ALL` drops every capability not also in `add`. */
  drop?: readonly string[];
}

/**
 * The container's capability set after --cap-add/--cap-drop, sorted by capability number.
 * Precedence is Docker's: `--cap-add ALL` gives everything except what is dropped by name;
 * otherwise `--cap-drop ALL` leaves only what is added; otherwise defaults − drops + adds.
 */
export function resolveCapabilities(changes: CapabilityChanges = {}): string[] {
  const add = (changes.add ?? []).map(normalizeCapability);
  const drop = (changes.drop ?? []).map(normalizeCapability);
  let caps: string[];
  if (add.includes('ALL')) {
    caps = ALL_CAPABILITIES.filter((c) => !drop.includes(c));
  } else if (drop.includes('ALL')) {
    caps = add;
  } else {
    caps = [...DEFAULT_CAPABILITIES.filter((c) => !drop.includes(c)), ...add];
  }
  return sortCapabilities(caps);
}

/** Deduplicated and in bit order, so specs are stable and easy to diff. */
export function sortCapabilities(caps: Iterable<string>): string[] {
  return [...new Set(caps)].sort((a, b) => ALL_CAPABILITIES.indexOf(a) - ALL_CAPABILITIES.indexOf(b));
}

/** The bitmask the kernel shows in /proc/<pid>/status (CapEff etc.), as 16 hex digits. */
export function capabilityMask(caps: Iterable<string>): string {
  let mask = 0n;
  for (const c of caps) {
    const bit = ALL_CAPABILITIES.indexOf(c);
    if (bit < 0) throw errors.invalidArgument(`unknown capability: "${c}"`);
    mask |= 1n << BigInt(bit);
  }
  return mask.toString(16).padStart(16, '0');
}

/**
 * process.capabilities for a set. Inheritable and ambient stay empty: a non-empty inheritable
 * set let unprivileged programs with file capabilities gain them across exec (CVE-2022-24769),
 * which is why Docker 23 and runc stopped setting it.
 */
export function processCapabilities(caps: readonly string[]): NonNullable<RuntimeProcess['capabilities']> {
  return { bounding: [...caps], effective: [...caps], permitted: [...caps], inheritable: [], ambient: [] };
}
