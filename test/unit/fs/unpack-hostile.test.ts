/**
 * The hostile-layer table: every way a layer tar could try to write outside its snapshot, each
 * asserting the documented outcome (InvalidArgument, or a documented safe handling) and that
 * NOTHING changed outside: a sentinel dir the links aim at, and marker names at host paths.
 */
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ForgeError } from '../../../src/errors';
import { TempDirs } from '../../fixtures/tmp';
import { isRoot, listTree, type RawEntry } from './helpers/tar';
import { unpackStack, type UnpackedStack } from './helpers/unpack';

interface Ctx {
  /** The sentinel directory symlinks aim at; holds only `victim`. */
  outside: string;
  /** A unique name, probed for at host paths (/, /etc, /tmp) after each case. */
  marker: string;
}

interface HostileCase {
  name: string;
  layers: (ctx: Ctx) => RawEntry[][];
  /** 'InvalidArgument', or 'ok' for input that is handled safely (then `check` says how). */
  expect: 'InvalidArgument' | 'ok';
  check?: (stack: UnpackedStack, ctx: Ctx) => Promise<void>;
}

const file = (name: string, content = 'pwned'): RawEntry => ({ name, content });
const dir = (name: string): RawEntry => ({ name, type: 'dir' });
const symlink = (name: string, linkname: string): RawEntry => ({ name, type: 'symlink', linkname });
const hardlink = (name: string, linkname: string): RawEntry => ({ name, type: 'hardlink', linkname });

const CASES: HostileCase[] = [
  { name: '`../x`', layers: (c) => [[file(`../${c.marker}`)]], expect: 'InvalidArgument' },
  { name: '`a/../../x`', layers: (c) => [[dir('a'), file(`a/../../${c.marker}`)]], expect: 'InvalidArgument' },
  { name: '`a/../b` (a `..` that would stay inside is refused too)', layers: () => [[dir('a'), file('a/../b')]], expect: 'InvalidArgument' },
  { name: 'PAX path with `..` over a harmless ustar name', layers: (c) => [[{ name: 'ok', content: 'x', pax: { path: `../../${c.marker}` } }]], expect: 'InvalidArgument' },
  {
    name: 'absolute `/etc/x` lands at the layer\'s etc/x',
    layers: (c) => [[file(`/etc/${c.marker}`), file(`./tmp/./${c.marker}`)]],
    expect: 'ok',
    check: async (s, c) => {
      assert.equal(await fs.readFile(path.join(s.dirs[0]!, 'etc', c.marker), 'utf8'), 'pwned');
      assert.ok(existsSync(path.join(s.dirs[0]!, 'tmp', c.marker)));
    },
  },
  { name: 'symlink out, then a write through it (same layer)', layers: (c) => [[symlink('evil', c.outside), file('evil/pwned')]], expect: 'InvalidArgument' },
  { name: 'relative symlink out, then a write through it', layers: () => [[symlink('evil', '../../../outside'), file('evil/pwned')]], expect: 'InvalidArgument' },
  { name: 'symlink out in layer 1, write through it in layer 2', layers: (c) => [[symlink('evil', c.outside)], [file('evil/pwned')]], expect: 'InvalidArgument' },
  { name: '`etc -> /` in layer 1, `etc/<x>` in layer 2', layers: (c) => [[symlink('etc', '/')], [file(`etc/${c.marker}`)]], expect: 'InvalidArgument' },
  { name: 'symlink in layer 1, deeper write in layer 3', layers: (c) => [[symlink('evil', c.outside)], [file('other')], [file('evil/sub/pwned')]], expect: 'InvalidArgument' },
  {
    name: 'layer 2 replaces a symlink by a directory explicitly (allowed: it shadows the link)',
    layers: (c) => [[symlink('evil', c.outside)], [dir('evil'), file('evil/pwned')]],
    expect: 'ok',
    check: async (s) => assert.equal(await fs.readFile(path.join(s.dirs[1]!, 'evil', 'pwned'), 'utf8'), 'pwned'),
  },
  { name: 'file, then a symlink over it, then a write through', layers: (c) => [[file('a'), symlink('a', c.outside), file('a/b')]], expect: 'InvalidArgument' },
  {
    name: 'a file over a symlink replaces the link, never writes its target',
    layers: (c) => [[symlink('f', path.join(c.outside, 'victim')), file('f', 'replaced')]],
    expect: 'ok',
    check: async (s) => {
      assert.ok((await fs.lstat(path.join(s.dirs[0]!, 'f'))).isFile());
      assert.equal(await fs.readFile(path.join(s.dirs[0]!, 'f'), 'utf8'), 'replaced');
    },
  },
  { name: 'hard link to /etc/passwd', layers: () => [[hardlink('passwd', '/etc/passwd')]], expect: 'InvalidArgument' },
  { name: 'hard link to `../x`', layers: () => [[hardlink('x', '../outside/victim')]], expect: 'InvalidArgument' },
  { name: 'hard link through a symlink', layers: (c) => [[symlink('lnk', c.outside), hardlink('x', 'lnk/victim')]], expect: 'InvalidArgument' },
  { name: 'hard link through a lower layer\'s symlink', layers: (c) => [[symlink('lnk', c.outside)], [hardlink('x', 'lnk/victim')]], expect: 'InvalidArgument' },
  { name: 'hard link to a file of a lower layer', layers: () => [[file('base')], [hardlink('x', 'base')]], expect: 'InvalidArgument' },
  {
    name: 'hard link to an in-layer symlink links the symlink itself',
    layers: () => [[symlink('s', '/etc/passwd'), hardlink('h', 's')]],
    expect: 'ok',
    check: async (s) => {
      const h = await fs.lstat(path.join(s.dirs[0]!, 'h'));
      assert.ok(h.isSymbolicLink());
      assert.equal(h.ino, (await fs.lstat(path.join(s.dirs[0]!, 's'))).ino);
    },
  },
  {
    name: 'char and block devices are skipped (noted)',
    layers: () => [[{ name: 'dev/mem', type: 'char', devmajor: 1, devminor: 1 }, { name: 'dev/sda', type: 'block', devmajor: 8, devminor: 0 }]],
    expect: 'ok',
    check: async (s) => {
      assert.deepEqual(s.results[0]!.skipped.map((e) => e.path), ['dev/mem', 'dev/sda']);
      assert.deepEqual(await listTree(s.dirs[0]!), []);
    },
  },
  { name: 'a 5000-byte path', layers: () => [[file(`${'a/'.repeat(2500)}x`)]], expect: 'InvalidArgument' },
  { name: 'a 300-byte component', layers: () => [[file('x'.repeat(300))]], expect: 'InvalidArgument' },
  { name: 'whiteout of `..`', layers: () => [[file('.wh...', '')]], expect: 'InvalidArgument' },
  { name: 'whiteout of `..` in a subdir', layers: () => [[dir('a'), file('a/.wh...', '')]], expect: 'InvalidArgument' },
  { name: 'whiteout of `.`', layers: () => [[file('a/.wh..', '')]], expect: 'InvalidArgument' },
  { name: '`.wh.` entry outside the layer', layers: () => [[file('x')], [file('../.wh.victim', '')]], expect: 'InvalidArgument' },
  { name: 'whiteout through a lower layer\'s symlink', layers: (c) => [[symlink('evil', c.outside)], [file('evil/.wh.victim', '')]], expect: 'InvalidArgument' },
  { name: 'opaque marker through a lower layer\'s symlink', layers: (c) => [[symlink('evil', c.outside)], [file('evil/.wh..wh..opq', '')]], expect: 'InvalidArgument' },
  {
    name: 'whiteout recorded, then its parent replaced by a symlink: the whiteout is dropped',
    layers: (c) => [[dir('d'), file('d/victim')], [dir('d'), file('d/.wh.victim', ''), symlink('d', c.outside)]],
    expect: 'ok',
    check: async (s) => assert.ok((await fs.lstat(path.join(s.dirs[1]!, 'd'))).isSymbolicLink()),
  },
  { name: 'the layer root replaced by a file', layers: () => [[{ name: './', content: 'x' }]], expect: 'InvalidArgument' },
];

