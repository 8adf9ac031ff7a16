/** User seccomp profiles: OCI and Docker formats accepted, malformed ones refused with InvalidArgument. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isForgeError } from '../../../src/errors';
import { DEFAULT_CAPABILITIES } from '../../../src/security/capabilities';
import { defaultSeccompProfile } from '../../../src/security/seccomp';
import { parseSeccompProfile } from '../../../src/security/seccomp-user';

const ctx = { capabilities: DEFAULT_CAPABILITIES, arch: 'x64', kernelRelease: '6.1.0' };

test('an OCI profile (our own default) round-trips unchanged', () => {
  const p = defaultSeccompProfile(ctx);
  assert.deepEqual(parseSeccompProfile(JSON.stringify(p), ctx), p);
});

test('a Docker-format profile: archMap, name, includes/excludes by caps, arch and kernel', () => {
  const docker = {
    defaultAction: 'SCMP_ACT_ERRNO',
    defaultErrnoRet: 1,
    archMap: [
      { architecture: 'SCMP_ARCH_X86_64', subArchitectures: ['SCMP_ARCH_X86', 'SCMP_ARCH_X32'] },
      { architecture: 'SCMP_ARCH_AARCH64', subArchitectures: ['SCMP_ARCH_ARM'] },
    ],
    syscalls: [
      { names: ['read', 'write'], action: 'SCMP_ACT_ALLOW' },
      { name: 'getpid', action: 'SCMP_ACT_ALLOW' },
      { names: ['mount'], action: 'SCMP_ACT_ALLOW', includes: { caps: ['CAP_SYS_ADMIN'] } },
      { names: ['arch_prctl'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['amd64'] } },
      { names: ['set_tls'], action: 'SCMP_ACT_ALLOW', includes: { arches: ['arm64'] } },
      { names: ['ptrace'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '4.8' } },
      { names: ['futex_waitv'], action: 'SCMP_ACT_ALLOW', includes: { minKernel: '7.0' } },
      { names: ['clone'], action: 'SCMP_ACT_ALLOW', excludes: { caps: ['CAP_CHOWN'] } },
    ],
  };
  const p = parseSeccompProfile(JSON.stringify(docker), ctx);
  assert.deepEqual(p.architectures, ['SCMP_ARCH_X86_64', 'SCMP_ARCH_X86', 'SCMP_ARCH_X32']);
  assert.deepEqual(p.syscalls.map((r) => r.names), [['read', 'write'], ['getpid'], ['arch_prctl'], ['ptrace']]);
});

const refused: Array<[string, string]> = [
  ['not JSON', '{"defaultAction": '],
  ['an array', '[]'],
  ['unknown default action', '{"defaultAction":"SCMP_ACT_MAYBE","syscalls":[]}'],
  ['notify (needs a listener)', '{"defaultAction":"SCMP_ACT_ALLOW","listenerPath":"/x","syscalls":[]}'],
  ['syscalls not a list', '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":{}}'],
  ['a rule without names', '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"SCMP_ACT_ERRNO"}]}'],
  ['a bad syscall name', '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["rm -rf"],"action":"SCMP_ACT_ERRNO"}]}'],
  ['a bad operator', '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ERRNO","args":[{"index":0,"value":1,"op":"LIKE"}]}]}'],
  ['an arg index past 5', '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["socket"],"action":"SCMP_ACT_ERRNO","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}'],
  ['a negative errno', '{"defaultAction":"SCMP_ACT_ERRNO","defaultErrnoRet":-1,"syscalls":[]}'],
  ['a bad architecture', '{"defaultAction":"SCMP_ACT_ALLOW","architectures":["x86_64"],"syscalls":[]}'],
  ['an unknown flag', '{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_YOLO"],"syscalls":[]}'],
];
for (const [name, text] of refused) {
  test(`refused: ${name}`, () => {
    assert.throws(() => parseSeccompProfile(text, ctx), (err: unknown) => isForgeError(err, 'InvalidArgument'));
  });
}

test('refused: larger than 1 MiB', () => {
  const huge = JSON.stringify({ defaultAction: 'SCMP_ACT_ALLOW', syscalls: [], pad: 'x'.repeat(1024 * 1024) });
  assert.throws(() => parseSeccompProfile(huge, ctx), (err: unknown) => isForgeError(err, 'InvalidArgument'));
});
