import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { OciRuntime, parsePids, parseState } from '../../../src/engine/native/oci-runtime';
import type { ProcessRunner, RunResult } from '../../../src/engine/native/process-runner';
import { isForgeError } from '../../../src/errors';

function fakeRunner(answers: Record<string, RunResult>): ProcessRunner & { calls: string[][] } {
  const calls: string[][] = [];
  return {
    calls,
    async run(file, args) {
      calls.push([file, ...args]);
      const verb = args.find((a) => !a.startsWith('--'))!;
      return answers[verb] ?? { code: 0, stdout: '', stderr: '' };
    },
  };
}

const STATE = '{"ociVersion":"1.0.0","id":"c4","pid":2542,"status":"running","bundle":"/b","rootfs":"rootfs","created":"2026-11-27T21:54:09.193992Z","owner":"root"}';

test('verbs: global flags first, then the verb; signals as numbers', async () => {
  const runner = fakeRunner({});
  const rt = new OciRuntime({ name: 'crun', path: '/usr/bin/crun', root: '/run/crun' }, runner);
  await rt.start('c1');
  await rt.kill('c1', 9, true);
  await rt.kill('c1', 15);
  await rt.pause('c1');
  await rt.resume('c1');
  await rt.delete('c1');
  const g = ['/usr/bin/crun', '--root=/run/crun', '--cgroup-manager=cgroupfs'];
  assert.deepEqual(runner.calls, [
    [...g, 'start', 'c1'],
    [...g, 'kill', '--all', 'c1', '9'],
    [...g, 'kill', 'c1', '15'],
    [...g, 'pause', 'c1'],
    [...g, 'resume', 'c1'],
    [...g, 'delete', '--force', 'c1'],
  ]);
});

test('state and ps are parsed', async () => {
  const runner = fakeRunner({ state: { code: 0, stdout: STATE, stderr: '' }, ps: { code: 0, stdout: '[\n  2542, 2600\n]\n', stderr: '' } });
  const rt = new OciRuntime({ name: 'runc', path: '/usr/sbin/runc', root: '/run/runc' }, runner);
  assert.deepEqual(await rt.state('c4'), { id: 'c4', pid: 2542, status: 'running', bundle: '/b', created: '2026-11-27T21:54:09.193992Z' });
  assert.deepEqual(await rt.pids('c4'), [2542, 2600]);
  assert.deepEqual(runner.calls[1], ['/usr/sbin/runc', '--root=/run/runc', 'ps', '--format', 'json', 'c4']);
});

test('errors: unknown is NotFound, and delete of an unknown task is fine', async () => {
  const gone = { code: 1, stdout: '', stderr: 'error opening file `/run/crun/x/status`: No such file or directory\n' };
  const rt = new OciRuntime({ name: 'crun', path: 'crun', root: '/r' }, fakeRunner({ state: gone, delete: gone, kill: { code: 1, stdout: '', stderr: 'the container `x` is not running: No such process' } }));
  await assert.rejects(rt.state('x'), (e) => isForgeError(e, 'NotFound'));
  await rt.delete('x');
  await assert.rejects(rt.kill('x', 9), (e) => isForgeError(e, 'FailedPrecondition') && e.details?.reason === 'not-running');
});

test('parseState and parsePids reject what they do not understand', () => {
  assert.throws(() => parseState('{"id":"x","status":"weird"}'), (e) => isForgeError(e, 'Internal'));
  assert.throws(() => parseState('oops'), (e) => isForgeError(e, 'Internal'));
  assert.deepEqual(parsePids('null'), []);
  assert.deepEqual(parsePids(''), []);
  assert.throws(() => parsePids('["a"]'), (e) => isForgeError(e, 'Internal'));
});
