// The v2 reader passes the CgroupReader conformance suite on files laid out as one cgroup2
// hierarchy (formats of Documentation/admin-guide/cgroup-v2.rst).
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CgroupV2Reader } from '../../../src/metrics/cgroup-v2/reader';
import { runCgroupReaderSuite, type FixtureCgroup, type ReaderFactory } from '../../../src/metrics/testsuite';

const v2: ReaderFactory = async (dir, options) => {
  const put = async (cgroup: string, name: string, text: string) => {
    await mkdir(path.join(dir, cgroup), { recursive: true });
    await writeFile(path.join(dir, cgroup, name), text);
  };
  return {
    reader: new CgroupV2Reader(dir, options),
    async write(cgroup: string, t: FixtureCgroup) {
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
    },
  };
};

runCgroupReaderSuite('v2', v2);
