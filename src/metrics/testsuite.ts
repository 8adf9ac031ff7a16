/**
 * The conformance suite every CgroupReader passes (STYLE.md 2): `runCgroupReaderSuite('v1',
 * factory)`. The factory writes a cgroup's files in its own format from one description of the
 * truth (FixtureCgroup), so every implementation is held to the same expected ResourceStats.
 * Each case gets its own temp dir. Real cgroupfs behaviour (ENODEV after rmdir, seq_file
 * re-reads) is covered by the integration tests, which need root.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { ResourceStats } from '../config/container-stats';
import type { CgroupReader } from './types';

export interface FixtureCgroup {
  cpu: { userNs: number; systemNs: number; periods: number; throttledPeriods: number; throttledNs: number };
  /** Absent: the memory controller is not there. `limit` undefined: unlimited. */
  memory?: { usage: number; limit?: number; rss: number; cache: number; inactiveFile: number; oomKills: number };
  blkio?: Array<{ major: number; minor: number; readBytes: number; writeBytes: number; readOps: number; writeOps: number }>;
  pids?: { current: number; limit?: number };
}

export interface ReaderHarness {
  reader: CgroupReader;
  /** Writes (or rewrites in place) the files of a cgroup. */
  write(cgroupPath: string, truth: FixtureCgroup): Promise<void>;
}

export type ReaderFactory = (dir: string, options: { sliceMs?: number }) => Promise<ReaderHarness>;

export const SAMPLE: FixtureCgroup = {
  cpu: { userNs: 1_500_000_000, systemNs: 250_000_000, periods: 40, throttledPeriods: 3, throttledNs: 120_000_000 },
  memory: { usage: 52_428_800, limit: 104_857_600, rss: 31_457_280, cache: 20_971_520, inactiveFile: 10_485_760, oomKills: 1 },
  blkio: [
    { major: 254, minor: 0, readBytes: 4096, writeBytes: 20_971_520, readOps: 1, writeOps: 160 },
    { major: 8, minor: 16, readBytes: 1000, writeBytes: 0, readOps: 2, writeOps: 0 },
  ],
  pids: { current: 3, limit: 2048 },
};

/** What every reader must report for a FixtureCgroup. */
export function expectedStats(t: FixtureCgroup): ResourceStats {
  const sum = (k: 'readBytes' | 'writeBytes' | 'readOps' | 'writeOps') => (t.blkio ?? []).reduce((n, d) => n + d[k], 0);
  return {
    cpu: {
      userSeconds: t.cpu.userNs / 1e9,
      systemSeconds: t.cpu.systemNs / 1e9,
      usageSeconds: (t.cpu.userNs + t.cpu.systemNs) / 1e9,
      periods: t.cpu.periods,
      throttledPeriods: t.cpu.throttledPeriods,
      throttledSeconds: t.cpu.throttledNs / 1e9,
    },
    ...(t.memory
      ? {
          memory: {
            usageBytes: t.memory.usage,
            ...(t.memory.limit !== undefined ? { limitBytes: t.memory.limit } : {}),
            rssBytes: t.memory.rss,
            cacheBytes: t.memory.cache,
            inactiveFileBytes: t.memory.inactiveFile,
            oomKills: t.memory.oomKills,
          },
        }
      : {}),
    ...(t.blkio
      ? { blkio: { readBytes: sum('readBytes'), writeBytes: sum('writeBytes'), readOps: sum('readOps'), writeOps: sum('writeOps'), devices: t.blkio.map((d) => ({ ...d })) } }
      : {}),
    ...(t.pids ? { pids: { current: t.pids.current, ...(t.pids.limit !== undefined ? { limit: t.pids.limit } : {}) } } : {}),
  };
}

/** Compares without the raw memory.stat map (its keys differ by version by design). */
function withoutRawStat(s: ResourceStats | undefined): ResourceStats | undefined {
  if (!s?.memory) return s;
  const { stat: _stat, ...memory } = s.memory;
  return { ...s, memory };
}

export function runCgroupReaderSuite(name: string, factory: ReaderFactory): void {
  const withHarness = (title: string, body: (h: ReaderHarness) => Promise<void>, options: { sliceMs?: number } = {}) =>
    it(title, async () => {
      const dir = await mkdtemp(path.join(tmpdir(), 'forgeone-cgroups-'));
      const h = await factory(dir, options);
      try {
        await body(h);
      } finally {
        h.reader.close();
        await rm(dir, { recursive: true, force: true });
      }
    });

  describe(`CgroupReader conformance: ${name}`, () => {
    withHarness('reads cpu, memory, block I/O and pids of a cgroup', async (h) => {
      await h.write('/forgeone/a', SAMPLE);
      const got = await h.reader.readMany(['/forgeone/a']);
      assert.deepEqual(got.get('/forgeone/a'), expectedStats(SAMPLE));
      const detailed = await h.reader.readMany(['/forgeone/a'], { detail: true });
      assert.deepEqual(withoutRawStat(detailed.get('/forgeone/a')), expectedStats(SAMPLE));
      assert.ok(Object.keys(detailed.get('/forgeone/a')?.memory?.stat ?? {}).length >= 3, 'with detail, the raw memory.stat counters are passed through');
    });

    withHarness('a cgroup that does not exist is absent from the result', async (h) => {
      await h.write('/forgeone/a', SAMPLE);
      const got = await h.reader.readMany(['/forgeone/a', '/forgeone/gone'], { all: true });
      assert.deepEqual([...got.keys()], ['/forgeone/a']);
    });

    withHarness('unlimited memory and pids have no limit; missing controllers leave their group out', async (h) => {
      const truth: FixtureCgroup = { cpu: SAMPLE.cpu, memory: { ...SAMPLE.memory!, limit: undefined }, pids: { current: 1 } };
      await h.write('/forgeone/u', truth);
      const got = (await h.reader.readMany(['/forgeone/u'])).get('/forgeone/u');
      assert.equal(got?.memory?.limitBytes, undefined);
      assert.equal(got?.pids?.limit, undefined);
      assert.equal(got?.blkio, undefined, 'no blkio files: no blkio group');
      await h.write('/forgeone/bare', { cpu: SAMPLE.cpu });
      const bare = (await h.reader.readMany(['/forgeone/bare'])).get('/forgeone/bare');
      assert.deepEqual(Object.keys(bare ?? {}), ['cpu']);
    });

    withHarness('files kept open between scrapes are read afresh each time', async (h) => {
      await h.write('/forgeone/a', SAMPLE);
      await h.reader.readMany(['/forgeone/a'], { all: true });
      const later: FixtureCgroup = { ...SAMPLE, cpu: { ...SAMPLE.cpu, userNs: SAMPLE.cpu.userNs * 2 }, pids: { current: 7, limit: 2048 } };
      await h.write('/forgeone/a', later);
      const got = (await h.reader.readMany(['/forgeone/a'], { all: true })).get('/forgeone/a');
      assert.equal(got?.cpu?.userSeconds, 3);
      assert.equal(got?.pids?.current, 7);
    });

    withHarness(
      'reads many cgroups in slices, letting the event loop run in between',
      async (h) => {
        const paths = Array.from({ length: 120 }, (_, i) => `/forgeone/c${i}`);
        for (const p of paths) await h.write(p, SAMPLE);
        let turns = 0;
        const tick = setInterval(() => turns++, 0);
        const got = await h.reader.readMany(paths, { all: true });
        clearInterval(tick);
        assert.equal(got.size, 120);
        assert.ok(turns > 0, 'timers ran while reading');
      },
      { sliceMs: 0 },
    );
  });
}
