// Parsers on cgroup files. v1 samples and the v2 cpu.stat are captured from the test hosts
// (kernel 6.18, hybrid layout) from a running busybox container; the other v2 files are not
// available there (their controllers are bound to v1), so they are samples in the format of
// Documentation/admin-guide/cgroup-v2.rst, and the integration tests read real v2 cpu.stat.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as v1 from '../../../src/metrics/cgroup-v1/parse';
import * as v2 from '../../../src/metrics/cgroup-v2/parse';
import { checkCgroupPath, parseFlatKeyed, parseLimit, parseSingle, pickKeyed } from '../../../src/metrics/parse';

// A busybox container after `dd if=/dev/zero of=/tmp/x bs=1M count=20` (captured, trimmed).
const V1_MEMORY_STAT = `cache 20979712
rss 110592
rss_huge 0
shmem 0
mapped_file 0
dirty 20979712
inactive_file 20971520
active_file 8192
hierarchical_memory_limit 9223372036854771712
hierarchical_memsw_limit 9223372036854771712
total_cache 20979712
total_rss 110592
total_shmem 0
total_dirty 20979712
total_inactive_file 20971520
total_active_file 8192
`;
const V1_OOM = 'oom_kill_disable 0\nunder_oom 0\noom_kill 0\n';
const V1_USAGE_ALL = 'cpu user system\n0 1019974412 983957308\n1 331382734 579981192\n';
const V1_CPU_STAT = 'nr_periods 0\nnr_throttled 0\nthrottled_time 0\nnr_bursts 0\nburst_time 0\n';
// What blkio shows on the test hosts whatever the container does (see the integration tests).
const V1_BLKIO_EMPTY = 'Total 0\n';
const V1_BLKIO = '254:0 Read 4096\n254:0 Write 5242880\n254:0 Sync 5242880\n254:0 Async 4096\n254:0 Discard 0\n254:0 Total 5246976\nTotal 5246976\n';
const V1_SERVICED = '254:0 Read 1\n254:0 Write 40\n254:0 Sync 40\n254:0 Async 1\n254:0 Discard 0\n254:0 Total 41\nTotal 41\n';
// Captured from /sys/fs/cgroup/unified/forgeone/<id>/cpu.stat on the test host.
const V2_CPU_STAT_HYBRID = 'usage_usec 242165\nuser_usec 168298\nsystem_usec 73867\nnice_usec 0\n';

test('v1 memory: usage, total_rss/total_cache, inactive file, unlimited limit, oom kills', () => {
  const m = v1.parseMemory({ usage: '22360064\n', stat: V1_MEMORY_STAT, oomControl: V1_OOM })!;
  assert.equal(m.usageBytes, 22360064);
  assert.equal(m.cacheBytes, 20979712);
  assert.equal(m.rssBytes, 110592);
  assert.equal(m.inactiveFileBytes, 20971520);
  assert.equal(m.limitBytes, undefined, '9223372036854771712 is PAGE_COUNTER_MAX: unlimited');
  assert.equal(m.oomKills, 0);
  assert.equal(m.stat?.total_dirty, 20979712);
  const limited = v1.parseMemory({ usage: '1', stat: 'hierarchical_memory_limit 104857600\n' })!;
  assert.equal(limited.limitBytes, 104857600);
  assert.equal(v1.parseMemory({}), undefined);
});

test('v1 cpu: cpuacct.usage_all in ns per CPU, cpu.stat throttling, and the cpuacct.stat fallback', () => {
  const cpu = v1.parseCpuacct({ usageAll: V1_USAGE_ALL })!;
  assert.ok(Math.abs(cpu.userSeconds - 1.351357146) < 1e-9);
  assert.ok(Math.abs(cpu.systemSeconds - 1.5639385) < 1e-9);
  assert.ok(Math.abs(cpu.usageSeconds - (cpu.userSeconds + cpu.systemSeconds)) < 1e-9);
  assert.deepEqual(v1.parseCpuThrottling(V1_CPU_STAT), { periods: 0, throttledPeriods: 0, throttledSeconds: 0 });
  assert.deepEqual(v1.parseCpuThrottling('nr_periods 10\nnr_throttled 4\nthrottled_time 250000000\n'), { periods: 10, throttledPeriods: 4, throttledSeconds: 0.25 });
  // Older kernels: ticks of USER_HZ, total from cpuacct.usage.
  assert.deepEqual(v1.parseCpuacct({ stat: 'user 148\nsystem 171\n', usage: '3200000000\n' }), { userSeconds: 1.48, systemSeconds: 1.71, usageSeconds: 3.2 });
  assert.equal(v1.parseCpuacct({}), undefined);
});

