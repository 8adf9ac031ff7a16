// The v1 reader passes the CgroupReader conformance suite on files laid out as v1 controllers
// (one directory per controller, as mounted on the test hosts).
import { mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import { CgroupV1Reader } from '../../../src/metrics/cgroup-v1/reader';
import { runCgroupReaderSuite, type FixtureCgroup, type ReaderFactory } from '../../../src/metrics/testsuite';

const UNLIMITED = '9223372036854771712';

const v1: ReaderFactory = async (dir, options) => {
  const controllers = ['cpu', 'cpuacct', 'memory', 'blkio', 'pids'] as const;
  const mounts = Object.fromEntries(controllers.map((c) => [c, path.join(dir, c)]));
  const put = async (controller: string, cgroup: string, name: string, text: string) => {
    await mkdir(path.join(dir, controller, cgroup), { recursive: true });
    await writeFile(path.join(dir, controller, cgroup, name), text);
  };
  return {
    reader: new CgroupV1Reader(mounts, options),
    async write(cgroup: string, t: FixtureCgroup) {
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
    },
  };
};

runCgroupReaderSuite('v1', v1);
