/**
 * The default seccomp profile, in the OCI format (linux.seccomp): deny with EPERM by default,
 * allow the syscalls of seccomp-syscalls.ts, and a few argument-checked rules where a syscall
 * is needed but some of its uses are not. EPERM rather than a kill, so programs that probe for
 * a feature fall back as they would on an older kernel.
 */
import { release } from 'node:os';
import type { SeccompProfile } from '../config/runtime-spec';
import {
  ALLOWED_SYSCALL_GROUPS, ARCH_SYSCALLS, CAPABILITY_SYSCALLS, PTRACE_MIN_KERNEL, PTRACE_SYSCALLS,
} from './seccomp-syscalls';

type SyscallRule = SeccompProfile['syscalls'][number];

const EPERM = 1;
const ENOSYS = 38;
const AF_VSOCK = 40;

/**
 * The clone flags that create namespaces: NEWNS | NEWCGROUP | NEWUTS | NEWIPC | NEWUSER |
 * NEWPID | NEWNET. Without CAP_SYS_ADMIN, clone may create threads and processes but not
 * namespaces (user namespaces in particular open much more kernel surface to an unprivileged
 * process).
 */
export const CLONE_NAMESPACE_FLAGS = 0x7e020000;

/**
 * personality(2) values that only change how uname and 32-bit emulation behave: PER_LINUX,
 * PER_LINUX32, UNAME26, their union, and 0xffffffff (query). Others (e.g. READ_IMPLIES_EXEC,
 * ADDR_NO_RANDOMIZE) would weaken the process's own exploit mitigations.
 */
export const ALLOWED_PERSONALITIES: readonly number[] = [0x0, 0x8, 0x20000, 0x20008, 0xffffffff];

export interface DefaultProfileOptions {
  /** The container's capabilities (CAP_*): they unlock the syscalls of CAPABILITY_SYSCALLS. */
  capabilities: readonly string[];
  /** Node's process.arch of the host. Default: this process's. */
  arch?: string;
  /** `uname -r` of the host, for the ptrace decision. Default: this host's. */
  kernelRelease?: string;
}

/** The seccomp architectures a host runs natively (its own and its 32-bit compat ABIs). */
export function seccompArchitectures(arch: string = process.arch): string[] {
  switch (arch) {
    case 'x64':
    case 'amd64':
    case 'x86_64':
      return ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32'];
    case 'arm64':
    case 'aarch64':
      return ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM'];
    case 'arm':
      return ['SCMP_ARCH_ARM'];
    case 'ia32':
    case 'x86':
      return ['SCMP_ARCH_X86'];
    default:
      // An architecture without a list: an empty list means "the native one" to the runtime.
      return [];
  }
}

/** True when `release` (e.g. "6.1.0-18-amd64") is at least major.minor. */
export function kernelAtLeast(kernelRelease: string, [major, minor]: readonly [number, number]): boolean {
  const m = /^(\d+)\.(\d+)/.exec(kernelRelease);
  if (!m) return false;
  const [maj, min] = [Number(m[1]), Number(m[2])];
  return maj > major || (maj === major && min >= minor);
}

/** The default profile for a container holding `capabilities`. */
export function defaultSeccompProfile(opts: DefaultProfileOptions): SeccompProfile {
  const caps = new Set(opts.capabilities);
  const arch = opts.arch ?? process.arch;
  const names = new Set<string>(Object.values(ALLOWED_SYSCALL_GROUPS).flat());
  const family = /^(x64|amd64|x86_64|ia32|x86)$/.test(arch) ? 'x86' : /^(arm64|aarch64|arm)$/.test(arch) ? 'arm' : undefined;
  if (family) for (const n of ARCH_SYSCALLS[family]) names.add(n);
  for (const [cap, syscalls] of Object.entries(CAPABILITY_SYSCALLS)) {
    if (caps.has(cap)) for (const n of syscalls) names.add(n);
  }
  if (caps.has('CAP_SYS_PTRACE') || kernelAtLeast(opts.kernelRelease ?? release(), PTRACE_MIN_KERNEL)) {
    for (const n of PTRACE_SYSCALLS) names.add(n);
  }

  const rules: SyscallRule[] = [{ names: [...names].sort(), action: 'SCMP_ACT_ALLOW' }];
  rules.push(...personalityRules(), socketRule(), ...cloneRules(caps.has('CAP_SYS_ADMIN')));
  return {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: EPERM,
    architectures: seccompArchitectures(arch),
    syscalls: rules,
  };
}

function personalityRules(): SyscallRule[] {
  // Conditions within one rule are ANDed, so each allowed value is a rule of its own.
  return ALLOWED_PERSONALITIES.map((value) => ({
    names: ['personality'],
    action: 'SCMP_ACT_ALLOW',
    args: [{ index: 0, value, op: 'SCMP_CMP_EQ' }],
  }));
}

/**
 * Every socket family but AF_VSOCK: vsock talks to the hypervisor and other VMs, not to the
 * container's network namespace, so it would bypass network isolation.
 */
function socketRule(): SyscallRule {
  return { names: ['socket'], action: 'SCMP_ACT_ALLOW', args: [{ index: 0, value: AF_VSOCK, op: 'SCMP_CMP_NE' }] };
}

function cloneRules(sysAdmin: boolean): SyscallRule[] {
  if (sysAdmin) return [{ names: ['clone', 'clone3'], action: 'SCMP_ACT_ALLOW' }];
  return [
    {
      names: ['clone'],
      action: 'SCMP_ACT_ALLOW',
      args: [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }],
    },
    // clone3 passes its flags in memory, where seccomp cannot look. ENOSYS (not EPERM) makes
    // glibc >= 2.34 fall back to clone, whose flags the rule above checks.
    { names: ['clone3'], action: 'SCMP_ACT_ERRNO', errnoRet: ENOSYS },
  ];
}

/** Every syscall name a profile allows unconditionally (for tests and `inspect`). */
export function allowedSyscalls(profile: SeccompProfile): Set<string> {
  const out = new Set<string>();
  for (const rule of profile.syscalls) {
    if (rule.action === 'SCMP_ACT_ALLOW' && !rule.args?.length) for (const n of rule.names) out.add(n);
  }
  return out;
}
