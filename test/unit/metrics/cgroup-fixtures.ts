/**
 * Cgroup files for the CgroupReader conformance suite, written from one FixtureCgroup in each
 * version's format: v1 as one directory per controller (as mounted on the test hosts), v2 as one
 * hierarchy (formats of Documentation/admin-guide/cgroup-v2.rst).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { FixtureCgroup } from '../../../src/metrics/testsuite';
import type { V1Mounts } from '../../../src/metrics/cgroup-v1/reader';

const UNLIMITED = '9223372036854771712';
export const V1_CONTROLLERS = ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'] as const;

export function v1Mounts(dir: string): V1Mounts {
  return Object.fromEntries(V1_CONTROLLERS.map((c) => [c, path.join(dir, c)]));
}

export function v1Writer(dir: string): (cgroup: string, t: FixtureCgroup) => Promise<void> {
  const put = async (controller: string, cgroup: string, name: string, text: string) => {
    await mkdir(path.join(dir, controller, cgroup), { recursive: true });
    await writeFile(path.join(dir, controller, cgroup, name), text);
  };
  return async (cgroup: string, t: FixtureCgroup) => {
    // Two CPUs; the suite's totals are split across them.
    const half = (n: number) => [Math.floor(n / 2), n - Math.floor(n / 2)];
    const [u0, u1] = half(t.cpu.userNs);
    const [s0, s1] = half(t.cpu.systemNs);
    await put('cpuacct', cgroup, 'cpuacct.usage_all', `cpu user system\n0 ${u0} ${s0}\n1 ${u1} ${s1}\n`);
    await put('cpu', cgroup, 'cpu.stat', `nr_periods ${t.cpu.periods}\nnr_throttled ${t.cpu.throttledPeriods}\nthrottled_time ${t.cpu.throttledNs}\nnr_bursts 0\nburst_time 0\n`);
    if (t.memory) {
      const m = t.memory;
      await put('memory', cgroup, 'memory.usage_in_bytes', `${m.usage}\n`);
      await put('memory', cgroup, 'memory.stat', `cache 0\nrss 0\ninactive_file 0\nhierarchical_memory_limit ${m.limit ?? UNLIMITED}\ntotal_cache ${m.cache}\ntotal_rss ${m.rss}\ntotal_inactive_file ${m.inactiveFile}\n`);
      await put('memory', cgroup, 'memory.oom_control', `oom_kill_disable 0\nunder_oom 0\noom_kill ${m.oomKills}\n`);
    }
    if (t.blkio) {
      const lines = (k: 'Bytes' | 'Ops') =>
        t.blkio!.map((d) => {
          const [r, w] = k === 'Bytes' ? [d.readBytes, d.writeBytes] : [d.readOps, d.writeOps];
          return `${d.major}:${d.minor} Read ${r}\n${d.major}:${d.minor} Write ${w}\n${d.major}:${d.minor} Sync ${w}\n${d.major}:${d.minor} Async ${r}\n${d.major}:${d.minor} Discard 0\n${d.major}:${d.minor} Total ${r + w}\n`;
        }).join('') + 'Total 1\n';
      await put('blkio', cgroup, 'blkio.throttle.io_service_bytes_recursive', lines('Bytes'));
      await put('blkio', cgroup, 'blkio.throttle.io_serviced_recursive', lines('Ops'));
    }
    if (t.pids) {
      await put('pids', cgroup, 'pids.current', `${t.pids.current}\n`);
      await put('pids', cgroup, 'pids.max', `${t.pids.limit ?? 'max'}\n`);
    }
  };
}

export function v2Writer(dir: string): (cgroup: string, t: FixtureCgroup) => Promise<void> {
  const put = async (cgroup: string, name: string, text: string) => {
    await mkdir(path.join(dir, cgroup), { recursive: true });
    await writeFile(path.join(dir, cgroup, name), text);
  };
  return async (cgroup: string, t: FixtureCgroup) => {
    const us = (ns: number) => Math.round(ns / 1000);
    const c = t.cpu;
    await put(cgroup, 'cpu.stat', `usage_usec ${us(c.userNs + c.systemNs)}\nuser_usec ${us(c.userNs)}\nsystem_usec ${us(c.systemNs)}\nnice_usec 0\nnr_periods ${c.periods}\nnr_throttled ${c.throttledPeriods}\nthrottled_usec ${us(c.throttledNs)}\nnr_bursts 0\nburst_usec 0\n`);
    if (t.memory) {
      const m = t.memory;
      await put(cgroup, 'memory.current', `${m.usage}\n`);
      await put(cgroup, 'memory.max', `${m.limit ?? 'max'}\n`);
      await put(cgroup, 'memory.stat', `anon ${m.rss}\nfile ${m.cache}\nkernel 0\nshmem 0\ninactive_anon 0\nactive_anon ${m.rss}\ninactive_file ${m.inactiveFile}\nactive_file ${m.cache - m.inactiveFile}\n`);
      await put(cgroup, 'memory.events', `low 0\nhigh 0\nmax 2\noom 1\noom_kill ${m.oomKills}\noom_group_kill 0\n`);
    }
    if (t.blkio) {
      await put(cgroup, 'io.stat', t.blkio.map((d) => `${d.major}:${d.minor} rbytes=${d.readBytes} wbytes=${d.writeBytes} rios=${d.readOps} wios=${d.writeOps} dbytes=0 dios=0\n`).join(''));
    }
    if (t.pids) {
      await put(cgroup, 'pids.current', `${t.pids.current}\n`);
      await put(cgroup, 'pids.max', `${t.pids.limit ?? 'max'}\n`);
    }
  };
}
