import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { conmonCreateArgs, conmonExecArgs, runtimeGlobalArgs } from '../../../src/engine/native/conmon-args';
import { monitorEnv } from '../../../src/engine/native/conmon-launch';

const base = {
  id: 'abc',
  runtime: 'crun' as const,
  runtimePath: '/usr/bin/crun',
  runtimeRoot: '/run/forgeone/crun',
  bundleDir: '/run/forgeone/containers/abc',
  pidFile: '/run/forgeone/containers/abc/pidfile',
  conmonPidFile: '/run/forgeone/containers/abc/conmon.pid',
  exitDir: '/run/forgeone/containers/abc/exits',
  logPath: '/var/lib/forgeone/containers/abc/ctr.log',
  logMaxSize: 1000,
  tty: false,
  stdin: false,
};

test('create: the Podman-style invocation, runtime flags passed through', () => {
  const args = conmonCreateArgs({ ...base, persistDir: '/p', leaveStdinOpen: true });
  assert.deepEqual(args, [
    '--api-version', '1', '-c', 'abc', '-u', 'abc', '-r', '/usr/bin/crun', '-b', '/run/forgeone/containers/abc',
    '-p', '/run/forgeone/containers/abc/pidfile', '-n', 'abc', '--exit-dir', '/run/forgeone/containers/abc/exits',
    '--full-attach', '--socket-dir-path', '/run/forgeone/containers/abc', '-l', 'k8s-file:/var/lib/forgeone/containers/abc/ctr.log',
    '--conmon-pidfile', '/run/forgeone/containers/abc/conmon.pid', '--log-level', 'info', '--log-size-max', '1000',
    '--runtime-arg', '--root=/run/forgeone/crun', '--runtime-arg', '--cgroup-manager=cgroupfs', '--persist-dir', '/p',
  ]);
});

test('create: -t, -i, --leave-stdin-open only when asked; no size limit at 0', () => {
  const tty = conmonCreateArgs({ ...base, tty: true, stdin: true, logMaxSize: 0, persistDir: '/p', leaveStdinOpen: true });
  assert.ok(tty.includes('-t') && tty.includes('-i') && tty.includes('--leave-stdin-open'));
  assert.ok(!tty.includes('--log-size-max'));
  const once = conmonCreateArgs({ ...base, stdin: true, persistDir: '/p', leaveStdinOpen: false });
  assert.ok(once.includes('-i') && !once.includes('--leave-stdin-open') && !once.includes('-t'));
  const noStdin = conmonCreateArgs({ ...base, persistDir: '/p', leaveStdinOpen: true });
  assert.ok(!noStdin.includes('--leave-stdin-open'), 'meaningless without -i');
});

test('exec: its own uuid and the exec flags', () => {
  const args = conmonExecArgs({ ...base, execId: 'e1', processSpec: '/x/process.json' });
  assert.equal(args[args.indexOf('-c') + 1], 'abc', 'the runtime execs into the container by its ID');
  assert.equal(args[args.indexOf('-u') + 1], 'e1');
  assert.deepEqual(args.slice(-4), ['--exec', '--exec-process-spec', '/x/process.json', '--exec-attach']);
});

test('runc gets only --root (cgroupfs is its default); crun also --cgroup-manager', () => {
  assert.deepEqual(runtimeGlobalArgs('runc', '/r'), ['--root=/r']);
  assert.deepEqual(runtimeGlobalArgs('crun', '/r'), ['--root=/r', '--cgroup-manager=cgroupfs']);
});

test("conmon's environment: PATH and a UTF-8 locale, nothing else of the daemon's", () => {
  const env = monitorEnv({ PATH: '/bin:/usr/bin', NODE_OPTIONS: '--inspect', AWS_SECRET_ACCESS_KEY: 'x', LANG: 'de_DE.ISO-8859-1' });
  assert.deepEqual(env, { PATH: '/bin:/usr/bin', LANG: 'C.UTF-8' });
  assert.equal(monitorEnv({}).PATH, '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin');
});
