import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { detectLayout, parseMountinfo, planHybridFix, prepareCgroups } from '../../../src/engine/native/cgroups';
import type { ProcessRunner } from '../../../src/engine/native/process-runner';
import { silentLogger, type Logger } from '../../../src/util/logger';

// /proc/self/mountinfo of the test hosts (HOST-NOTES 1), trimmed.
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
`;
const UNIFIED = '29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n';

test('parseMountinfo reads mount points, types and super options (octal escapes too)', () => {
  const m = parseMountinfo(HYBRID + '50 23 0:40 / /mnt/with\\040space rw - ext4 /dev/x rw\n');
  assert.deepEqual(m[1], { mountPoint: '/sys/fs/cgroup/cpu', fsType: 'cgroup', superOptions: ['rw', 'cpu'] });
  assert.equal(m.at(-1)!.mountPoint, '/mnt/with space');
});

test('detectLayout: hybrid, unified, legacy', () => {
  const h = detectLayout(parseMountinfo(HYBRID));
  assert.equal(h.layout, 'hybrid');
  assert.equal(h.cgroup2, '/sys/fs/cgroup/unified');
  assert.deepEqual([...h.v1Controllers].sort(), ['cpu', 'memory', 'pids']);
  assert.equal(detectLayout(parseMountinfo(UNIFIED)).layout, 'unified');
  assert.equal(detectLayout(parseMountinfo(HYBRID.split('\n').slice(0, 5).join('\n'))).layout, 'legacy');
});

test('planHybridFix moves only controllers v1 does not have', () => {
  assert.deepEqual(planHybridFix(['hugetlb', 'pids'], new Set(['pids'])), [{ controller: 'hugetlb', target: '/sys/fs/cgroup/hugetlb' }]);
  assert.deepEqual(planHybridFix([], new Set()), []);
});

function recordingLogger(): Logger & { lines: string[] } {
  const lines: string[] = [];
  const rec = (lvl: string) => (m: string, f?: Record<string, unknown>) => void lines.push(`${lvl} ${m} ${JSON.stringify(f ?? {})}`);
  return { lines, debug: rec('debug'), info: rec('info'), warn: rec('warn'), error: rec('error') };
}

function fakes(controllers: string, mountCode = 0) {
  const mkdirs: string[] = [];
  const runs: string[][] = [];
  const runner: ProcessRunner = { run: async (f, a) => (runs.push([f, ...a]), { code: mountCode, stdout: '', stderr: mountCode ? 'mount: busy' : '' }) };
  const readFile = async (f: string) => (f === '/proc/self/mountinfo' ? HYBRID : f === '/sys/fs/cgroup/unified/cgroup.controllers' ? controllers : '');
  return { mkdirs, runs, runner, readFile, mkdir: async (d: string) => void mkdirs.push(d) };
}

test('auto on a hybrid host with hugetlb on cgroup2: mounts it as v1 and logs it', async () => {
  const f = fakes('hugetlb\n');
  const logger = recordingLogger();
  const r = await prepareCgroups({ mode: 'auto', logger, ...f });
  assert.deepEqual(r, { layout: 'hybrid', moved: ['hugetlb'], pending: [] });
  assert.deepEqual(f.mkdirs, ['/sys/fs/cgroup/hugetlb']);
  assert.deepEqual(f.runs, [['mount', '-t', 'cgroup', '-o', 'hugetlb', 'cgroup', '/sys/fs/cgroup/hugetlb']]);
  assert.match(logger.lines.join('\n'), /info cgroups: moved a controller .*hugetlb/);
});

test('off: changes nothing and says what to run; a failed mount is reported', async () => {
  const f = fakes('hugetlb');
  const logger = recordingLogger();
  const r = await prepareCgroups({ mode: 'off', logger, ...f });
  assert.deepEqual(r.pending, ['mkdir -p /sys/fs/cgroup/hugetlb && mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb']);
  assert.deepEqual(f.runs, []);
  assert.match(logger.lines.join('\n'), /^warn /m);
  const bad = fakes('hugetlb', 32);
  const r2 = await prepareCgroups({ mode: 'auto', logger: silentLogger, ...bad });
  assert.deepEqual(r2.moved, []);
  assert.equal(r2.pending.length, 1);
});

test('an empty cgroup2 or a unified host needs nothing', async () => {
  const f = fakes('');
  assert.deepEqual(await prepareCgroups({ logger: silentLogger, ...f }), { layout: 'hybrid', moved: [], pending: [] });
  const u = await prepareCgroups({ logger: silentLogger, ...f, readFile: async () => UNIFIED });
  assert.equal(u.layout, 'unified');
  assert.deepEqual(f.runs, []);
});
