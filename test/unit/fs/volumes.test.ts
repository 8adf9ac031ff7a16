import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../../src/errors';
import { resolveInRoot } from '../../../src/fs/volumes/scoped-path';
import { LocalVolumeStore } from '../../../src/fs/volumes/local-volume-store';
import { makeTempDir, removeDir } from '../../fixtures/tmp';
import { isRoot } from './helpers/tar';

const code = (c: string) => (err: unknown) => err instanceof ForgeError && err.code === c;

describe('local volumes', () => {
  let dir: string;
  let used: Set<string>;
  let store: LocalVolumeStore;

  beforeEach(async () => {
    dir = await makeTempDir('forgeone-vol-');
    used = new Set();
    store = new LocalVolumeStore({ root: path.join(dir, 'volumes'), inUse: (n) => used.has(n) });
  });
  afterEach(() => removeDir(dir));

  it('creates a named volume with _data and a metadata file beside it', async () => {
    const v = await store.create({ name: 'data', labels: { team: 'a' } });
    assert.equal(v.mountpoint, path.join(dir, 'volumes/data/_data'));
    assert.deepEqual([v.driver, v.scope, v.anonymous, v.labels], ['local', 'local', false, { team: 'a' }]);
    assert.ok((await fs.stat(v.mountpoint)).isDirectory());
    const record = JSON.parse(await fs.readFile(path.join(dir, 'volumes/data/volume.json'), 'utf8'));
    assert.equal(record.createdAt, v.createdAt);
    assert.deepEqual(await store.get('data'), v);
    assert.deepEqual((await store.list()).map((x) => x.name), ['data']);
  });

  it('gives an unnamed volume a random 64-hex name and marks it anonymous', async () => {
    const v = await store.create();
    assert.match(v.name, /^[0-9a-f]{64}$/);
    assert.equal(v.anonymous, true);
  });

  it('refuses a taken name, invalid names, other drivers and driver options', async () => {
    await store.create({ name: 'data' });
    await assert.rejects(store.create({ name: 'data' }), code('AlreadyExists'));
    for (const bad of ['a', '../x', 'a/b', '-x', '.x', 'a b', '/abs']) await assert.rejects(store.create({ name: bad }), code('InvalidArgument'), bad);
    await assert.rejects(store.create({ name: 'nfs', driver: 'nfs' }), code('NotImplemented'));
    await assert.rejects(store.create({ name: 'tmp', driverOpts: { type: 'tmpfs' } }), code('NotImplemented'));
    assert.deepEqual((await fs.readdir(path.join(dir, 'volumes'))).sort(), ['data'], 'no scratch dirs left');
  });

  it('creates a name once when two creates race', async () => {
    const results = await Promise.allSettled([store.create({ name: 'race' }), store.create({ name: 'race' })]);
    assert.deepEqual(results.map((r) => r.status).sort(), ['fulfilled', 'rejected']);
  });

  it('removes, refusing an in-use volume even with force; force ignores a missing one', async () => {
    await store.create({ name: 'data' });
    used.add('data');
    await assert.rejects(store.remove('data'), code('FailedPrecondition'));
    await assert.rejects(store.remove('data', { force: true }), code('FailedPrecondition'));
    used.clear();
    await store.remove('data');
    await assert.rejects(store.get('data'), code('NotFound'));
    await assert.rejects(store.remove('data'), code('NotFound'));
    await store.remove('data', { force: true });
  });

  it('prunes unused anonymous volumes, or all unused with `all`, filtered by label', async () => {
    const anon = await store.create();
    const anonUsed = await store.create();
    used.add(anonUsed.name);
    await store.create({ name: 'named', labels: { keep: 'no' } });
    await store.create({ name: 'kept', labels: { keep: 'yes' } });
    await fs.writeFile(path.join(anon.mountpoint, 'f'), '12345');
    const first = await store.prune();
    assert.deepEqual(first, { volumesDeleted: [anon.name], spaceReclaimed: 5 });
    const second = await store.prune({ all: true, labels: ['keep=no'] });
    assert.deepEqual(second.volumesDeleted, ['named']);
    assert.deepEqual((await store.list()).map((v) => v.name).sort(), [anonUsed.name, 'kept'].sort());
  });

  it('removes crash leftovers on first use', async () => {
    await fs.mkdir(path.join(dir, 'volumes/.tmp-abc/_data'), { recursive: true });
    await fs.mkdir(path.join(dir, 'volumes/.rm-def'), { recursive: true });
    await store.list();
    assert.deepEqual(await fs.readdir(path.join(dir, 'volumes')), []);
  });

  it('reports usage', async () => {
    const v = await store.create({ name: 'data' });
    await fs.mkdir(path.join(v.mountpoint, 'd'));
    await fs.writeFile(path.join(v.mountpoint, 'd/f'), 'abc');
    assert.deepEqual(await store.usage('data'), { bytes: 3, inodes: 2 });
  });

  describe('populateFrom (Docker copy-up)', { skip: !isRoot && 'needs root (chown)' }, () => {
    let rootfs: string;
    beforeEach(async () => {
      rootfs = path.join(dir, 'rootfs');
      await fs.mkdir(path.join(rootfs, 'var/lib/app/sub'), { recursive: true });
      await fs.writeFile(path.join(rootfs, 'var/lib/app/config'), 'cfg', { mode: 0o640 });
      await fs.chown(path.join(rootfs, 'var/lib/app/config'), 1000, 1001);
      await fs.utimes(path.join(rootfs, 'var/lib/app/config'), 1500000000, 1500000000);
      await fs.link(path.join(rootfs, 'var/lib/app/config'), path.join(rootfs, 'var/lib/app/sub/hard'));
      await fs.symlink('/etc/passwd', path.join(rootfs, 'var/lib/app/abs-link'));
      await fs.chmod(path.join(rootfs, 'var/lib/app'), 0o750);
      await fs.chown(path.join(rootfs, 'var/lib/app'), 1000, 1001);
      await fs.symlink('/var/lib/app', path.join(rootfs, 'app'));
    });

    it('copies the image directory into an empty volume with metadata, links and its own mode', async () => {
      const v = await store.create({ name: 'data' });
      assert.equal(await store.populateFrom('data', { rootfs, path: '/app' }), true, 'the symlink resolves inside rootfs');
      const cfg = await fs.lstat(path.join(v.mountpoint, 'config'));
      assert.deepEqual([cfg.mode & 0o7777, cfg.uid, cfg.gid, cfg.mtimeMs / 1000], [0o640, 1000, 1001, 1500000000]);
      assert.equal((await fs.lstat(path.join(v.mountpoint, 'sub/hard'))).ino, cfg.ino);
      assert.equal(await fs.readlink(path.join(v.mountpoint, 'abs-link')), '/etc/passwd', 'symlinks copied, never followed');
      const root = await fs.stat(v.mountpoint);
      assert.deepEqual([root.mode & 0o7777, root.uid, root.gid], [0o750, 1000, 1001]);
    });

    it('leaves a non-empty volume alone, and copies nothing for a missing path or a file', async () => {
      const v = await store.create({ name: 'data' });
      await fs.writeFile(path.join(v.mountpoint, 'mine'), 'keep');
      assert.equal(await store.populateFrom('data', { rootfs, path: '/var/lib/app' }), false);
      assert.deepEqual(await fs.readdir(v.mountpoint), ['mine']);
      await store.create({ name: 'other' });
      assert.equal(await store.populateFrom('other', { rootfs, path: '/nonexistent' }), false);
      assert.equal(await store.populateFrom('other', { rootfs, path: '/var/lib/app/config' }), false);
    });

    it('resolves the target inside the rootfs, never on the host', async () => {
      await fs.symlink('../../../../../../../etc', path.join(rootfs, 'escape'));
      await fs.symlink('/etc', path.join(rootfs, 'abs-escape'));
      assert.equal(await resolveInRoot(rootfs, '/escape'), path.join(rootfs, 'etc'));
      assert.equal(await resolveInRoot(rootfs, '/abs-escape/x'), path.join(rootfs, 'etc/x'));
      assert.equal(await resolveInRoot(rootfs, '/../../etc'), path.join(rootfs, 'etc'));
      await store.create({ name: 'data' });
      assert.equal(await store.populateFrom('data', { rootfs, path: '/escape' }), false, 'rootfs has no /etc');
      assert.ok(!existsSync(path.join(dir, 'volumes/data/_data/passwd')));
    });

    it('refuses a symlink loop', async () => {
      await fs.symlink('/loop', path.join(rootfs, 'loop'));
      await assert.rejects(resolveInRoot(rootfs, '/loop'), code('InvalidArgument'));
    });
  });
});
