import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PassThrough } from 'node:stream';
import { ForgeError } from '../../../src/errors';
import { peek } from '../../../src/fs/unpack/decompress';

/** A bounded wait, so a peek that hangs fails the test instead of stalling the run. */
function within<T>(p: Promise<T>, ms = 2000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms).unref())]);
}

describe('peek (the first bytes of a layer stream)', () => {
  it('returns the first bytes and puts them back', async () => {
    const s = new PassThrough();
    s.end(Buffer.from('\x1f\x8bhello', 'latin1'));
    const head = await within(peek(s, 2));
    assert.deepEqual([...head], [0x1f, 0x8b]);
    const rest: Buffer[] = [];
    for await (const c of s) rest.push(c as Buffer);
    assert.equal(Buffer.concat(rest).toString('latin1'), '\x1f\x8bhello');
  });

  it('returns fewer bytes from a stream that ends first', async () => {
    const s = new PassThrough();
    s.end(Buffer.from('a'));
    assert.equal((await within(peek(s, 4))).toString(), 'a');
  });

  it('rejects a stream destroyed with an error before it is peeked at (a mirror whose blob another write got)', async () => {
    const s = new PassThrough();
    s.on('error', () => undefined);
    s.destroy(new Error('the blob was not downloaded by this write'));
    await new Promise((r) => setImmediate(r));
    await assert.rejects(within(peek(s, 4)), /not downloaded by this write/);
  });

  it('rejects a stream destroyed without an error, before or while it is peeked at', async () => {
    const before = new PassThrough();
    before.destroy();
    await assert.rejects(within(peek(before, 4)), (err: unknown) => err instanceof ForgeError && err.code === 'Unavailable');
    const during = new PassThrough();
    const pending = peek(during, 4);
    during.write(Buffer.from('ab'));
    setTimeout(() => during.destroy(), 20);
    await assert.rejects(within(pending), /closed before it was read/);
  });
});
