import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tarStream from 'tar-stream';
import { ByteReader } from '../../../src/fs/unpack/byte-reader';
import { readTar, type TarHeader } from '../../../src/fs/unpack/tar-reader';
import { ForgeError } from '../../../src/errors';
import { makeTempDir, removeDir } from '../../fixtures/tmp';
import { makeTar } from './helpers/tar';

interface Read {
  header: TarHeader;
  data: Buffer;
}

/** Reads a whole archive, feeding it in small chunks to exercise block boundaries. */
async function readAll(tar: Buffer, chunk = 97): Promise<Read[]> {
  const chunks: Buffer[] = [];
  for (let i = 0; i < tar.length; i += chunk) chunks.push(tar.subarray(i, i + chunk));
  const out: Read[] = [];
  for await (const entry of readTar(new ByteReader(Readable.from(chunks)))) {
    const parts: Buffer[] = [];
    for await (const c of entry.body()) parts.push(c);
    out.push({ header: entry.header, data: Buffer.concat(parts) });
  }
  return out;
}

async function rejectsWith(p: Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof ForgeError && err.code === code);
}

describe('tar reader', () => {
  it('reads what tar-stream writes: types, modes, owners, times, links, long names', async () => {
    const pack = tarStream.pack();
    const long = `${'d'.repeat(120)}/${'f'.repeat(120)}`;
    pack.entry({ name: 'dir', type: 'directory', mode: 0o1777, uid: 7, gid: 8, mtime: new Date(1e12) });
    pack.entry({ name: 'dir/file', mode: 0o4755, uid: 1000, gid: 1001 }, 'hello');
    pack.entry({ name: 'dir/sym', type: 'symlink', linkname: '../elsewhere' });
    pack.entry({ name: 'dir/hard', type: 'link', linkname: 'dir/file' });
    pack.entry({ name: long }, 'x'.repeat(1000));
    pack.finalize();
    const chunks: Buffer[] = [];
    for await (const c of pack) chunks.push(c as Buffer);
    const entries = await readAll(Buffer.concat(chunks));
    assert.deepEqual(entries.map((e) => [e.header.name, e.header.type]), [
      ['dir', 'dir'], ['dir/file', 'file'], ['dir/sym', 'symlink'], ['dir/hard', 'hardlink'], [long, 'file'],
    ]);
    assert.equal(entries[0]!.header.mode, 0o1777);
    assert.equal(entries[0]!.header.mtime, 1e9);
    assert.deepEqual([entries[1]!.header.mode, entries[1]!.header.uid, entries[1]!.header.gid], [0o4755, 1000, 1001]);
    assert.equal(entries[1]!.data.toString(), 'hello');
    assert.equal(entries[2]!.header.linkname, '../elsewhere');
    assert.equal(entries[3]!.header.linkname, 'dir/file');
    assert.equal(entries[4]!.data.length, 1000);
  });

  it('keeps binary PAX xattr values byte for byte (tar-stream would decode them as UTF-8)', async () => {
    const cap = Buffer.from([0x01, 0x00, 0x00, 0x02, 0x80, 0xff, 0x00, 0x00, 0xc3, 0x28, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    const tar = makeTar([{ name: 'bin/ping', content: 'elf', xattrs: { 'security.capability': cap, 'user.note': 'hé' } }]);
    const [entry] = await readAll(tar);
    assert.deepEqual(entry!.header.xattrs.get('security.capability'), cap);
    assert.equal(entry!.header.xattrs.get('user.note')!.toString('utf8'), 'hé');
  });

  it('applies PAX path, size, uid, gid and fractional mtime over the ustar fields', async () => {
    const tar = makeTar([{ name: 'short', content: 'abc', pax: { path: 'a/much/longer/name', uid: '123456789', gid: '42', mtime: '1700000000.5' } }]);
    const [entry] = await readAll(tar);
    assert.equal(entry!.header.name, 'a/much/longer/name');
    assert.equal(entry!.header.uid, 123456789);
    assert.equal(entry!.header.gid, 42);
    assert.equal(entry!.header.mtime, 1700000000.5);
  });

  it('reads LIBARCHIVE.xattr records (base64 values, URL-encoded names)', async () => {
    const tar = makeTar([{ name: 'f', pax: { 'LIBARCHIVE.xattr.user.a%3Db': Buffer.from([0xff, 0x01]).toString('base64') } }]);
    const [entry] = await readAll(tar);
    assert.deepEqual(entry!.header.xattrs.get('user.a=b'), Buffer.from([0xff, 0x01]));
  });

  it('reads GNU tar archives (long names, posix xattrs) as GNU tar writes them', async () => {
    const dir = await makeTempDir('forgeone-gnutar-');
    try {
      const deep = path.join(dir, 'src', 'x'.repeat(150));
      await fs.mkdir(deep, { recursive: true });
      await fs.writeFile(path.join(deep, 'file'), 'gnu');
      await fs.symlink('t'.repeat(150), path.join(dir, 'src', 'longlink'));
      for (const format of ['gnu', 'posix']) {
        const tar = execFileSync('tar', ['-C', path.join(dir, 'src'), `--format=${format}`, '-cf', '-', '.']);
        const byName = new Map((await readAll(tar, 4096)).map((e) => [e.header.name.replace(/^\.\//, ''), e]));
        assert.equal(byName.get(`${'x'.repeat(150)}/file`)?.data.toString(), 'gnu', format);
        assert.equal(byName.get('longlink')?.header.linkname, 't'.repeat(150), format);
      }
    } finally {
      await removeDir(dir);
    }
  });

  it('reads base-256 numbers (uids beyond the octal field)', async () => {
    const tar = makeTar([{ name: 'f' }]);
    tar.fill(0, 108, 116);
    tar[108] = 0x80;
    tar.writeUInt32BE(3_000_000_000, 112);
    fixChecksum(tar, 0);
    const [entry] = await readAll(tar);
    assert.equal(entry!.header.uid, 3_000_000_000);
  });

  it('skips unread bodies and accepts an archive that ends without end blocks', async () => {
    const tar = makeTar([{ name: 'a', content: 'A'.repeat(700) }, { name: 'b', content: 'B' }], { endBlocks: 0 });
    const names: string[] = [];
    for await (const entry of readTar(new ByteReader(Readable.from([tar])))) names.push(entry.header.name);
    assert.deepEqual(names, ['a', 'b']);
  });

  it('refuses a bad checksum, a truncated body, sparse files and unknown types', async () => {
    const bad = makeTar([{ name: 'f', content: 'x' }]);
    bad[0] = 0x67;
    await rejectsWith(readAll(bad), 'InvalidArgument');
    const truncated = makeTar([{ name: 'f', content: 'x'.repeat(2000) }]).subarray(0, 1200);
    await rejectsWith(readAll(truncated), 'InvalidArgument');
    await rejectsWith(readAll(withFlag(makeTar([{ name: 'f' }]), 'S')), 'NotImplemented');
    await rejectsWith(readAll(makeTar([{ name: 'f', pax: { 'GNU.sparse.major': '1' } }])), 'NotImplemented');
    await rejectsWith(readAll(withFlag(makeTar([{ name: 'f' }]), 'Z')), 'NotImplemented');
  });

  it('bounds PAX headers', async () => {
    const tar = makeTar([{ name: 'f', pax: { comment: 'x'.repeat(2 << 20) } }]);
    await rejectsWith(readAll(tar, 1 << 16), 'InvalidArgument');
  });
});

function withFlag(tar: Buffer, flag: string): Buffer {
  tar.write(flag, 156, 1, 'latin1');
  fixChecksum(tar, 0);
  return tar;
}

function fixChecksum(tar: Buffer, offset: number): void {
  const h = tar.subarray(offset, offset + 512);
  h.fill(0x20, 148, 156);
  let sum = 0;
  for (const b of h) sum += b;
  h.write(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8, 'latin1');
}
