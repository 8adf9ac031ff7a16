import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtemp, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import { chunkStdin, demuxMessage, forward } from '../../../src/engine/native/attach';
import { resizeMessage, writeControl } from '../../../src/engine/native/control-fifo';
import { parseExitCode, readExitFile, waitForExitFile } from '../../../src/engine/native/exit-file';
import { monitorAlive, parseProcStat } from '../../../src/engine/native/monitor-liveness';
import { assertTaskId, execPaths, taskPaths } from '../../../src/engine/native/paths';
import { execProcessSpec } from '../../../src/engine/native/process-spec';
import { signalNumber } from '../../../src/engine/signals';
import type { RuntimeSpec } from '../../../src/config/runtime-spec';
import { isForgeError } from '../../../src/errors';

test('attach messages: first byte names the stream', () => {
  assert.deepEqual(demuxMessage(Buffer.from('\x02hi')), { stream: 'stdout', payload: Buffer.from('hi') });
  assert.equal(demuxMessage(Buffer.from('\x03e')).stream, 'stderr');
  assert.equal(demuxMessage(Buffer.from('\x09?')).stream, undefined);
  assert.deepEqual(chunkStdin(Buffer.alloc(20000), 8192).map((b) => b.length), [8192, 8192, 3616]);
});

test('resize: conmon ctl line, clamped to its 1000 limit', async () => {
  assert.equal(resizeMessage({ rows: 40, cols: 120 }), '1 40 120\n');
  assert.equal(resizeMessage({ rows: 40, cols: 5000 }), '1 40 1000\n');
  assert.throws(() => resizeMessage({ rows: -1, cols: 2 }), (e) => isForgeError(e, 'InvalidArgument'));
  // No reader on the FIFO (conmon gone): not running, and never a hang.
  await assert.rejects(writeControl('/nonexistent/ctl', '1 1 1\n'), (e) => isForgeError(e, 'FailedPrecondition'));
});

test('exit files: parse, read, and wait (at once, on creation by rename, abort)', async () => {
  assert.equal(parseExitCode('137'), 137);
  assert.equal(parseExitCode(''), undefined);
  const dir = await mkdtemp(path.join(tmpdir(), 'forgeone-exit-'));
  try {
    const file = path.join(dir, 'abc');
    assert.equal(await readExitFile(file), undefined);
    const waiting = waitForExitFile(file, { pollMs: 10_000 });
    setTimeout(() => void writeFile(file + '.tmp', '42').then(() => rename(file + '.tmp', file)), 30);
    const started = Date.now();
    assert.equal((await waiting).exitCode, 42);
    assert.ok(Date.now() - started < 2000, 'inotify, not the poll, found it');
    assert.equal((await waitForExitFile(file)).exitCode, 42);
    const ac = new AbortController();
    const never = waitForExitFile(path.join(dir, 'other'), { signal: ac.signal });
    ac.abort(new Error('stop'));
    await assert.rejects(never, /stop/);
    const viaCheck = await waitForExitFile(path.join(dir, 'lost'), { pollMs: 5, checkMs: 0, check: async () => ({ exitCode: 255, exitedAt: new Date() }) });
    assert.equal(viaCheck.exitCode, 255);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
});

test('task IDs cannot escape the state dir', () => {
  assert.throws(() => assertTaskId('../etc'), (e) => isForgeError(e, 'InvalidArgument'));
  assert.throws(() => taskPaths('/s', '/b', 'a/b'), (e) => isForgeError(e, 'InvalidArgument'));
  const p = taskPaths('/s', '/b', 'abc');
  assert.equal(p.exitFile, '/s/abc/exits/abc');
  assert.equal(p.specLink, '/s/abc/config.json');
  assert.equal(p.specFile, '/b/abc/config.json');
  assert.equal(execPaths(p, 'abc', 'e1').exitFile, '/s/abc/exec/e1/exits/abc');
});

test('exec process spec keeps the container\'s privileges, takes the exec\'s command', () => {
  const spec = {
    ociVersion: '1.0.2',
    process: { terminal: false, user: { uid: 0, gid: 0, umask: 0o22 }, args: ['sleep'], env: ['A=1'], cwd: '/', noNewPrivileges: true, capabilities: { bounding: ['CAP_KILL'] }, consoleSize: { height: 1, width: 1 } },
    root: { path: '/r' },
    mounts: [],
  } as RuntimeSpec;
  const p = execProcessSpec({ execId: 'e', args: ['echo', 'hi'], env: ['B=2'], cwd: '', user: { uid: 5, gid: 6 }, tty: false, stdin: false, spec });
  assert.deepEqual(p.args, ['echo', 'hi']);
  assert.deepEqual(p.env, ['B=2']);
  assert.equal(p.cwd, '/');
  assert.deepEqual(p.user, { uid: 5, gid: 6, umask: 0o22 });
  assert.equal(p.noNewPrivileges, true);
  assert.deepEqual(p.capabilities, { bounding: ['CAP_KILL'] });
  assert.equal(p.consoleSize, undefined);
  assert.throws(() => execProcessSpec({ execId: 'e', args: [], env: [], cwd: '/', user: { uid: 0, gid: 0 }, tty: false, stdin: false, spec }), (e) => isForgeError(e, 'InvalidArgument'));
});

test('signals: names, short names, numbers', () => {
  assert.equal(signalNumber('SIGKILL'), 9);
  assert.equal(signalNumber('term'), 15);
  assert.equal(signalNumber('9'), 9);
  assert.throws(() => signalNumber('SIGNOPE'), (e) => isForgeError(e, 'InvalidArgument'));
  assert.throws(() => signalNumber('0'), (e) => isForgeError(e, 'InvalidArgument'));
});

test('forward: demuxes output, writes stdin in chunks, half-closes on stdin end, ends on close', async () => {
  const written: string[] = [];
  let ended = false;
  let destroyed = false;
  const sock = Object.assign(new EventEmitter(), {
    write: (b: Buffer, _o?: number, _l?: number, cb?: () => void) => {
      written.push(b.toString());
      setImmediate(() => cb?.());
    },
    end: () => void (ended = true),
    destroy: () => void (destroyed = true),
  });
  const stdin = new PassThrough();
  const out = new PassThrough();
  const err = new PassThrough();
  const session = forward(sock as never, { stdin, stdout: out, stderr: err });
  sock.emit('data', Buffer.from('\x02hello'));
  sock.emit('data', Buffer.from('\x03oops'));
  assert.equal(out.read()?.toString(), 'hello');
  assert.equal(err.read()?.toString(), 'oops');
  stdin.write('input');
  stdin.end();
  await new Promise((r) => setTimeout(r, 20));
  assert.deepEqual(written, ['input']);
  assert.equal(ended, true, 'stdin EOF half-closes the socket');
  sock.emit('close');
  await session.done;
  assert.equal(destroyed, true);
});

test('monitor liveness reads /proc/<pid>/stat: zombies are dead', async () => {
  assert.deepEqual(parseProcStat('123 (conmon) S 1 123 123 0'), { comm: 'conmon', state: 'S' });
  assert.deepEqual(parseProcStat('9 (a) b) Z 1'), { comm: 'a) b', state: 'Z' });
  assert.equal(parseProcStat('garbage'), undefined);
  assert.equal(await monitorAlive(process.pid), false, 'alive, but not conmon');
  assert.equal(await monitorAlive(0), false);
});
