import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { classifyRuntimeFailure, cleanRuntimeMessage, runtimeError } from '../../../src/engine/native/runtime-errors';

// Messages as crun 1.8.1 and runc 1.1.5 print them on these hosts.
const cases: Array<[string, string | undefined, string]> = [
  ['executable file `nope` not found in $PATH: No such file or directory\n', 'command-not-found', 'InvalidArgument'],
  ['executable file `/bin/nope` not found in $PATH: No such file or directory\n', 'command-not-found', 'InvalidArgument'],
  ['time="2026-11-27T21:54:26Z" level=error msg="runc create failed: unable to start container process: exec: \\"nope\\": executable file not found in $PATH"\n', 'command-not-found', 'InvalidArgument'],
  ['time="2026-11-27T21:54:29Z" level=error msg="runc create failed: unable to start container process: exec: \\"/bin/nope\\": stat /bin/nope: no such file or directory"\n', 'command-not-found', 'InvalidArgument'],
  ['open executable: Permission denied\n', 'command-not-executable', 'InvalidArgument'],
  ['open executable: Operation not permitted\n', 'command-not-executable', 'InvalidArgument'],
  ['time="x" level=error msg="runc create failed: unable to start container process: exec: \\"/etc\\": permission denied"', 'command-not-executable', 'InvalidArgument'],
  ['cgroups in hybrid mode not supported, drop all controllers from cgroupv2\n', 'cgroups-hybrid', 'FailedPrecondition'],
  ['setrlimit `RLIMIT_NOFILE`: Operation not permitted', 'rlimit', 'InvalidArgument'],
  ['the container `c4` is not running: No such process', 'not-running', 'FailedPrecondition'],
  ['open pidfd: No such process', 'not-running', 'FailedPrecondition'],
  ['error opening file `/run/crun/nope/status`: No such file or directory', 'not-found', 'NotFound'],
  ['time="x" level=error msg="container does not exist"', 'not-found', 'NotFound'],
  ['[conmon:e]: Runtime path /nonexistent/crun is not valid No such file or directory', 'runtime-missing', 'FailedPrecondition'],
  ['cannot run /usr/bin/conmon: spawn /usr/bin/conmon ENOENT', 'runtime-missing', 'FailedPrecondition'],
  ['mount `proc` to `proc`: Device or resource busy', undefined, 'Internal'],
];

test('runtime messages map to codes and reasons', () => {
  for (const [msg, reason, code] of cases) {
    const c = classifyRuntimeFailure(msg);
    assert.equal(c.reason, reason, msg);
    assert.equal(c.code, code, msg);
  }
});

test('a mount error mentioning a missing file is not command-not-found', () => {
  assert.equal(classifyRuntimeFailure('mount `/x` to `/y`: No such file or directory').reason, undefined);
});

test('runc logrus lines are reduced to their message', () => {
  assert.equal(cleanRuntimeMessage('time="t" level=error msg="runc create failed: exec: \\"x\\": boom"\n'), 'runc create failed: exec: "x": boom');
  assert.equal(cleanRuntimeMessage('line one\n\nline two\n'), 'line one; line two');
});

test('runtimeError carries the reason, the message and a hint', () => {
  const e = runtimeError('create task abc', 'cgroups in hybrid mode not supported, drop all controllers from cgroupv2', { id: 'abc' });
  assert.equal(e.code, 'FailedPrecondition');
  assert.equal(e.details?.reason, 'cgroups-hybrid');
  assert.equal(e.details?.id, 'abc');
  assert.match(e.hint ?? '', /mount -t cgroup -o hugetlb/);
  assert.match(e.message, /^create task abc: cgroups in hybrid mode/);
});
