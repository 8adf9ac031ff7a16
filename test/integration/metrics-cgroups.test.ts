/**
 * Both cgroup readers on the real cgroupfs of this host (root): a busy child process is put in
 * test cgroups of every v1 controller and of the cgroup2 hierarchy, then read.
 * What this covers on the test hosts (hybrid: v1 controllers, cgroup2 at /sys/fs/cgroup/unified
 * with no controllers): v1 cpu, memory, blkio and pids for real; v2 `cpu.stat` (core accounting,
 * present in every cgroup2 directory) for real, and the absence of the v2 memory, io and pids
 * files handled as "not measured". A unified host would read all of v2 here.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs';
import { cgroupMounts, chooseReader, detectCgroupReader } from '../../src/metrics/detect';
import { CgroupV1Reader, type V1Mounts } from '../../src/metrics/cgroup-v1/reader';
import { CgroupV2Reader } from '../../src/metrics/cgroup-v2/reader';

const mounts = cgroupMounts(readFileSync('/proc/self/mountinfo', 'utf8'));
const choice = chooseReader(mounts);
const v1Mounts: V1Mounts = choice?.version === 'v1' ? choice.mounts : {};
const v2Root = mounts.find((m) => m.fsType === 'cgroup2')?.mountPoint;
const CG = `/forgeone-metrics-test-${process.pid}`;
const skip = process.getuid?.() !== 0 ? 'needs root' : false;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Directories of the test cgroup, one per hierarchy. */
function dirs(): string[] {
  const v1 = [...new Set(Object.values(v1Mounts))].map((m) => `${m}${CG}`);
  return v2Root ? [...v1, `${v2Root}${CG}`] : v1;
}

function enter(pid: number): void {
  for (const d of dirs()) {
    mkdirSync(d, { recursive: true });
    writeFileSync(`${d}/cgroup.procs`, `${pid}\n`);
  }
}

/** Moves the process back to each hierarchy's root and removes the test cgroups. */
function leave(pid: number | undefined): void {
  for (const d of dirs()) {
    if (!existsSync(d)) continue;
    if (pid !== undefined) {
      try {
        writeFileSync(`${d.slice(0, -CG.length)}/cgroup.procs`, `${pid}\n`);
      } catch {
        /* exited already */
      }
    }
    rmdirSync(d);
  }
}

describe('cgroup readers on this host', { skip }, () => {
  let child: ChildProcess;

  before(() => {
    // Memory charges stay where they were made: the child allocates once it is in the cgroups.
    child = spawn('sh', ['-c', 'sleep 0.3; x=$(head -c 1000000 /dev/zero | tr "\\0" a); while :; do :; done'], { stdio: 'ignore' });
    enter(child.pid!);
    if (v1Mounts.memory) writeFileSync(`${v1Mounts.memory}${CG}/memory.limit_in_bytes`, `${64 * 1024 * 1024}\n`);
    if (v1Mounts.pids) writeFileSync(`${v1Mounts.pids}${CG}/pids.max`, '10\n');
  });
  after(async () => {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGKILL');
    await exited;
    leave(undefined);
  });

  it('detects the reader that matches the host layout', async () => {
    const reader = await detectCgroupReader();
    const unified = mounts.some((m) => m.fsType === 'cgroup2' && m.mountPoint === '/sys/fs/cgroup');
    assert.equal(reader?.version, unified ? 'v2' : 'v1');
    reader?.close();
  });

  it('v1: CPU grows, memory is charged, limits are those set, one task', { skip: choice?.version !== 'v1' && 'not a v1 host' }, async () => {
    const reader = new CgroupV1Reader(v1Mounts);
    await sleep(500);
    const a = (await reader.readMany([CG])).get(CG)!;
    await sleep(500);
    const b = (await reader.readMany([CG])).get(CG)!;
    assert.ok(b.cpu!.userSeconds - a.cpu!.userSeconds > 0.1, `user CPU ${a.cpu!.userSeconds} → ${b.cpu!.userSeconds}`);
    assert.ok(b.memory!.usageBytes! > 0);
    assert.equal(b.memory!.limitBytes, 64 * 1024 * 1024);
    assert.deepEqual(b.pids, { current: 1, limit: 10 }, 'the shell; its pipeline has exited');
    assert.ok(b.blkio, 'blkio files are read (zero here: nothing is written to disk)');
    reader.close();
  });

  it('v2: cpu.stat is real and agrees with v1; controllers not on cgroup2 are reported as not measured', { skip: !v2Root && 'no cgroup2 mount' }, async () => {
    const reader = new CgroupV2Reader(v2Root!);
    const v1 = choice?.version === 'v1' ? new CgroupV1Reader(v1Mounts) : undefined;
    const both = async () => {
      const started = performance.now();
      const v2 = (await reader.readMany([CG])).get(CG)!.cpu!;
      const v1Cpu = v1 ? (await v1.readMany([CG])).get(CG)!.cpu! : undefined;
      // The busy process (one thread) gains at most this much CPU between the two readings.
      return { v2, v1: v1Cpu, spanSeconds: (performance.now() - started) / 1000 };
    };
    const a = await both();
    await sleep(400);
    const b = await both();
    const grew = b.v2.usageSeconds - a.v2.usageSeconds;
    assert.ok(grew > 0.1 && b.v2.userSeconds > 0, `v2 usage grew by ${grew}s`);
    // The same process accounted by both hierarchies (it joined them a few ms apart, so compare
    // growth, not totals).
    if (a.v1 && b.v1) {
      const grewV1 = b.v1.usageSeconds - a.v1.usageSeconds;
      const slack = 0.03 + a.spanSeconds + b.spanSeconds;
      assert.ok(Math.abs(grew - grewV1) < slack, `v2 grew ${grew}s, v1 ${grewV1}s (readings up to ${slack.toFixed(3)}s apart)`);
    }
    const got = (await reader.readMany([CG])).get(CG)!;
    const enabled = readFileSync(`${v2Root}${CG}/cgroup.controllers`, 'utf8').split(/\s+/).filter(Boolean);
    assert.equal(got.memory !== undefined, enabled.includes('memory'), 'memory measured iff cgroup2 holds it');
    assert.equal(got.blkio !== undefined, enabled.includes('io'), 'io measured iff cgroup2 holds it');
    assert.equal(got.pids !== undefined, enabled.includes('pids'), 'pids measured iff cgroup2 holds it');
    reader.close();
    v1?.close();
  });

  it('a cgroup removed and made again is read afresh (held files give ENODEV and are reopened)', async () => {
    const readers = [
      ...(choice?.version === 'v1' ? [new CgroupV1Reader(v1Mounts)] : []),
      ...(v2Root ? [new CgroupV2Reader(v2Root)] : []),
    ];
    await sleep(300);
    const busy = await Promise.all(readers.map(async (r) => (await r.readMany([CG], { all: true })).get(CG)!.cpu!.usageSeconds));
    leave(child.pid);
    enter(child.pid!);
    if (v1Mounts.pids) writeFileSync(`${v1Mounts.pids}${CG}/pids.max`, '10\n');
    for (const [i, r] of readers.entries()) {
      const fresh = (await r.readMany([CG], { all: true })).get(CG);
      assert.ok(fresh, `${r.version}: the new cgroup is read`);
      assert.ok(fresh.cpu!.usageSeconds < busy[i]!, `${r.version}: CPU time of the new cgroup (${fresh.cpu!.usageSeconds}) < the old one's (${busy[i]})`);
      r.close();
    }
  });
});
