/**
 * The spec buildRuntimeSpec writes runs for real under crun (and runc) and its defaults hold
 * inside the container: Docker's 14 capabilities, no_new_privileges, a seccomp filter that
 * refuses mount and unshare with EPERM, masked and read-only /proc paths, the pids and memory
 * limits in the container's cgroup, NOFILE within the daemon's hard limit, a read-only rootfs
 * and --init as PID 1. Uses a bundle in a temp dir and the runtime directly (no conmon).
 */
import assert from 'node:assert/strict';
import { execFile, execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmdirSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseContainerConfig } from '../../src/config/container-config';
import { buildRuntimeSpec } from '../../src/runtime/spec/build-spec';
import { capabilityMask, DEFAULT_CAPABILITIES } from '../../src/security/capabilities';
import { DEFAULT_NOFILE, readHostLimits } from '../../src/security/rlimits';
import { buildBusyboxImage } from '../fixtures/images';
import { TempDirs } from '../fixtures/tmp';

const isRoot = process.getuid?.() === 0;
const INIT = '/usr/bin/catatonit';
const which = (bin: string): string | undefined => ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/local/sbin'].map((d) => join(d, bin)).find((p) => existsSync(p));

/**
 * crun 1.8 refuses hybrid cgroup hosts while cgroup2 still holds a controller (HOST-NOTES 2).
 * Detecting and fixing that is the native engine's job; here the crun case is skipped instead.
 */
function crunSkipReason(): string | false {
  if (!which('crun')) return 'crun is not installed';
  try {
    const controllers = readFileSync('/sys/fs/cgroup/unified/cgroup.controllers', 'utf8').trim();
    if (controllers !== '') {
      return `hybrid cgroups with controllers "${controllers}" on cgroup2: crun refuses (HOST-NOTES 2; ` +
        'mount -t cgroup -o hugetlb cgroup /sys/fs/cgroup/hugetlb)';
    }
  } catch {
    // No hybrid cgroup2 mount: pure v1 or pure v2, both fine for crun.
  }
  return false;
}

/** Each line prints key=value so the test can parse the output whatever the noise around it. */
const SCRIPT = [
  'echo uid=$(id -u)',
  'echo capeff=$(grep CapEff /proc/self/status | cut -f2)',
  'echo nnp=$(grep NoNewPrivs /proc/self/status | cut -f2)',
  'echo seccomp=$(grep "^Seccomp:" /proc/self/status | cut -f2)',
  'echo keys_bytes=$(cat /proc/keys 2>/dev/null | wc -c)',
  'echo timer_list_bytes=$(cat /proc/timer_list 2>/dev/null | wc -c)',
  'echo firmware_entries=$(ls /sys/firmware 2>/dev/null | wc -l)',
  '(echo x > /proc/sys/kernel/domainname) 2>/dev/null; echo procsys_write=$?',
  'echo mount=$(mount -t tmpfs none /mnt 2>&1)',
  'echo unshare=$(unshare -n true 2>&1)',
  'echo pids_max=$(cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max)',
  'echo mem_limit=$(cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max)',
  'echo nofile=$(ulimit -Hn)',
  'touch /rootfs-write 2>/dev/null; echo rootfs_write=$?',
  'touch /tmp/x 2>/dev/null; echo tmpfs_write=$?',
  'echo pid1=$(tr "\\0" " " < /proc/1/cmdline)',
  'echo hostname=$(hostname)',
  'echo devices=$(ls /dev | tr "\\n" " ")',
  // A fork bomb in miniature: 60 sleepers against a limit of 50. busybox sh exits 2 when a
  // fork fails, hence the subshell; afterwards no fork is left, so only builtins read the count.
  '(i=0; while [ $i -lt 60 ]; do sleep 30 & i=$((i+1)); done) 2>/dev/null; echo fork_bomb_exit=$?',
  'P=/sys/fs/cgroup/pids/pids.current; [ -e $P ] || P=/sys/fs/cgroup/pids.current; read cur < $P; echo pids_current=$cur',
].join('\n');

const PIDS_LIMIT = 50;
const CGROUP_PARENT = '/forgeone-test';

/** The runtimes remove a container's cgroup but not its parent: remove ours where it is empty. */
function removeParentCgroups(): void {
  const root = '/sys/fs/cgroup';
  const dirs = [root, ...readdirSync(root).map((c) => join(root, c))];
  for (const d of dirs) {
    try {
      rmdirSync(join(d, CGROUP_PARENT));
    } catch {
      // Absent, or still in use by a concurrent run: either way not ours to force.
    }
  }
}
const MEMORY = 64 * 1024 * 1024;

