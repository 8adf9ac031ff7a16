/** The default seccomp profile: shape, what it allows, what it never allows, conditional rules. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { SeccompProfile } from '../../../src/config/runtime-spec';
import { DEFAULT_CAPABILITIES, resolveCapabilities } from '../../../src/security/capabilities';
import { allowedSyscalls, CLONE_NAMESPACE_FLAGS, defaultSeccompProfile, kernelAtLeast } from '../../../src/security/seccomp';
import { ALLOWED_SYSCALL_GROUPS, BLOCKED_SYSCALLS, CAPABILITY_SYSCALLS } from '../../../src/security/seccomp-syscalls';

const profile = (caps: readonly string[] = DEFAULT_CAPABILITIES, more: { arch?: string; kernelRelease?: string } = {}): SeccompProfile =>
  defaultSeccompProfile({ capabilities: caps, arch: more.arch ?? 'x64', kernelRelease: more.kernelRelease ?? '6.1.0-18-amd64' });

const ACTIONS = new Set(['SCMP_ACT_ALLOW', 'SCMP_ACT_ERRNO']);
const OPS = new Set(['SCMP_CMP_EQ', 'SCMP_CMP_NE', 'SCMP_CMP_MASKED_EQ']);

test('shape: OCI format, EPERM by default, x86 architectures, JSON round-trip', () => {
  const p = profile();
  assert.deepEqual(JSON.parse(JSON.stringify(p)), p);
  assert.equal(p.defaultAction, 'SCMP_ACT_ERRNO');
  assert.equal(p.defaultErrnoRet, 1);
  assert.deepEqual(p.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  for (const rule of p.syscalls) {
    assert.ok(rule.names.length > 0);
    assert.ok(ACTIONS.has(rule.action), rule.action);
    for (const n of rule.names) assert.match(n, /^[a-z_][a-z0-9_]*$/);
    for (const a of rule.args ?? []) {
      assert.ok(OPS.has(a.op) && a.index >= 0 && a.index <= 5 && Number.isInteger(a.value));
    }
  }
});

test('arm64 hosts get aarch64 and arm, and the arm-only syscalls', () => {
  const p = profile(DEFAULT_CAPABILITIES, { arch: 'arm64' });
  assert.deepEqual(p.architectures, ['SCMP_ARCH_AARCH64', 'SCMP_ARCH_ARM']);
  assert.ok(allowedSyscalls(p).has('set_tls'));
  assert.ok(!allowedSyscalls(p).has('arch_prctl'));
  assert.ok(allowedSyscalls(profile()).has('arch_prctl'));
});

test('no syscall name appears twice in the allowlist or across groups', () => {
  const all = Object.values(ALLOWED_SYSCALL_GROUPS).flat();
  assert.equal(new Set(all).size, all.length, `duplicates: ${all.filter((n, i) => all.indexOf(n) !== i).join(', ')}`);
  const gated = Object.values(CAPABILITY_SYSCALLS).flat();
  assert.equal(new Set([...all, ...gated]).size, all.length + gated.length);
  const p = profile(resolveCapabilities({ add: ['ALL'] }));
  const unconditional = p.syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW' && !r.args).flatMap((r) => r.names);
  assert.equal(new Set(unconditional).size, unconditional.length);
});

test('what normal programs need is allowed', () => {
  const allowed = allowedSyscalls(profile());
  for (const n of [
    'read', 'write', 'execve', 'exit_group', 'futex', 'epoll_create1', 'epoll_ctl', 'epoll_wait', 'epoll_pwait',
    'openat', 'newfstatat', 'statx', 'rt_sigaction', 'rt_sigreturn', 'mmap', 'brk', 'getrandom', 'wait4',
    'close_range', 'prlimit64', 'setuid', 'chroot', 'ptrace', 'sethostname', 'pipe2', 'fork', 'vfork',
  ]) assert.ok(allowed.has(n), n);
});

test('dangerous syscalls are never allowed by default', () => {
  const allowed = allowedSyscalls(profile());
  const anyRule = new Set(profile().syscalls.filter((r) => r.action === 'SCMP_ACT_ALLOW').flatMap((r) => r.names));
  for (const n of [
    ...BLOCKED_SYSCALLS, 'mount', 'umount2', 'reboot', 'kexec_load', 'bpf', 'unshare', 'setns', 'pivot_root',
    'init_module', 'finit_module', 'delete_module', 'clock_settime', 'settimeofday', 'acct', 'userfaultfd',
    'open_by_handle_at', 'iopl', 'ioperm', 'swapon', 'keyctl', 'perf_event_open', 'clone3',
  ]) {
    assert.ok(!allowed.has(n) && !anyRule.has(n), n);
  }
  // Even with every capability, the never-allowed list stays out.
  const full = new Set(profile(resolveCapabilities({ add: ['ALL'] })).syscalls.flatMap((r) => (r.action === 'SCMP_ACT_ALLOW' ? r.names : [])));
  for (const n of BLOCKED_SYSCALLS) assert.ok(!full.has(n), n);
});

test('clone: namespace flags masked without CAP_SYS_ADMIN, clone3 answers ENOSYS', () => {
  const rules = profile().syscalls;
  const clone = rules.find((r) => r.names.includes('clone'));
  assert.deepEqual(clone?.args, [{ index: 0, value: CLONE_NAMESPACE_FLAGS, valueTwo: 0, op: 'SCMP_CMP_MASKED_EQ' }]);
  assert.equal(CLONE_NAMESPACE_FLAGS, 0x20000 | 0x2000000 | 0x4000000 | 0x8000000 | 0x10000000 | 0x20000000 | 0x40000000);
  const clone3 = rules.find((r) => r.names.includes('clone3'));
  assert.deepEqual([clone3?.action, clone3?.errnoRet], ['SCMP_ACT_ERRNO', 38]);
});

test('CAP_SYS_ADMIN unlocks mount, unshare, setns and unrestricted clone', () => {
  const p = profile(resolveCapabilities({ add: ['SYS_ADMIN'] }));
  const allowed = allowedSyscalls(p);
  for (const n of ['mount', 'umount2', 'unshare', 'setns', 'clone', 'clone3', 'pivot_root']) assert.ok(allowed.has(n), n);
  for (const n of ['bpf', 'perf_event_open', 'kexec_load']) assert.ok(!allowed.has(n), n);
});

test('dropping a default capability removes its syscalls (chroot)', () => {
  assert.ok(!allowedSyscalls(profile(resolveCapabilities({ drop: ['SYS_CHROOT'] }))).has('chroot'));
});

test('personality: only the harmless values; socket: everything but AF_VSOCK', () => {
  const p = profile().syscalls;
  const values = p.filter((r) => r.names.includes('personality')).map((r) => r.args?.[0]?.value);
  assert.deepEqual(values, [0, 8, 0x20000, 0x20008, 0xffffffff]);
  assert.deepEqual(p.find((r) => r.names.includes('socket'))?.args, [{ index: 0, value: 40, op: 'SCMP_CMP_NE' }]);
});

test('ptrace follows the kernel: allowed from 4.8, or with CAP_SYS_PTRACE', () => {
  assert.ok(!allowedSyscalls(profile(DEFAULT_CAPABILITIES, { kernelRelease: '4.4.0-generic' })).has('ptrace'));
  assert.ok(allowedSyscalls(profile(DEFAULT_CAPABILITIES, { kernelRelease: '4.8.0' })).has('ptrace'));
  assert.ok(allowedSyscalls(profile(resolveCapabilities({ add: ['SYS_PTRACE'] }), { kernelRelease: '4.4.0' })).has('ptrace'));
  assert.equal(kernelAtLeast('5.10.0-28-amd64', [4, 8]), true);
  assert.equal(kernelAtLeast('3.19.1', [4, 8]), false);
  assert.equal(kernelAtLeast('garbage', [4, 8]), false);
});
