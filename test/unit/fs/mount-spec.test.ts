import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { ForgeError } from '../../../src/errors';
import { chainIds } from '../../../src/fs/chain-id';
import { parseMountInfo } from '../../../src/fs/linux/mountinfo';
import { MAX_MOUNT_DATA, assertMountablePath, overlaySupportsVolatile, rootfsMountSpec } from '../../../src/fs/snapshots/overlay/mount-spec';
import { sha256 } from '../../../src/util/digest';

const lowers = (n: number) => Array.from({ length: n }, (_, i) => `/var/lib/forgeone/snapshots/${String(i).padStart(64, 'a')}/fs`);

describe('chain IDs', () => {
  it('follow the OCI image-spec formula', () => {
    const d = [sha256('a'), sha256('b'), sha256('c')];
    const c1 = sha256(`${d[0]} ${d[1]}`);
    assert.deepEqual(chainIds(d), [d[0], c1, sha256(`${c1} ${d[2]}`)]);
  });
  it('refuse a malformed diffID', () => {
    assert.throws(() => chainIds(['sha256:xyz']), (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument');
  });
});

describe('rootfs mount spec', () => {
  const upper = { upperdir: '/c/upper', workdir: '/c/work' };

  it('volatile (run --rm): adds overlay\'s volatile to a read-write mount only', async () => {
    const rw = await rootfsMountSpec({ target: '/c/rootfs', lowers: lowers(2), snapshotsDir: '/s', upper, volatile: true });
    assert.deepEqual(rw.options.slice(1), ['upperdir=/c/upper', 'workdir=/c/work', 'index=off', 'volatile']);
    const ro = await rootfsMountSpec({ target: '/c/rootfs', lowers: lowers(2), snapshotsDir: '/s', volatile: true });
    assert.ok(!ro.options.includes('volatile'));
  });

  it('volatile needs Linux 5.10', () => {
    assert.equal(overlaySupportsVolatile('5.10.0-28-amd64'), true);
    assert.equal(overlaySupportsVolatile('6.1.0'), true);
    assert.equal(overlaySupportsVolatile('5.4.0-150-generic'), false);
    assert.equal(overlaySupportsVolatile('4.19.0'), false);
    assert.equal(overlaySupportsVolatile('weird'), false);
  });

  it('read-write: overlay with lowers top first, upper, work and index=off, even for one layer', async () => {
    for (const n of [1, 3]) {
      const spec = await rootfsMountSpec({ target: '/c/rootfs', lowers: lowers(n), snapshotsDir: '/s', upper });
      assert.equal(spec.type, 'overlay');
      assert.deepEqual(spec.options, [`lowerdir=${lowers(n).join(':')}`, 'upperdir=/c/upper', 'workdir=/c/work', 'index=off']);
      assert.equal(spec.cwd, undefined);
    }
  });

  it('read-only: overlay without upper; one layer is a read-only bind mount', async () => {
    const many = await rootfsMountSpec({ target: '/t', lowers: lowers(2), snapshotsDir: '/s' });
    assert.deepEqual(many.options, [`lowerdir=${lowers(2).join(':')}`, 'ro', 'index=off']);
    const one = await rootfsMountSpec({ target: '/t', lowers: lowers(1), snapshotsDir: '/s' });
    assert.deepEqual(one, { type: 'bind', source: lowers(1)[0], target: '/t', options: ['ro'] });
  });

  it('falls back to short relative lowers when absolute ones exceed a page, and refuses beyond that', async () => {
    const short = (n: number) => async () => Array.from({ length: n }, (_, i) => `l/${String(i).padStart(24, '0')}`);
    const spec = await rootfsMountSpec({ target: '/t', lowers: lowers(60), shortLowers: short(60), snapshotsDir: '/s', upper });
    assert.equal(spec.cwd, '/s');
    assert.ok(spec.options[0]!.startsWith('lowerdir=l/'));
    assert.ok(spec.options.join(',').length <= MAX_MOUNT_DATA);
    await assert.rejects(
      rootfsMountSpec({ target: '/t', lowers: lowers(200), shortLowers: short(200), snapshotsDir: '/s', upper }),
      (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument',
    );
  });

  it('refuses data roots that overlay options cannot carry', () => {
    for (const bad of ['/var/lib/a,b', '/var/lib/a:b', '/x\\y']) {
      assert.throws(() => assertMountablePath(bad, 'root'), (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument');
    }
    assertMountablePath('/var/lib/forgeone', 'root');
  });
});

describe('mountinfo', () => {
  it('parses mount points (octal escapes) and overlay options', () => {
    const text = [
      '22 1 8:1 / / rw,relatime shared:1 - ext4 /dev/vda rw',
      '45 22 0:40 / /tmp/with\\040space rw,relatime - overlay overlay rw,lowerdir=/a:/b,upperdir=/u,workdir=/w',
    ].join('\n');
    const entries = parseMountInfo(text);
    assert.equal(entries.length, 2);
    assert.equal(entries[1]!.mountPoint, '/tmp/with space');
    assert.equal(entries[1]!.fsType, 'overlay');
    assert.match(entries[1]!.superOptions, /lowerdir=\/a:\/b/);
  });
});
