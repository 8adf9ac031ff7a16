import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, promises as fs, rmSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import * as tar from 'tar-stream';
import { extractInto, relativeTarget } from '../../../src/cli/commands/containers/cp-extract';
import { packPath } from '../../../src/cli/commands/containers/cp-pack';
import { isDirMode, splitCpArg } from '../../../src/cli/commands/containers/cp';
import { ForgeError } from '../../../src/errors';

type Entry = Partial<tar.Header> & { name: string; body?: string };

function archive(entries: Entry[]): Readable {
  const pack = tar.pack();
  for (const { body, ...h } of entries) pack.entry({ ...h, mode: h.mode ?? 0o644 }, body ?? '');
  pack.finalize();
  return pack as unknown as Readable;
}

function withDir(fn: (dir: string) => Promise<void>): () => Promise<void> {
  return async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), 'cp-'));
    try {
      await fn(dir);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
}

const refused = (e: unknown) => e instanceof ForgeError && e.code === 'InvalidArgument';
const keep = (top: string) => top;

describe('cp arguments', () => {
  it('splits CONTAINER:PATH; absolute and ./ paths are local', () => {
    assert.deepEqual(splitCpArg('web:/etc/hosts'), { container: 'web', path: '/etc/hosts' });
    assert.deepEqual(splitCpArg('web:'), { container: 'web', path: '/' });
    assert.deepEqual(splitCpArg('/tmp/a:b'), { path: '/tmp/a:b' });
    assert.deepEqual(splitCpArg('./a:b'), { path: './a:b' });
    assert.deepEqual(splitCpArg('file'), { path: 'file' });
    assert.ok(isDirMode(0x80000000 | 0o755));
    assert.ok(isDirMode(0o040755));
    assert.ok(!isDirMode(0o100644));
  });
  it('maps archive names through the rename of the top entry', () => {
    assert.equal(relativeTarget('etc/hosts', () => 'x'), 'x/hosts');
    assert.equal(relativeTarget('./etc/', () => ''), undefined);
    assert.equal(relativeTarget('etc/a/../b', keep), 'etc/b');
    for (const bad of ['../x', 'a/../../x', '/etc/passwd']) assert.throws(() => relativeTarget(bad, keep), refused);
  });
});

describe('cp extraction stays inside the destination', () => {
  it(
    'extracts files, directories, symlinks and hard links, renaming the top entry',
    withDir(async (dir) => {
      await extractInto(
        archive([
          { name: 'src', type: 'directory', mode: 0o750 },
          { name: 'src/a.txt', body: 'A', mode: 0o600 },
          { name: 'src/sub/b.txt', body: 'B' },
          { name: 'src/link', type: 'symlink', linkname: '/etc/passwd' },
          { name: 'src/hard', type: 'link', linkname: 'src/a.txt' },
        ]),
        dir,
        () => 'dst',
        () => undefined,
      );
      assert.equal(await fs.readFile(path.join(dir, 'dst/a.txt'), 'utf8'), 'A');
      assert.equal((await fs.stat(path.join(dir, 'dst/a.txt'))).mode & 0o777, 0o600);
      assert.equal(await fs.readFile(path.join(dir, 'dst/sub/b.txt'), 'utf8'), 'B');
      assert.equal(await fs.readlink(path.join(dir, 'dst/link')), '/etc/passwd');
      assert.equal(await fs.readFile(path.join(dir, 'dst/hard'), 'utf8'), 'A');
      assert.equal((await fs.stat(path.join(dir, 'dst'))).mode & 0o777, 0o750);
    }),
  );

  it(
    'refuses .. and absolute names',
    withDir(async (dir) => {
      const dest = path.join(dir, 'dest');
      await fs.mkdir(dest);
      await assert.rejects(extractInto(archive([{ name: '../evil', body: 'x' }]), dest, keep, () => undefined), refused);
      await assert.rejects(extractInto(archive([{ name: '/evil', body: 'x' }]), dest, keep, () => undefined), refused);
      await assert.rejects(fs.access(path.join(dir, 'evil')));
    }),
  );

  it(
    'never writes through a symlink from the archive or already there',
    withDir(async (dir) => {
      const dest = path.join(dir, 'dest');
      const outside = path.join(dir, 'outside');
      await fs.mkdir(dest);
      await fs.mkdir(outside);
      const viaLink = archive([
        { name: 'x/escape', type: 'symlink', linkname: outside },
        { name: 'x/escape/pwned', body: 'x' },
      ]);
      await assert.rejects(extractInto(viaLink, dest, keep, () => undefined), refused);
      assert.deepEqual(await fs.readdir(outside), []);
      // A file entry replaces an existing link instead of writing to its target.
      await fs.writeFile(path.join(outside, 'target'), 'original');
      await fs.symlink(path.join(outside, 'target'), path.join(dest, 'f'));
      await extractInto(archive([{ name: 'f', body: 'new' }]), dest, keep, () => undefined);
      assert.equal(await fs.readFile(path.join(outside, 'target'), 'utf8'), 'original');
      assert.equal(await fs.readFile(path.join(dest, 'f'), 'utf8'), 'new');
      // A hard link may not point at something outside (through a link) either.
      await assert.rejects(
        extractInto(archive([{ name: 'h', type: 'link', linkname: 'x/escape' }]), dest, keep, () => undefined),
        (e: unknown) => e instanceof ForgeError,
      );
    }),
  );

  it(
    'packs a directory (links kept as links) and extracts it back the same',
    withDir(async (dir) => {
      const src = path.join(dir, 'src');
      await fs.mkdir(path.join(src, 'sub'), { recursive: true });
      await fs.writeFile(path.join(src, 'a'), 'A');
      await fs.writeFile(path.join(src, 'sub', 'b'), 'B');
      await fs.symlink('a', path.join(src, 'ln'));
      const out = path.join(dir, 'out');
      await fs.mkdir(out);
      await extractInto(packPath(src, 'copy', () => undefined), out, keep, () => undefined);
      assert.deepEqual((await fs.readdir(path.join(out, 'copy'))).sort(), ['a', 'ln', 'sub']);
      assert.equal(await fs.readFile(path.join(out, 'copy/sub/b'), 'utf8'), 'B');
      assert.equal(await fs.readlink(path.join(out, 'copy/ln')), 'a');
      // '' as the top name: the contents only.
      const flat = path.join(dir, 'flat');
      await fs.mkdir(flat);
      await extractInto(packPath(src, '', () => undefined), flat, keep, () => undefined);
      assert.deepEqual((await fs.readdir(flat)).sort(), ['a', 'ln', 'sub']);
    }),
  );
});