describe('unpacking hostile layers', { skip: !isRoot && 'needs root (lchown, mknod)' }, () => {
  const tmp = new TempDirs();
  after(() => tmp.cleanup());
  let base: string;
  before(async () => {
    base = await tmp.make('forgeone-hostile-');
  });

  for (const [i, c] of CASES.entries()) {
    it(c.name, async () => {
      const caseDir = path.join(base, `case${i}`);
      const ctx: Ctx = { outside: path.join(caseDir, 'outside'), marker: `forgeone-pwned-${randomBytes(4).toString('hex')}` };
      await fs.mkdir(ctx.outside, { recursive: true });
      await fs.writeFile(path.join(ctx.outside, 'victim'), 'victim');
      const run = unpackStack(caseDir, c.layers(ctx));
      if (c.expect === 'ok') {
        const stack = await run;
        await c.check?.(stack, ctx);
      } else {
        await assert.rejects(run, (err: unknown) => err instanceof ForgeError && err.code === c.expect);
      }
      assert.deepEqual(await listTree(ctx.outside), ['victim'], 'the sentinel dir is untouched');
      assert.equal(await fs.readFile(path.join(ctx.outside, 'victim'), 'utf8'), 'victim');
      assert.equal((await fs.lstat(path.join(ctx.outside, 'victim'))).nlink, 1, 'no hard link to the victim');
      for (const hostDir of ['/', '/etc', '/tmp', path.dirname(caseDir), caseDir]) {
        assert.ok(!existsSync(path.join(hostDir, ctx.marker)), `nothing at ${path.join(hostDir, ctx.marker)}`);
      }
      assert.ok(!existsSync(path.join(caseDir, 'outside', 'pwned')));
    });
  }
});
