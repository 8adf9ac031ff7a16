/** The WASM engine's pure parts: module inspection, spec → task config, signals, path checks, log rotation. */
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { constants } from 'node:os';
import { ForgeError } from '../../../src/errors';
import { buildWasmArtifact } from '../../../src/config/wasm-image';
import { checkModule, inspectModule } from '../../../src/engine/wasm/module-info';
import { taskConfigFromSpec } from '../../../src/engine/wasm/task-config';
import { deliverable } from '../../../src/engine/wasm/signals';
import { ERRNO, resolveBeneath, symlinkTargetAllowed } from '../../../src/engine/wasm/host/path-check';
import { LogWriter } from '../../../src/engine/wasm/host/log-writer';
import { nearLimit } from '../../../src/engine/wasm/host/task';
import { parseStat } from '../../../src/engine/wasm/proc';
import { fixtures, wat2wasm } from '../../fixtures/wasm';

const code = (fn: () => unknown): { code: string; reason: unknown } => {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ForgeError, String(err));
    return { code: err.code, reason: err.details?.reason };
  }
  return assert.fail('no error');
};

test('inspectModule: imports, exports and memory of a command', async () => {
  const info = inspectModule(await fixtures.hello());
  assert.ok(info.imports.some((i) => i.module === 'wasi_snapshot_preview1' && i.name === 'fd_write' && i.kind === 'function'));
  assert.ok(info.exports.includes('_start'));
  assert.deepEqual(info.memory, { min: 1 });
  const imported = inspectModule(await wat2wasm('(module (import "env" "memory" (memory 2 10)) (func (export "_start")))'));
  assert.deepEqual(imported.memory, { min: 2, max: 10 });
});

test('inspectModule refuses what is not a core module, with reason not-wasm', () => {
  assert.deepEqual(code(() => inspectModule(fixtures.notWasm())), { code: 'InvalidArgument', reason: 'not-wasm' });
  assert.deepEqual(code(() => inspectModule(Buffer.alloc(0))), { code: 'InvalidArgument', reason: 'not-wasm' });
  const component = Buffer.from([0, 0x61, 0x73, 0x6d, 0x0d, 0, 1, 0]);
  assert.deepEqual(code(() => inspectModule(component)), { code: 'InvalidArgument', reason: 'not-wasm' });
  const truncated = Buffer.from([0, 0x61, 0x73, 0x6d, 1, 0, 0, 0, 2, 0x7f]);
  assert.deepEqual(code(() => inspectModule(truncated)), { code: 'InvalidArgument', reason: 'not-wasm' });
});

test('checkModule: unknown imports, no _start, memory above the limit', async () => {
  const unknown = inspectModule(await fixtures.unknownImport());
  assert.deepEqual(code(() => checkModule(unknown)), { code: 'InvalidArgument', reason: 'unknown-import' });
  const hello = inspectModule(await fixtures.hello());
  checkModule(hello);
  assert.deepEqual(code(() => checkModule(hello, { wasiFunctions: new Set(['proc_exit']) })), { code: 'InvalidArgument', reason: 'unknown-import' });
  const lib = await wat2wasm('(module (memory (export "memory") 1) (func (export "add") (result i32) (i32.const 1)))');
  assert.deepEqual(code(() => checkModule(inspectModule(lib))), { code: 'InvalidArgument', reason: 'no-start' });
  const big = await wat2wasm('(module (memory (export "memory") 200) (func (export "_start")))');
  assert.deepEqual(code(() => checkModule(inspectModule(big), { memoryLimitPages: 128 })), { code: 'InvalidArgument', reason: 'memory-limit' });
  checkModule(inspectModule(big), { memoryLimitPages: 200 });
});

test('the artifact: an application/wasm layer whose diff_id is its digest, config wasip1/wasm', () => {
  const a = buildWasmArtifact(Buffer.from('\0asm\x01\0\0\0'), { entrypoint: '/hello.wasm', created: new Date(0) });
  const manifest = JSON.parse(a.blobs.get(a.manifest.digest)!.toString()) as { layers: Array<{ mediaType: string; digest: string }> };
  assert.equal(manifest.layers[0]!.mediaType, 'application/wasm');
  assert.deepEqual(a.config.rootfs.diff_ids, [manifest.layers[0]!.digest]);
  assert.equal(`${a.config.os}/${a.config.architecture}`, 'wasip1/wasm');
  assert.deepEqual(a.config.config?.Entrypoint, ['/hello.wasm']);
});

