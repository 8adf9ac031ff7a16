// ResourceStats → Docker's stats document, /proc/stat parsing, and the CLI's docker-stats math.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { toDockerStats, type StatsReading } from '../../../src/metrics/docker-stats';
import { parseProcStat } from '../../../src/metrics/host-cpu';
import { binarySize, cpuPercent, decimalSize, memoryUsage, statsRow } from '../../../src/cli/render/stats';
import { SAMPLE, expectedStats } from '../../../src/metrics/testsuite';

// The test host's /proc/stat, trimmed (2 CPUs).
const PROC_STAT = 'cpu  201479 0 49897 643473 6638 0 763 469 0 0\ncpu0 90920 0 23437 334977 1547 0 156 216 0 0\ncpu1 110558 0 26459 308496 5091 0 607 253 0 0\nintr 1\n';

test('/proc/stat: host CPU time in ns (user..steal) and online CPUs', () => {
  const h = parseProcStat(PROC_STAT);
  assert.equal(h.onlineCpus, 2);
  assert.equal(h.systemCpuNs, (201479 + 49897 + 643473 + 6638 + 763 + 469) * 1e7);
});

const host = { systemCpuNs: 1_000_000_000_000, onlineCpus: 2 };
const before: StatsReading = { read: new Date('2026-01-01T00:00:00Z'), stats: expectedStats(SAMPLE), host };
const later = expectedStats({ ...SAMPLE, cpu: { ...SAMPLE.cpu, userNs: SAMPLE.cpu.userNs + 1_000_000_000 } });
const after: StatsReading = { read: new Date('2026-01-01T00:00:01Z'), stats: later, host: { ...host, systemCpuNs: host.systemCpuNs + 2_000_000_000 } };

test('toDockerStats: Docker field names and units, precpu from the previous reading', () => {
  const d = toDockerStats({ id: 'c'.repeat(64), name: 'web' }, after, before, { hostMemoryBytes: 8 << 30 });
  assert.equal(d.name, '/web');
  assert.equal(d.read, '2026-01-01T00:00:01.000Z');
  assert.equal(d.preread, '2026-01-01T00:00:00.000Z');
  assert.equal(d.cpu_stats.cpu_usage.total_usage, 2_750_000_000);
  assert.equal(d.cpu_stats.cpu_usage.usage_in_usermode, 2_500_000_000);
  assert.equal(d.precpu_stats.cpu_usage.total_usage, 1_750_000_000);
  assert.deepEqual(d.cpu_stats.throttling_data, { periods: 40, throttled_periods: 3, throttled_time: 120_000_000 });
  assert.equal(d.memory_stats.usage, SAMPLE.memory!.usage);
  assert.equal(d.memory_stats.limit, SAMPLE.memory!.limit);
  assert.deepEqual(d.pids_stats, { current: 3, limit: 2048 });
  assert.deepEqual(d.blkio_stats.io_service_bytes_recursive?.slice(0, 2), [
    { major: 254, minor: 0, op: 'read', value: 4096 },
    { major: 254, minor: 0, op: 'write', value: 20_971_520 },
  ]);
  // 1 s of CPU over 2 s of host CPU time on 2 CPUs: one CPU busy.
  assert.equal(cpuPercent(d), 100);
});

test('toDockerStats: unlimited memory reports the host memory; no task is all zeros', () => {
  const unlimited = { ...after, stats: { ...after.stats!, memory: { ...after.stats!.memory!, limitBytes: undefined } } };
  assert.equal(toDockerStats({ id: 'x', name: 'x' }, unlimited, undefined, { hostMemoryBytes: 123 }).memory_stats.limit, 123);
  const none = toDockerStats({ id: 'x', name: 'x' }, { read: new Date(0), stats: undefined, host }, undefined, { hostMemoryBytes: 123 });
  assert.deepEqual(none.memory_stats, {});
  assert.equal(none.preread, '0001-01-01T00:00:00Z');
  assert.equal(none.blkio_stats.io_service_bytes_recursive, null);
  assert.equal(cpuPercent(none), 0);
});

test('CLI math: CPU % needs a previous reading; memory without inactive cache; docker size units', () => {
  const first = toDockerStats({ id: 'x', name: 'x' }, after, undefined, { hostMemoryBytes: 1 });
  assert.equal(cpuPercent(first), 0);
  assert.equal(memoryUsage({ usage: 22_360_064, stats: { total_inactive_file: 20_971_520 } }), 1_388_544);
  assert.equal(memoryUsage({ usage: 1000, stats: { inactive_file: 400 } }), 600);
  assert.equal(memoryUsage({ usage: 1000 }), 1000);
  assert.equal(binarySize(1_613_824), '1.539MiB');
  assert.equal(binarySize(25_276_502_016), '23.54GiB');
  assert.equal(binarySize(0), '0B');
  assert.equal(decimalSize(22_900), '22.9kB');
  assert.equal(decimalSize(20_971_520), '21MB');
});

test('statsRow: docker stats columns (no raw memory.stat here, so nothing to subtract from usage)', () => {
  const row = statsRow(toDockerStats({ id: 'c'.repeat(64), name: 'web' }, after, before, { hostMemoryBytes: 1 }));
  assert.deepEqual(row, {
    Container: 'cccccccccccc', ID: 'cccccccccccc', Name: 'web', CPUPerc: '100.00%', MemUsage: '50MiB / 100MiB', MemPerc: '50.00%',
    NetIO: '0B / 0B', BlockIO: '5.1kB / 21MB', PIDs: '3',
  });
});
