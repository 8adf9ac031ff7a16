/**
 * What a well-formed layer becomes on disk: metadata kept, links, overlay-format whiteouts and
 * opaque dirs, compression, and the diffID check.
 */
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { gzipSync } from 'node:zlib';
import { ForgeError } from '../../../src/errors';
import { LinuxSpecialFiles } from '../../../src/fs/linux/special-files';
import { unpackLayer } from '../../../src/fs/unpack/unpack';
import { TempDirs } from '../../fixtures/tmp';
import { DEFAULT_MTIME, isRoot, listTree, makeTar, sha256, writeLayer, type RawEntry } from './helpers/tar';
import { unpackStack } from './helpers/unpack';

const special = new LinuxSpecialFiles();
const CAP = Buffer.from('0100000200200000000000000000000000000000', 'hex'); // cap_net_raw+ep
/** A POSIX access ACL (user::rw- user:1000:rw- group::r-- mask::rw- other::r--) in its xattr format. */
const ACL = (() => {
  const entries: Array<[number, number, number]> = [[0x01, 6, 0xffffffff], [0x02, 6, 1000], [0x04, 4, 0xffffffff], [0x10, 6, 0xffffffff], [0x20, 4, 0xffffffff]];
  const b = Buffer.alloc(4 + entries.length * 8);
  b.writeUInt32LE(2, 0);
  entries.forEach(([tag, perm, id], i) => {
    b.writeUInt16LE(tag, 4 + i * 8);
    b.writeUInt16LE(perm, 6 + i * 8);
    b.writeUInt32LE(id, 8 + i * 8);
  });
  return b;
})();
const hasZstd = (() => {
  try {
    execFileSync('zstd', ['--version']);
    return true;
  } catch {
    return false;
  }
})();

