/** Masked and read-only paths, default mounts and the device allowlist: Docker's set or stricter. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DEFAULT_DEVICE_RULES, defaultDeviceRules } from '../../../src/security/devices';
import { defaultMounts, etcMounts } from '../../../src/security/mounts';
import { MASKED_PATHS, READONLY_PATHS } from '../../../src/security/paths';

test('masked and read-only paths', () => {
  for (const p of ['/proc/kcore', '/proc/keys', '/proc/timer_list', '/proc/sched_debug', '/proc/scsi', '/sys/firmware', '/proc/acpi']) {
    assert.ok(MASKED_PATHS.includes(p), p);
  }
  assert.deepEqual([...READONLY_PATHS].sort(), ['/proc/bus', '/proc/fs', '/proc/irq', '/proc/sys', '/proc/sysrq-trigger']);
});

test('default mounts: nothing executable or setuid under /proc, /sys, /dev/*; /sys read-only', () => {
  const m = new Map(defaultMounts().map((x) => [x.destination, x]));
  assert.deepEqual([...m.keys()], ['/proc', '/dev', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup']);
  for (const x of m.values()) assert.ok(x.options?.includes('nosuid'), x.destination);
  for (const d of ['/proc', '/dev/pts', '/dev/shm', '/dev/mqueue', '/sys', '/sys/fs/cgroup']) assert.ok(m.get(d)?.options?.includes('noexec'), d);
  assert.ok(m.get('/sys')?.options?.includes('ro'));
  assert.ok(m.get('/sys/fs/cgroup')?.options?.includes('ro'));
  assert.ok(m.get('/dev/pts')?.options?.includes('newinstance'));
  assert.ok(m.get('/dev/shm')?.options?.includes('size=67108864'));
  assert.ok(defaultMounts({ shmSize: 1024 }).find((x) => x.destination === '/dev/shm')?.options?.includes('size=1024'));
});

test('/etc files are bind-mounted from the paths given', () => {
  const m = etcMounts({ hosts: '/c/hosts', hostname: '/c/hostname', resolvConf: '/c/resolv.conf' });
  assert.deepEqual(m.map((x) => [x.destination, x.source, x.type]), [
    ['/etc/hosts', '/c/hosts', 'bind'], ['/etc/hostname', '/c/hostname', 'bind'], ['/etc/resolv.conf', '/c/resolv.conf', 'bind'],
  ]);
});

test('devices: deny all first, no block device access, the standard char devices', () => {
  assert.deepEqual(DEFAULT_DEVICE_RULES[0], { allow: false, access: 'rwm' });
  assert.ok(!DEFAULT_DEVICE_RULES.some((r) => r.allow && r.type === 'b' && r.access !== 'm'));
  const allowed = DEFAULT_DEVICE_RULES.filter((r) => r.allow && r.access === 'rwm').map((r) => `${r.major}:${r.minor ?? '*'}`);
  assert.deepEqual(allowed, ['1:3', '1:5', '1:7', '1:8', '1:9', '5:0', '5:1', '5:2', '136:*']);
  const copy = defaultDeviceRules();
  copy[0]!.allow = true;
  assert.equal(DEFAULT_DEVICE_RULES[0]!.allow, false);
});