test('spec → task config: args, preopens from binds only, memory pages, limits from annotations', () => {
  const spec = {
    ociVersion: '1.0.2',
    process: { user: { uid: 0, gid: 0 }, args: ['/m.wasm', 'a'], env: ['A=1'], cwd: '/' },
    root: { path: '/r' },
    mounts: [{ destination: '/data', type: 'bind', source: '/v', options: ['rbind', 'ro'] }],
    linux: { namespaces: [], resources: { memory: { limit: 8 * 1024 * 1024 + 5 } } },
    annotations: { 'io.forgeone.wasm.timeout': '1.5s', 'io.forgeone.wasm.cpu': '250ms' },
  };
  const c = taskConfigFromSpec({ id: 'x', spec, logPath: '/l', logMaxSize: 0 });
  assert.equal(c.module, '/r/m.wasm');
  assert.deepEqual(c.args, ['/m.wasm', 'a']);
  assert.deepEqual(c.preopens, [{ guest: '/data', host: '/v', readonly: true }]);
  assert.equal(c.memoryPages, 128);
  assert.equal(c.timeoutMs, 1500);
  assert.equal(c.cpuMs, 250);
  assert.equal(taskConfigFromSpec({ id: 'x', spec: { ...spec, process: { ...spec.process, args: ['../../etc/m.wasm'] } }, logPath: '/l', logMaxSize: 0 }).module, '/r/etc/m.wasm', 'args[0] stays inside root');
  assert.deepEqual(code(() => taskConfigFromSpec({ id: 'x', spec: { ...spec, mounts: [{ destination: '/t', type: 'tmpfs' }] }, logPath: '/l', logMaxSize: 0 })), { code: 'InvalidArgument', reason: 'unsupported-mount' });
  assert.deepEqual(code(() => taskConfigFromSpec({ id: 'x', spec: { ...spec, annotations: { 'io.forgeone.wasm.timeout': 'soon' } }, logPath: '/l', logMaxSize: 0 })), { code: 'InvalidArgument', reason: undefined });
});

test('signals: default actions of a program without handlers; SIGUSR1 refused; SIGKILL before start', () => {
  const S = constants.signals;
  assert.equal(deliverable(S.SIGTERM, true), S.SIGTERM);
  assert.equal(deliverable(S.SIGKILL, true), S.SIGKILL);
  assert.equal(deliverable(S.SIGWINCH, true), undefined);
  assert.equal(deliverable(S.SIGTSTP, true), S.SIGSTOP);
  assert.equal(deliverable(S.SIGCONT, true), S.SIGCONT);
  assert.equal(deliverable(S.SIGTERM, false), S.SIGKILL);
  assert.deepEqual(code(() => deliverable(S.SIGUSR1, true)), { code: 'InvalidArgument', reason: 'signal-unsupported' });
});

test('path checks: .., symlinks in the middle or at the end, absolute paths, loops', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'forgeone-pathcheck-'));
  try {
    mkdirSync(path.join(root, 'sub'));
    writeFileSync(path.join(root, 'sub', 'f'), 'x');
    symlinkSync('../../../../../../etc', path.join(root, 'out'));
    symlinkSync('/etc/passwd', path.join(root, 'abs'));
    symlinkSync('sub', path.join(root, 'in'));
    symlinkSync('loop', path.join(root, 'loop'));
    const dir = { root, at: [], readonly: false };
    const ok = (p: string, follow = true) => {
      const r = resolveBeneath(dir, p, follow);
      return r.ok ? path.relative(root, r.host) : r.errno;
    };
    assert.equal(ok('sub/f'), path.join('sub', 'f'));
    assert.equal(ok('in/f'), path.join('sub', 'f'), 'a symlink inside stays allowed');
    assert.equal(ok('sub/../sub/./f'), path.join('sub', 'f'));
    assert.equal(ok('../etc/passwd'), ERRNO.NOTCAPABLE);
    assert.equal(ok('out/passwd'), ERRNO.NOTCAPABLE, 'an escaping symlink in the middle');
    assert.equal(ok('out'), ERRNO.NOTCAPABLE, 'followed at the end');
    assert.equal(ok('out', false), 'out', 'not followed at the end (unlink, readlink)');
    assert.equal(ok('abs'), ERRNO.NOTCAPABLE);
    assert.equal(ok('/etc/passwd'), ERRNO.NOTCAPABLE);
    assert.equal(ok('loop'), ERRNO.LOOP);
    assert.equal(ok('new/../../x'), ERRNO.NOTCAPABLE, 'missing components are checked lexically');
    assert.equal(ok('sub/new/file'), path.join('sub', 'new', 'file'));
    assert.equal(resolveBeneath({ root, at: ['sub'], readonly: false }, '../in/f', true).ok, true);
    assert.equal(symlinkTargetAllowed(['a', 'link'], '../b'), true);
    assert.equal(symlinkTargetAllowed(['link'], '../b'), false);
    assert.equal(symlinkTargetAllowed(['a', 'link'], '/etc'), false);
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
});

test('log writer: k8s records, P for an unfinished line, rotation at the size limit', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'forgeone-logwriter-'));
  try {
    const file = path.join(dir, 'ctr.log');
    const w = new LogWriter(file, 200);
    w.write('stdout', Buffer.from('one\ntwo'));
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    assert.match(lines[0]!, / stdout F one$/);
    assert.match(lines[1]!, / stdout P two$/);
    for (let i = 0; i < 5; i++) w.write('stderr', Buffer.from(`line ${i}\n`));
    w.close();
    assert.ok(readFileSync(file, 'utf8').length <= 200, 'rotated');
    assert.match(readFileSync(file, 'utf8'), /stderr F line 4/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('memory-limit attribution and /proc stat parsing', () => {
  assert.equal(nearLimit(113, 128), true);
  assert.equal(nearLimit(10, 128), false);
  assert.equal(nearLimit(1000, 1024), true);
  assert.deepEqual(parseStat('42 (forgeone-wasm) S 1 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 7 0 12345 0'), { comm: 'forgeone-wasm', state: 'S', startTime: 12345 });
  assert.equal(parseStat('42 (a) b) T 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 99 0')?.comm, 'a) b');
});
