// Choosing the cgroup reader from mountinfo, for each kind of host; and metrics-address parsing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cgroupMounts, chooseReader } from '../../../src/metrics/detect';
import { parseListenAddress } from '../../../src/config/listen-address';
import { parseDaemonConfig } from '../../../src/config/daemon-config';

// The test hosts (HOST-NOTES 1), after the daemon moved hugetlb to v1; cpu and cpuacct apart.
const HYBRID = `31 23 0:28 / /sys/fs/cgroup rw,relatime - tmpfs tmpfs rw,mode=755
32 31 0:29 / /sys/fs/cgroup/cpu rw,relatime - cgroup cgroup rw,cpu
33 31 0:30 / /sys/fs/cgroup/cpuacct rw,relatime - cgroup cgroup rw,cpuacct
35 31 0:32 / /sys/fs/cgroup/memory rw,relatime - cgroup cgroup rw,memory
38 31 0:35 / /sys/fs/cgroup/blkio rw,relatime - cgroup cgroup rw,blkio
39 31 0:36 / /sys/fs/cgroup/pids rw,relatime - cgroup cgroup rw,pids
40 31 0:37 / /sys/fs/cgroup/systemd rw,relatime - cgroup cgroup rw,name=systemd
41 31 0:38 / /sys/fs/cgroup/unified rw,relatime - cgroup2 cgroup2 rw
42 31 0:39 / /sys/fs/cgroup/hugetlb rw,relatime - cgroup cgroup rw,hugetlb
`;
// systemd's legacy layout: cpu and cpuacct co-mounted.
const LEGACY = `25 24 0:22 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid shared:9 - cgroup cgroup rw,cpu,cpuacct
26 24 0:23 / /sys/fs/cgroup/memory rw,nosuid shared:10 - cgroup cgroup rw,memory
`;
const UNIFIED = '29 23 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate,memory_recursiveprot\n';

test('hybrid host: v1, each controller at its own mount', () => {
  assert.deepEqual(chooseReader(cgroupMounts(HYBRID)), {
    version: 'v1',
    mounts: { cpu: '/sys/fs/cgroup/cpu', cpuacct: '/sys/fs/cgroup/cpuacct', memory: '/sys/fs/cgroup/memory', blkio: '/sys/fs/cgroup/blkio', pids: '/sys/fs/cgroup/pids' },
  });
});

test('legacy host with co-mounted cpu,cpuacct; unified host; only cgroup2 elsewhere; none', () => {
  assert.deepEqual(chooseReader(cgroupMounts(LEGACY)), {
    version: 'v1',
    mounts: { cpu: '/sys/fs/cgroup/cpu,cpuacct', cpuacct: '/sys/fs/cgroup/cpu,cpuacct', memory: '/sys/fs/cgroup/memory' },
  });
  assert.deepEqual(chooseReader(cgroupMounts(UNIFIED)), { version: 'v2', root: '/sys/fs/cgroup' });
  assert.deepEqual(chooseReader(cgroupMounts('41 31 0:38 / /sys/fs/cgroup/unified rw - cgroup2 cgroup2 rw\n')), { version: 'v2', root: '/sys/fs/cgroup/unified' });
  assert.equal(chooseReader(cgroupMounts('1 0 0:1 / / rw - ext4 /dev/vda rw\n')), undefined);
});

test('metrics-address: HOST:PORT or [v6]:PORT, a host is required; off by default', () => {
  assert.deepEqual(parseListenAddress('127.0.0.1:9323'), { host: '127.0.0.1', port: 9323 });
  assert.deepEqual(parseListenAddress('[::1]:9323'), { host: '::1', port: 9323 });
  assert.deepEqual(parseListenAddress('localhost:0'), { host: 'localhost', port: 0 });
  for (const bad of [':9323', '9323', '127.0.0.1', '127.0.0.1:99999', '[nope]:1', 'a b:1']) {
    assert.throws(() => parseListenAddress(bad), { code: 'InvalidArgument' }, bad);
  }
  assert.equal(parseDaemonConfig({})['metrics-address'], undefined);
  assert.equal(parseDaemonConfig({ 'metrics-address': '0.0.0.0:9323' })['metrics-address'], '0.0.0.0:9323');
  assert.throws(() => parseDaemonConfig({ 'metrics-address': ':9323' }), { code: 'InvalidArgument' });
});