test('v1 blkio: Read/Write per device summed, other ops and the Total line ignored', () => {
  const b = v1.parseBlkio(V1_BLKIO, V1_SERVICED)!;
  assert.deepEqual(b, {
    readBytes: 4096, writeBytes: 5242880, readOps: 1, writeOps: 40,
    devices: [{ major: 254, minor: 0, readBytes: 4096, writeBytes: 5242880, readOps: 1, writeOps: 40 }],
  });
  assert.deepEqual(v1.parseBlkio(V1_BLKIO_EMPTY, V1_BLKIO_EMPTY), { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0, devices: [] });
  assert.equal(v1.parseBlkio(undefined, undefined), undefined);
});

test('v2 cpu.stat: core accounting only on a hybrid host, throttling with the cpu controller', () => {
  assert.deepEqual(v2.parseCpuStat(V2_CPU_STAT_HYBRID), { userSeconds: 0.168298, systemSeconds: 0.073867, usageSeconds: 0.242165 });
  const full = v2.parseCpuStat(V2_CPU_STAT_HYBRID + 'nr_periods 120\nnr_throttled 7\nthrottled_usec 350000\n')!;
  assert.equal(full.throttledSeconds, 0.35);
  assert.equal(full.throttledPeriods, 7);
  assert.equal(v2.parseCpuStat(''), undefined);
});

test('v2 memory: memory.current/max, anon and file, inactive_file, oom_kill from memory.events', () => {
  const stat = 'anon 31457280\nfile 20971520\nkernel 1048576\nshmem 0\ninactive_anon 0\nactive_anon 31457280\ninactive_file 10485760\nactive_file 10485760\n';
  const m = v2.parseMemory({ current: '53477376\n', max: 'max\n', stat, events: 'low 0\nhigh 0\nmax 0\noom 0\noom_kill 2\noom_group_kill 0\n' })!;
  assert.equal(m.usageBytes, 53477376);
  assert.equal(m.limitBytes, undefined);
  assert.equal(m.rssBytes, 31457280);
  assert.equal(m.cacheBytes, 20971520);
  assert.equal(m.inactiveFileBytes, 10485760);
  assert.equal(m.oomKills, 2);
  assert.equal(v2.parseMemory({ current: '1', max: '104857600\n' })!.limitBytes, 104857600);
});

test('v2 io.stat: per device, empty before any I/O', () => {
  const b = v2.parseIoStat('8:16 rbytes=1459200 wbytes=314773504 rios=192 wios=353 dbytes=0 dios=0\n254:0 rbytes=4096 wbytes=0 rios=1 wios=0 dbytes=0 dios=0\n')!;
  assert.equal(b.readBytes, 1463296);
  assert.equal(b.writeBytes, 314773504);
  assert.equal(b.readOps, 193);
  assert.equal(b.writeOps, 353);
  assert.equal(b.devices.length, 2);
  assert.deepEqual(v2.parseIoStat(''), { readBytes: 0, writeBytes: 0, readOps: 0, writeOps: 0, devices: [] });
});

test('shared helpers: single values, max, flat keyed files, cgroup paths', () => {
  assert.equal(parseSingle('42\n'), 42);
  assert.equal(parseSingle('garbage'), undefined);
  assert.equal(parseLimit('max\n'), undefined);
  assert.equal(parseLimit('2048\n'), 2048);
  assert.deepEqual(parseFlatKeyed('a 1\nb 2\n\nbad\n'), { a: 1, b: 2 });
  // Whole keys only: `cache` is not found inside `total_cache`, first and last lines work.
  assert.deepEqual(pickKeyed('cache 1\ntotal_cache 2\nrss 3', ['cache', 'total_cache', 'rss', 'swap']), { cache: 1, total_cache: 2, rss: 3 });
  assert.deepEqual(pickKeyed('total_cache 2\n', ['cache']), {});
  assert.deepEqual(pickKeyed(V1_MEMORY_STAT, ['total_inactive_file']), { total_inactive_file: 20971520 });
  assert.equal(checkCgroupPath('/forgeone/abc/'), '/forgeone/abc');
  assert.throws(() => checkCgroupPath('forgeone/abc'), { code: 'Internal' });
  assert.throws(() => checkCgroupPath('/forgeone/../etc'), { code: 'Internal' });
});