describe('generated spec under a real OCI runtime', { skip: !isRoot && 'needs root' }, () => {
  const tmp = new TempDirs();
  let rootfs = '';
  let dir = '';

  before(async () => {
    dir = await tmp.make('forgeone-spec-');
    const image = await buildBusyboxImage(join(dir, 'layout'));
    rootfs = join(dir, 'rootfs');
    await mkdir(rootfs);
    const layer = join(dir, 'layout', 'blobs', 'sha256', image.layerDigests[0]!.slice('sha256:'.length));
    execFileSync('tar', ['xzf', layer, '-C', rootfs]);
    await mkdir(join(rootfs, 'tmp'), { recursive: true });
  });
  after(async () => {
    removeParentCgroups();
    await tmp.cleanup();
  });

  for (const runtime of ['crun', 'runc'] as const) {
    const skip = runtime === 'crun' ? crunSkipReason() : !which('runc') && 'runc is not installed';
    it(`runs under ${runtime} with the secure defaults in force`, { skip, timeout: 60_000 }, async () => {
      const id = `forgeone-spec-${runtime}-${randomBytes(4).toString('hex')}`;
      const bundle = join(dir, id);
      await mkdir(bundle);
      const files = { hosts: join(bundle, 'hosts'), hostname: join(bundle, 'hostname'), resolvConf: join(bundle, 'resolv.conf') };
      await writeFile(files.hosts, '127.0.0.1\tlocalhost\n');
      await writeFile(files.hostname, 'spec-test\n');
      await writeFile(files.resolvConf, 'nameserver 127.0.0.1\n');
      const host = readHostLimits();
      const spec = buildRuntimeSpec({
        id,
        config: parseContainerConfig({
          image: 'busybox',
          cmd: ['sh', '-c', SCRIPT],
          hostname: 'spec-test',
          readOnlyRootfs: true,
          init: existsSync(INIT),
          mounts: [{ type: 'tmpfs', target: '/tmp' }],
          resources: { memory: MEMORY, pidsLimit: PIDS_LIMIT },
        }),
        image: { architecture: 'amd64', os: 'linux', config: { Cmd: ['sh'] }, rootfs: { type: 'layers', diff_ids: [] } },
        rootfs,
        hostsFiles: files,
        limits: host,
        initPath: existsSync(INIT) ? INIT : undefined,
        cgroupParent: CGROUP_PARENT,
      });
      await writeFile(join(bundle, 'config.json'), JSON.stringify(spec, null, 2));

      let stdout = '';
      try {
        stdout = await new Promise<string>((resolve, reject) => {
          const child = execFile(runtime, ['run', '--bundle', bundle, id], { timeout: 45_000 }, (err, out, errOut) => {
            if (err) reject(new Error(`${runtime} run failed (exit ${String(err.code)}): ${errOut}\n${out}`));
            else resolve(out);
          });
          child.stdin?.end();
        });
      } finally {
        await new Promise((r) => execFile(runtime, ['delete', '-f', id], () => r(undefined)));
      }

      const got = Object.fromEntries(stdout.split('\n').filter((l) => /^[a-z_0-9]+=/.test(l)).map((l) => [l.slice(0, l.indexOf('=')), l.slice(l.indexOf('=') + 1).trim()]));
      assert.equal(got.uid, '0');
      assert.equal(got.capeff, capabilityMask(DEFAULT_CAPABILITIES));
      assert.equal(got.capeff, '00000000a80425fb');
      assert.equal(got.nnp, '1');
      assert.equal(got.seccomp, '2');
      assert.equal(got.keys_bytes, '0', 'masked /proc/keys reads as empty');
      assert.equal(got.timer_list_bytes, '0', 'masked /proc/timer_list reads as empty');
      assert.equal(got.firmware_entries, '0', 'masked /sys/firmware is empty');
      assert.notEqual(got.procsys_write, '0', '/proc/sys is read-only');
      assert.match(got.mount ?? '', /permission denied/i, 'mount is refused (EPERM)');
      assert.match(got.unshare ?? '', /Operation not permitted/, 'unshare is refused with EPERM');
      assert.equal(got.pids_max, String(PIDS_LIMIT));
      assert.equal(got.mem_limit, String(MEMORY));
      assert.equal(got.nofile, String(Math.min(DEFAULT_NOFILE, host.nofileHard)));
      assert.notEqual(got.rootfs_write, '0', 'the root filesystem is read-only');
      assert.equal(got.tmpfs_write, '0', 'the --tmpfs /tmp is writable');
      assert.equal(got.hostname, 'spec-test');
      for (const d of ['null', 'zero', 'full', 'random', 'urandom', 'tty', 'ptmx', 'pts', 'shm', 'mqueue']) {
        assert.ok(got.devices?.split(' ').includes(d), `/dev/${d}`);
      }
      assert.notEqual(got.fork_bomb_exit, '0', 'forks past the pids limit fail');
      assert.ok(Number(got.pids_current) > 10 && Number(got.pids_current) <= PIDS_LIMIT, `pids.current ${got.pids_current} within the limit`);
      if (existsSync(INIT)) assert.match(got.pid1 ?? '', /^\/dev\/init -- sh -c/);
    });
  }
});