/** getfattr's hex dump of one attribute, or undefined. */
function xattr(p: string, name: string): Buffer | undefined {
  try {
    const out = execFileSync('getfattr', ['-h', '--absolute-names', '-e', 'hex', '-n', name, p], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
    const m = /=0x([0-9a-f]*)/.exec(out);
    return m ? Buffer.from(m[1]!, 'hex') : undefined;
  } catch {
    return undefined;
  }
}

async function isWhiteout(p: string): Promise<boolean> {
  const st = await fs.lstat(p).catch(() => undefined);
  return st !== undefined && st.isCharacterDevice() && st.rdev === 0;
}

describe('unpacking a layer', { skip: !isRoot && 'needs root (lchown, mknod, trusted xattrs)' }, () => {
  const tmp = new TempDirs();
  after(() => tmp.cleanup());

  it('keeps modes (setuid, sticky), owners, mtimes of files, dirs and symlinks', async () => {
    const base = await tmp.make('forgeone-unpack-');
    const entries: RawEntry[] = [
      { name: 'usr', type: 'dir', mode: 0o750, uid: 12, gid: 34, mtime: 1500000000 },
      { name: 'usr/su', content: 'elf', mode: 0o4755, uid: 1000, gid: 1001, mtime: 1600000000 },
      { name: 'tmp', type: 'dir', mode: 0o1777 },
      { name: 'usr/link', type: 'symlink', linkname: 'su', uid: 5, gid: 6, mtime: 1400000000 },
      { name: 'usr/fifo', type: 'fifo', mode: 0o620, uid: 7, gid: 8 },
    ];
    const { dirs } = await unpackStack(base, [entries]);
    const root = dirs[0]!;
    const usr = await fs.lstat(path.join(root, 'usr'));
    assert.deepEqual([usr.mode & 0o7777, usr.uid, usr.gid, usr.mtimeMs / 1000], [0o750, 12, 34, 1500000000], 'dir mtime survives its children');
    const su = await fs.lstat(path.join(root, 'usr/su'));
    assert.deepEqual([su.mode & 0o7777, su.uid, su.gid, su.mtimeMs / 1000], [0o4755, 1000, 1001, 1600000000], 'setuid survives chown');
    assert.equal((await fs.lstat(path.join(root, 'tmp'))).mode & 0o7777, 0o1777);
    const link = await fs.lstat(path.join(root, 'usr/link'));
    assert.deepEqual([link.isSymbolicLink(), link.uid, link.gid, link.mtimeMs / 1000], [true, 5, 6, 1400000000]);
    assert.equal(await fs.readlink(path.join(root, 'usr/link')), 'su');
    const fifo = await fs.lstat(path.join(root, 'usr/fifo'));
    assert.deepEqual([fifo.isFIFO(), fifo.mode & 0o7777, fifo.uid], [true, 0o620, 7]);
    assert.equal((await fs.lstat(root)).mode & 0o7777, 0o755, 'the layer root is 0755 whatever the umask');
  });

  it('keeps user.*, security.capability (binary) and ACL xattrs; drops trusted.* and security.selinux', async () => {
    const base = await tmp.make('forgeone-unpack-');
    const { dirs } = await unpackStack(base, [[
      { name: 'bin', type: 'dir', xattrs: { 'user.dir': 'd' } },
      { name: 'bin/ping', content: 'elf', mode: 0o755, xattrs: { 'security.capability': CAP, 'user.mime_type': 'x', 'security.selinux': 'system_u:object_r:bin_t:s0', 'trusted.overlay.opaque': 'y', 'trusted.other': 'z' } },
      { name: 'bin/sl', type: 'symlink', linkname: 'ping', xattrs: { 'user.on-symlink': 'refused by the kernel, so dropped' } },
      { name: 'shared', content: 'acl', mode: 0o664, xattrs: { 'system.posix_acl_access': ACL } },
    ]]);
    assert.deepEqual(xattr(path.join(dirs[0]!, 'shared'), 'system.posix_acl_access'), ACL);
    const ping = path.join(dirs[0]!, 'bin/ping');
    assert.deepEqual(xattr(ping, 'security.capability'), CAP);
    assert.equal(xattr(ping, 'user.mime_type')?.toString(), 'x');
    assert.equal(xattr(path.join(dirs[0]!, 'bin'), 'user.dir')?.toString(), 'd');
    assert.equal(xattr(ping, 'trusted.overlay.opaque'), undefined);
    assert.equal(xattr(ping, 'trusted.other'), undefined);
    assert.equal(xattr(ping, 'security.selinux'), undefined);
  });

  it('makes hard links share an inode, and replaces duplicate entries (last one wins)', async () => {
    const base = await tmp.make('forgeone-unpack-');
    const { dirs } = await unpackStack(base, [[
      { name: 'a', content: 'one' },
      { name: 'b', type: 'hardlink', linkname: 'a' },
      { name: 'c', type: 'hardlink', linkname: '/a' },
      { name: 'd', type: 'dir' },
      { name: 'd', content: 'now a file' },
      { name: 'e', content: 'now a dir' },
      { name: 'e', type: 'dir' },
    ]]);
    const [a, b, c] = await Promise.all(['a', 'b', 'c'].map((n) => fs.lstat(path.join(dirs[0]!, n))));
    assert.equal(a!.ino, b!.ino);
    assert.equal(a!.ino, c!.ino);
    assert.equal(a!.nlink, 3);
    assert.equal(await fs.readFile(path.join(dirs[0]!, 'd'), 'utf8'), 'now a file');
    assert.ok((await fs.lstat(path.join(dirs[0]!, 'e'))).isDirectory());
  });

  it('writes whiteouts as 0/0 char devices and opaque markers as trusted.overlay.opaque', async () => {
    const base = await tmp.make('forgeone-unpack-');
    const { dirs } = await unpackStack(base, [
      [{ name: 'a', type: 'dir' }, { name: 'a/x', content: 'x' }, { name: 'a/y', content: 'y' }, { name: 'o/old', content: 'old' }, { name: 'r/old', content: 'r' }, { name: 'f', content: 'f' }],
      [
        { name: 'a/.wh.x', content: '' },
        { name: 'o', type: 'dir' },
        { name: 'o/.wh..wh..opq', content: '' },
        { name: 'o/new', content: 'new' },
        { name: '.wh.r', content: '' },
        { name: 'r/fresh', content: 'fresh' },
        { name: '.wh.f', content: '' },
        { name: 'f', content: 'same layer wins' },
        { name: '.wh.never-existed', content: '' },
      ],
    ]);
    const upper = dirs[1]!;
    assert.ok(await isWhiteout(path.join(upper, 'a/x')));
    assert.ok(!(await isWhiteout(path.join(upper, 'a/y'))));
    assert.equal(xattr(path.join(upper, 'o'), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.equal(xattr(path.join(upper, 'r'), 'trusted.overlay.opaque')?.toString(), 'y', 'whiteout + same-layer dir = opaque dir');
    assert.equal(await fs.readFile(path.join(upper, 'f'), 'utf8'), 'same layer wins');
    assert.ok(await isWhiteout(path.join(upper, 'never-existed')), 'harmless: overlay ignores whiteouts of nothing');
    assert.deepEqual((await listTree(upper)).filter((p) => p.includes('.wh.')), [], 'no .wh. files are left');
    const a = await fs.lstat(path.join(upper, 'a'));
    assert.equal(a.mtimeMs / 1000, DEFAULT_MTIME, 'implicit parent dir copies the lower dir\'s mtime');
  });

  it('handles odd names (space, newline, =, backslash, UTF-8) in whiteouts and xattrs', async () => {
    const base = await tmp.make('forgeone-unpack-');
    const odd = 'we ird\nna=me\\é';
    const { dirs } = await unpackStack(base, [
      [{ name: `${odd}/f`, content: 'f' }, { name: odd, type: 'dir' }],
      [{ name: `${odd}/.wh.f`, content: '' }, { name: `${odd}/.wh..wh..opq`, content: '' }, { name: `${odd}/g`, content: 'g', xattrs: { 'user.a b\\c': 'v' } }],
    ]);
    assert.ok(await isWhiteout(path.join(dirs[1]!, odd, 'f')));
    assert.equal(xattr(path.join(dirs[1]!, odd), 'trusted.overlay.opaque')?.toString(), 'y');
    assert.equal(xattr(path.join(dirs[1]!, odd, 'g'), 'user.a b\\c')?.toString(), 'v');
  });

  it('drops whiteouts and opaque markers in a bottom layer (nothing below to hide)', async () => {
    const base = await tmp.make('forgeone-unpack-');
    const { dirs } = await unpackStack(base, [[{ name: 'a/.wh.x', content: '' }, { name: 'o/.wh..wh..opq', content: '' }]]);
    assert.deepEqual(await listTree(dirs[0]!), ['a', 'o']);
    assert.equal(xattr(path.join(dirs[0]!, 'o'), 'trusted.overlay.opaque'), undefined);
  });

  it('gives an implicit parent the mode and owner of the lower dir', async () => {
    const base = await tmp.make('forgeone-unpack-');
    const { dirs } = await unpackStack(base, [
      [{ name: 'srv', type: 'dir', mode: 0o700, uid: 99, gid: 98, mtime: 1234567890 }],
      [{ name: 'srv/new', content: 'n' }],
    ]);
    const srv = await fs.lstat(path.join(dirs[1]!, 'srv'));
    assert.deepEqual([srv.mode & 0o7777, srv.uid, srv.gid, srv.mtimeMs / 1000], [0o700, 99, 98, 1234567890]);
  });

  for (const compression of ['gzip', 'zstd', 'none'] as const) {
    it(`unpacks a ${compression} layer and reports its diffID`, { skip: compression === 'zstd' && !hasZstd && 'no zstd CLI to make one' }, async () => {
      const base = await tmp.make('forgeone-unpack-');
      const big = Buffer.alloc(3 << 20, 'z');
      const tar = makeTar([{ name: 'big', content: big }, { name: 'small', content: 's' }], { endBlocks: 20 });
      const source = await writeLayer(path.join(base, 'blobs'), tar, compression);
      const target = path.join(base, 'fs');
      await fs.mkdir(target);
      const result = await unpackLayer(source.path, source.mediaType, target, { special, expectedDiffId: source.diffId });
      assert.equal(result.diffId, sha256(tar), 'the trailing padding is hashed too');
      assert.equal(result.size, tar.length);
      assert.equal((await fs.stat(path.join(target, 'big'))).size, big.length);
    });
  }

  it('refuses a diffID mismatch', async () => {
    const base = await tmp.make('forgeone-unpack-');
    const source = await writeLayer(path.join(base, 'blobs'), makeTar([{ name: 'f', content: 'x' }]));
    await fs.mkdir(path.join(base, 'fs'));
    await assert.rejects(
      unpackLayer(source.path, source.mediaType, path.join(base, 'fs'), { special, expectedDiffId: sha256(Buffer.from('other')) }),
      (err: unknown) => err instanceof ForgeError && err.code === 'InvalidArgument' && /diffID/.test(err.message),
    );
  });

  it('refuses corrupt gzip, a truncated tar and encrypted layers', async () => {
    const base = await tmp.make('forgeone-unpack-');
    await fs.mkdir(path.join(base, 'fs/not-empty'), { recursive: true });
    const gz = gzipSync(makeTar([{ name: 'f', content: 'x'.repeat(5000) }]));
    gz[gz.length - 20] ^= 0xff;
    await fs.writeFile(path.join(base, 'corrupt'), gz);
    await fs.writeFile(path.join(base, 'truncated'), gzipSync(makeTar([{ name: 'f', content: 'x'.repeat(5000) }]).subarray(0, 2000)));
    const attempt = async (blob: string, mediaType: string, c: string) => {
      const target = await fs.mkdtemp(path.join(base, 'fs-'));
      await assert.rejects(unpackLayer(path.join(base, blob), mediaType, target, { special }), (err: unknown) => err instanceof ForgeError && err.code === c);
    };
    await attempt('corrupt', 'application/vnd.oci.image.layer.v1.tar+gzip', 'InvalidArgument');
    await attempt('truncated', 'application/vnd.oci.image.layer.v1.tar+gzip', 'InvalidArgument');
    await attempt('corrupt', 'application/vnd.oci.image.layer.v1.tar+gzip+encrypted', 'NotImplemented');
    await assert.rejects(unpackLayer(path.join(base, 'corrupt'), 'x', path.join(base, 'fs'), { special }), (err: unknown) => err instanceof ForgeError && err.code === 'FailedPrecondition', 'a non-empty target');
  });
});
